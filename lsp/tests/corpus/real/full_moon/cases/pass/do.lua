do
	call()
end