-- Catastrophic backtracking: one call into the pattern matcher that would run for hours.
function update(self)
  self.found = string.find(string.rep("a", 40), string.rep("a*", 40) .. "b")
end
