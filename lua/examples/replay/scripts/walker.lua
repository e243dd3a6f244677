-- scripts/walker.lua: a random walk. Every so often it picks a new direction with
-- `math.random`; a gust pushes it for a moment; it bounces off the arena's edges.
properties = { speed = 2, arena = 6 }

function init(self)
  self.velocity = vec3()
  self.push = vec3()
  self.turns = 0
  task.spawn(function()
    while true do
      local angle = math.random() * 2 * math.pi
      self.velocity:set(math.cos(angle), math.sin(angle), 0):scale(self.speed)
      self.turns = self.turns + 1
      task.wait_frames(math.random(10, 40))
    end
  end)
end

function on_event(self, name, data)
  if name == "gust" then
    self.push:set(data.x, data.y, 0):scale(data.strength)
  end
end

function fixed_update(self, dt)
  local e = self.entity
  e:translate(self.velocity, dt)
  e:translate(self.push, dt)
  self.push:scale(0.95) -- the gust dies down
  local p = e:position()
  local a = self.arena
  -- Bounce: reflect the velocity when outside the arena and heading further out.
  if (p.x > a and self.velocity.x > 0) or (p.x < -a and self.velocity.x < 0) then
    self.velocity.x = -self.velocity.x
  end
  if (p.y > a and self.velocity.y > 0) or (p.y < -a and self.velocity.y < 0) then
    self.velocity.y = -self.velocity.y
  end
end
