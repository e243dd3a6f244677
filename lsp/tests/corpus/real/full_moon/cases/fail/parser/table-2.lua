return {
	a = 1,