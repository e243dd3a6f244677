local x =
local y = 2
