repeat
	call()