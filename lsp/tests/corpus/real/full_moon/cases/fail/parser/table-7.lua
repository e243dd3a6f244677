return {
	[until] = true,
}