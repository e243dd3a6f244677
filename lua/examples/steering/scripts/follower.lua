-- scripts/follower.lua: steers through a route of named entities, one after the other, with a
-- limited acceleration. With `slow_radius` > 0 it arrives (brakes) at each waypoint; with 0 it
-- seeks at full speed and swings round. A route of one moving entity is a pursuit.
local steer = require("lib.steer")

properties = {
  route = { "beacon_1" }, -- names of the entities to visit, in order, looping
  max_speed = 4,          -- units per second
  max_accel = 10,         -- units per second per second
  slow_radius = 2,        -- start braking this far from a waypoint (0: never brake)
  reach = 0.25,           -- a waypoint this close counts as reached (0: never, just follow)
}

local Z = vec3(0, 0, 1)

function init(self)
  self.targets = {}
  for i, name in ipairs(self.route) do
    self.targets[i] = assert(world.find(name), "no entity named " .. name)
  end
  self.index = 1
  self.reached = 0
  self.velocity = vec3()
  self.desired = vec3()
  self.scratch = vec3()
end

function fixed_update(self, dt)
  local e = self.entity
  local target = self.targets[self.index]
  local _, distance = steer.desired(self.desired, e:position(), target:position(), self.max_speed, self.slow_radius)
  if distance < self.reach then
    self.reached = self.reached + 1
    self.index = self.index % #self.targets + 1
    if self.reached % #self.targets == 0 then
      log.info(string.format("%s finished lap %d at t=%.2fs", e:get("Name"), self.reached // #self.targets, time.elapsed))
    end
  end
  steer.approach(self.velocity, self.desired, self.max_accel * dt, self.scratch)
  e:translate(self.velocity, dt)
  -- Face where it goes (its +X towards the velocity), when it goes anywhere.
  if self.velocity:length_squared() > 1e-6 then
    e:set_rotation(quat.from_axis_angle(Z, math.atan(self.velocity.y, self.velocity.x)))
  end
end
