-- {{path}}: a module.
-- Code shared by scripts, loaded once per world and returned to every script that asks for it:
--   local {{name}} = require("{{module}}")
-- A module is not attached to an entity: it has no lifecycle functions and no `self`, and
-- returns a table of functions (the editor completes `{{name}}.` with them and their comments).
-- Saving it while the game runs with --watch reloads it and every script that requires it.

local M = {}

--- Moves `value` towards `target` by at most `step`, without passing it.
function M.approach(value, target, step)
  if value < target then
    return math.min(value + step, target)
  end
  return math.max(value - step, target)
end

--- Keeps `value` between `low` and `high`.
function M.clamp(value, low, high)
  return math.max(low, math.min(high, value))
end

--- Whether two entities with a Transform are within `range` of each other.
function M.near(a, b, range)
  local pa, pb = a:position(), b:position()
  return pa ~= nil and pb ~= nil and vec3.distance(pa, pb) <= range
end

--- How many entities have the component `name`.
function M.count(name)
  local n = 0
  for _ in world.query(name) do
    n = n + 1
  end
  return n
end

return M
