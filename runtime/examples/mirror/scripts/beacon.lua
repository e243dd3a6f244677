-- Crescent's side: the beacon moves itself (its Transform lives in Crescent's world, and the
-- engine only reads it).

local STEP = vec3(1, 0, 0)

function update(self, dt)
  self.entity:translate(STEP, 2 * dt)
end
