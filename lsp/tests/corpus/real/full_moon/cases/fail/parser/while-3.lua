while true do
	call()