-- scripts/main.lua: the first script of {{name}}.
-- It moves its entity along the X axis and logs where it is every few seconds.
-- `crescent api --format markdown` prints everything a script can use.

-- Tunable values: copied into `self` before `init`; scene.json may override them per entity.
properties = { speed = 1.0 }

function init(self)
  self.velocity = vec3(self.speed, 0, 0)
  local settings = assets.load_json("settings.json")
  log.info(settings.greeting)
  self.travelled = 0
  -- A task is a coroutine owned by this instance; it stops when the instance is destroyed.
  task.spawn(function()
    while true do
      task.wait(settings.report_every)
      log.info(string.format("at x = %.2f after %.1f s", self.entity:position().x, time.elapsed))
    end
  end)
end

function update(self, dt)
  -- Moves the Transform in place: no copy of the component and no new vector every frame.
  self.entity:translate(self.velocity, dt)
  self.travelled = self.travelled + self.speed * dt
end
