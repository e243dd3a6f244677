-- Compiles, but its top level fails when the script loads.
local config = nil
local speed = config.speed
function update(self, dt) end
