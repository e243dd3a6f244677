-- We shouldn't parse this as >> since it has a space in between
local x = 1 > > 2