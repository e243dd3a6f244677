"recover
local x = 1
