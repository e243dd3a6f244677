repeat
	call()
until end