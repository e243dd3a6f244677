-- scripts/lib/steer.lua: steering behaviours on reused vectors (nothing here allocates).
local steer = {}

-- Writes into `out` the velocity that heads from `from` to `to` at `max_speed`; inside
-- `slow_radius` of the target the speed falls with the distance ("arrive"), so the mover
-- brakes instead of overshooting. Returns `out` and the distance.
function steer.desired(out, from, to, max_speed, slow_radius)
  out:set(to):sub(from)
  local distance = out:length()
  local speed = max_speed
  if distance < slow_radius then
    speed = max_speed * distance / slow_radius
  end
  out:normalize():scale(speed)
  return out, distance
end

-- Turns `velocity` towards `desired`, changing it by at most `max_change` (an acceleration
-- times dt), in place. `scratch` is a vector the caller keeps for the difference.
function steer.approach(velocity, desired, max_change, scratch)
  scratch:set(desired):sub(velocity)
  local change = scratch:length()
  if change > max_change then
    scratch:scale(max_change / change)
  end
  velocity:add(scratch)
  return velocity
end

return steer
