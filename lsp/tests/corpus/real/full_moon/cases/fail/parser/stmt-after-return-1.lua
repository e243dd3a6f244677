print("1")
return;
print("2")
