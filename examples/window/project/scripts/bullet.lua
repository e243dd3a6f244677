-- A shot: flies up, and is gone after a second.

local UP = vec3(0, 1, 0)

function init(self)
  self.life = 1.0
end

function update(self, dt)
  self.entity:translate(UP, 480 * dt)
  self.life = self.life - dt
  if self.life <= 0 then
    self.entity:despawn()
  end
end
