return {
	[] = 1,
}