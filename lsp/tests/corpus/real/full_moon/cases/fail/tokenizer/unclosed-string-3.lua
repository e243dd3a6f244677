local x = [[hello
world