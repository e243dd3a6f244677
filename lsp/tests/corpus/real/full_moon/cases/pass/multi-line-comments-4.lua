--[=====[
	lua be like
]====]
	still going
]=====]