function update(self)
  local s = string.rep("x", 1 << 30)
  self.s = s
end
