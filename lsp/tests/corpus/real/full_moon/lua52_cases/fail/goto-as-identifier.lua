-- goto is NOT permitted as an identifier in Lua5.2+
self.goto("foo")