repeat
	call()
until condition