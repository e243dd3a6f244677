local foo = "bar\
baz"
