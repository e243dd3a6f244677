repeat
	call()
until