	-- Indented single line
	--[[
		Indented multi line
	]]