-- Fails on its fifth update: the instance is faulted, the game goes on.
function init(self)
  self.n = 0
end

function update(self, dt)
  self.n = self.n + 1
  if self.n == 5 then
    local missing = nil
    return missing.field
  end
end
