-- fractional hexadecimal
local a = 0x0.1E

-- binary exponent in hexadecimal
local b = 0xA23p-4

-- a mixture of both
local c = 0X1.921FB54442D18P+1
