if x then
	call1()
else
	call2()
elseif y then
	call3()
end