return {
	x = until,
}