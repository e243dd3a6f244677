print("testing \z
	   twelve")