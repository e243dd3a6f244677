-- A well-behaved script: counts frames and checks nothing shared was polluted.
function update(self)
  self.n = (self.n or 0) + 1
  assert(("x"):upper() == "X", "string metatable polluted")
  assert(string.upper("a") == "A" and table.insert and math.floor(1.5) == 1, "standard library polluted")
  assert(x_leak == nil and y_leak == nil, "globals leaked")
  assert(type(print) == "function" and type(world.spawn) == "function", "engine names polluted")
end
