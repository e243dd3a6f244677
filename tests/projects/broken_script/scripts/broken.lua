-- A syntax error on line 3, at column 13 (the second `=`).
function update(self, dt)
  local x = = 1
end
