-- scripts/ship.lua: flies with the `move_x` / `move_y` axes (with some inertia), aims at the
-- pointer and fires while `fire` is held: one shot on the press, then one every
-- `fire_interval` seconds; each burst is counted when `fire` is released.
properties = { max_speed = 5, accel = 20, fire_interval = 0.15, bolt_speed = 12 }

function init(self)
  self.velocity = vec3()
  self.wanted = vec3()
  self.aim = vec3(1, 0, 0)
  self.cooldown = 0
  self.burst = 0
  self.shots = 0
end

local function fire(self, from)
  self.burst = self.burst + 1
  self.shots = self.shots + 1
  world.spawn({ Transform = { position = from } }, {
    { path = "scripts/bolt.lua", properties = { vx = self.aim.x * self.bolt_speed, vy = self.aim.y * self.bolt_speed } },
  })
end

function update(self, dt)
  local e = self.entity
  -- Steer the velocity towards what the stick asks for, at most `accel` per second.
  self.wanted:set(input.axis("move_x"), input.axis("move_y"), 0)
  if self.wanted:length_squared() > 1 then
    self.wanted:normalize() -- a diagonal is no faster
  end
  self.wanted:scale(self.max_speed):sub(self.velocity)
  local change = self.wanted:length()
  if change > self.accel * dt then
    self.wanted:scale(self.accel * dt / change)
  end
  self.velocity:add(self.wanted)
  e:translate(self.velocity, dt)

  -- Aim at the pointer (two numbers: nothing allocated).
  local here = e:position()
  local px, py = input.pointer()
  self.aim:set(px - here.x, py - here.y, 0)
  if self.aim:length_squared() < 1e-9 then
    self.aim:set(1, 0, 0)
  end
  self.aim:normalize()

  self.cooldown = self.cooldown - dt
  if input.pressed("fire") then
    -- `pressed` is true for one frame, also for a tap shorter than a frame.
    self.burst = 0
    self.cooldown = self.fire_interval
    fire(self, here)
  elseif input.held("fire") and self.cooldown <= 0 then
    self.cooldown = self.cooldown + self.fire_interval
    fire(self, here)
  end
  if input.released("fire") then
    log.info(string.format("t=%.2fs burst of %d shot(s) towards (%.0f, %.0f); %d in all",
      time.elapsed, self.burst, px, py, self.shots))
  end
end
