-- scripts/lever.lua: flips every `interval` seconds and broadcasts it (`events.emit`); each door
-- answers the lever alone (`entity:send`) when it has finished moving. A `lock` sent by the
-- alarm stops it for good.
properties = { interval = 2 }

local function listening_doors()
  local n = 0
  for _, door in world.query("Door") do
    if door.listening then
      n = n + 1
    end
  end
  return n
end

function init(self)
  self.on = false
  self.pulls = 0
  self.waiting = 0    -- doors that have not answered the last pull
  self.pulled_at = 0
  self.task = task.spawn(function()
    while true do
      task.wait(self.interval)
      self.on = not self.on
      self.pulls = self.pulls + 1
      self.pulled_at = time.elapsed
      self.waiting = listening_doors()
      events.emit("lever", { on = self.on, pull = self.pulls })
    end
  end)
end

-- Broadcasts reach every instance's on_event, this one's own `lever` too: look at the name.
function on_event(self, name, data, sender)
  if name == "door_moved" and data.pull == self.pulls then
    self.waiting = self.waiting - 1
    if self.waiting == 0 then
      log.info(string.format("pull %d: every door is %s, the last (%s) %.2f s after the pull",
        self.pulls, data.open and "open" or "closed", sender:get("Name"), time.elapsed - self.pulled_at))
    end
  elseif name == "jammed" and data.pull == self.pulls then
    self.waiting = self.waiting - 1 -- a jammed door will not answer
  elseif name == "lock" then
    task.cancel(self.task)
    log.warn("lever locked: " .. data.reason)
  end
end
