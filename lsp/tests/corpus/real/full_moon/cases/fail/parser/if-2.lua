if x then
else
	call()