do
	call()