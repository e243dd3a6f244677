local function foo(x, y,)
	print(x, y)
end
