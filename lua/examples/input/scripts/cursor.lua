-- scripts/cursor.lua: sits where the pointer is.
function update(self)
  local x, y = input.pointer()
  self.entity:set_position(x, y, 0)
end
