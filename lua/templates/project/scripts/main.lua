-- scripts/main.lua: the first script of {{name}}.
-- It moves its entity along the X axis and logs where it is every few seconds.
-- `crescent api --format markdown` prints everything a script can use.

-- Tunable values: copied into `self` before `init`; scene.json may override them per entity.
properties = { speed = 1.0 }

function init(self)
  local settings = assets.load_json("settings.json")
  log.info(settings.greeting)
  self.travelled = 0
  -- A task is a coroutine owned by this instance; it stops when the instance is destroyed.
  task.spawn(function()
    while true do
      task.wait(settings.report_every)
      local t = self.entity:get("Transform")
      log.info(string.format("at x = %.2f after %.1f s", t.position.x, time.elapsed))
    end
  end)
end

function update(self, dt)
  local t = self.entity:get("Transform")
  t.position = t.position + vec3(self.speed * dt, 0, 0)
  self.entity:set("Transform", t)
  self.travelled = self.travelled + self.speed * dt
end
