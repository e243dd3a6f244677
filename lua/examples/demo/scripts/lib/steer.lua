-- scripts/lib/steer.lua: small vector helpers shared by the demo's scripts (`require("lib.steer")`).
local steer = {}

local UP = vec3(0, 1, 0)

-- Velocity that moves from `from` towards `to` at `speed`.
function steer.seek(from, to, speed)
  return (to - from):normalized() * speed
end

-- A point on a circle of `radius` around the origin, in the XZ plane.
function steer.ring_point(radius, angle)
  return quat.from_axis_angle(UP, angle) * vec3(radius, 0, 0)
end

-- The rotation that turns +X towards `dir` (in the XZ plane).
function steer.facing(dir)
  return quat.from_axis_angle(UP, math.atan(-dir.z, dir.x))
end

-- Script components hold plain Lua data: vectors travel as { x, y, z } tables.
function steer.pack(v)
  return { x = v.x, y = v.y, z = v.z }
end

function steer.unpack(t)
  return vec3(t.x, t.y, t.z)
end

-- The nearest entity with `component` and a Transform within `range` of `pos`, and its distance.
function steer.nearest(pos, component, range)
  local best, best_d = nil, range
  for e in world.query(component, "Transform") do
    local d = vec3.distance(pos, e:position())
    if d < best_d then
      best, best_d = e, d
    end
  end
  return best, best_d
end

return steer
