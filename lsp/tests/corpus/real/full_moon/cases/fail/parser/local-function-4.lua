local function x()
	call()