if x then
else then
	call()
end