print("1")
break -- this can be replaced with break/return
print("2")
