local function x(...--[[comment here]])
end