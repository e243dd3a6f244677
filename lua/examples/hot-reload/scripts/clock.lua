-- scripts/clock.lua: broadcasts `tick` once a second, and reports the creatures now and then.
function init(self)
  self.ticks = 0
  task.spawn(function()
    while true do
      task.wait(1)
      self.ticks = self.ticks + 1
      events.emit("tick", { n = self.ticks })
      if self.ticks % 5 == 0 then
        local parts = {}
        for e, c in world.query("Creature") do
          parts[#parts + 1] = string.format("%s %s", e:get("Name"), c.summary)
        end
        log.info(string.format("tick %d: %s", self.ticks, table.concat(parts, ", ")))
      end
    end
  end)
end
