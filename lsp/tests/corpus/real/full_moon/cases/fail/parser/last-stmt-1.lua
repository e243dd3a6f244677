local function x()
	return 1
	return 2
end
