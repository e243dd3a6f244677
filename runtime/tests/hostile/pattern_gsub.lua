-- The same through gsub, inside a pcall the script hopes will swallow the error.
function update(self)
  local ok, err = pcall(string.gsub, string.rep("a", 30), string.rep("a?", 30) .. string.rep("a", 30) .. "b", "x")
  self.err = err
  while true do end
end
