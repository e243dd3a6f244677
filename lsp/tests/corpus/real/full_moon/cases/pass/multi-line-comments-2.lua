--[=[
	never have i used these weird equals signs comments
	but im sure someone does
]=]