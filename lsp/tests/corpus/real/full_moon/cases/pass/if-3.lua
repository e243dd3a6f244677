if x then
	foo()
elseif y then
	bar()
end