-- scripts/bolt.lua: flies straight for `lifetime` seconds, then despawns.
properties = { vx = 0, vy = 0, lifetime = 0.8 }

function init(self)
  self.velocity = vec3(self.vx, self.vy, 0)
  self.age = 0
end

function update(self, dt)
  self.age = self.age + dt
  if self.age >= self.lifetime then
    self.entity:despawn()
    return
  end
  self.entity:translate(self.velocity, dt)
end
