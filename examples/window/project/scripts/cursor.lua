-- Follows the mouse (`input.pointer()` is in world units).

function update(self)
  local x, y = input.pointer()
  self.entity:set_position(x, y, 0)
end
