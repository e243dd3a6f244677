function x()
	call()
end