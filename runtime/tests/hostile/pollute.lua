-- Tries to change what other scripts see.
function init(self)
  local blocked = 0
  local attempts = {
    function() string.upper = function() return "pwned" end end,
    function() table.insert = nil end,
    function() math.floor = nil end,
    function() getmetatable("").__index.upper = function() return "pwned" end end,
    function() setmetatable(string, {}) end,
    function() world.spawn = nil end,
    function() vec3.lerp = nil end,
    function() time.dt = 5 end,
    function() getmetatable(self.entity).__index.get = nil end,
    function() rawset(string, "upper", nil) end,
    function() rawset(world, "spawn", nil) end,
    function() rawset(self.entity, 1, 0) end,
  }
  for _, f in ipairs(attempts) do
    if not pcall(f) then blocked = blocked + 1 end
  end
  x_leak = 1
  _G.y_leak = 2
  string = nil -- only this script's own global
  print("blocked pollute " .. blocked .. "/" .. #attempts)
end
