local a = pcall(function()
	return
	return
end)