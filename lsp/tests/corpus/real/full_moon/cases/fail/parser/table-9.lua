local x = {
	[a.b.c = 10,
}
