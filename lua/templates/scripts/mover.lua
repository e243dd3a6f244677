-- {{path}}: a mover.
-- Moves its entity in a straight line, `speed` units per second along `direction`.
-- Attach it to an entity with a Transform in scene.json, with the values you want:
--   { "path": "{{path}}", "properties": { "speed": 3, "direction": [0, 1, 0] } }

properties = {
  speed = 2.0,            -- units per second
  direction = { 1, 0, 0 }, -- x, y, z; any length (only the direction counts)
}

-- The velocity is made once and kept in `self`, so `update` allocates nothing.
local function aim(self)
  local d = self.direction
  self.velocity = self.velocity or vec3()
  self.velocity:set(d[1], d[2], d[3]):normalize():scale(self.speed)
end

function init(self)
  aim(self)
end

function update(self, dt)
  -- Moves the Transform in place by velocity * dt: no copy of the component, no new vector.
  self.entity:translate(self.velocity, dt)
end

-- A hot reload keeps `self` (speed and direction included, as the scene set them) and runs this:
-- aim again, so a change to `aim` applies to the running instances at once.
function on_reload(self)
  aim(self)
end
