return {
	until = 1,
}