--[[
	such comments
	much lines
	wow
]]