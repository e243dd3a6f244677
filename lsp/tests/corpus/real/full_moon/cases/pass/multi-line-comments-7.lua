--[=[ μέλλον ]=]

-- some text here
