while true
	call()
end