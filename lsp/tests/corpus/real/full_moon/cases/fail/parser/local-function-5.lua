local function do()
	call()
end