-- scripts/orbit.lua: circles the origin, for the chaser to pursue.
properties = { radius = 3, angular_speed = 0.8 }

function init(self)
  self.angle = 0
end

function fixed_update(self, dt)
  self.angle = self.angle + self.angular_speed * dt
  self.entity:set_position(self.radius * math.cos(self.angle), self.radius * math.sin(self.angle), 0)
end
