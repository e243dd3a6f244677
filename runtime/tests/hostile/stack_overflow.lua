-- Recursion through metamethods overflows the C stack quickly; plain Lua recursion is tested
-- without a time budget in tests/lifecycle.rs (it takes longer to fill the Lua stack).
local deep = setmetatable({}, { __index = function(t, k) return t[k] + 1 end })
function update(self) return deep.x end
