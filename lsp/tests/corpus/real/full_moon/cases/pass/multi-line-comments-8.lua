--[[👨🏾‍💻]]
local more_code = here
