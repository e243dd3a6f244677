return {
	a =