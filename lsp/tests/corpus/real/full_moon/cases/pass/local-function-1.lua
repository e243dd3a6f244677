local function x()
	call(1)
end
