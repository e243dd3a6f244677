print("testing \
	   twelve")