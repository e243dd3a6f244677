-- Circles the origin. Edit `speed` or the radius while the window is open and save.

properties = {
  radius = 100,
  speed = 1, -- radians per second
  phase = 0,
}

function init(self)
  self.angle = self.phase
end

function update(self, dt)
  self.angle = self.angle + self.speed * dt
  self.entity:set_position(math.cos(self.angle) * self.radius, math.sin(self.angle) * self.radius, 0)
end
