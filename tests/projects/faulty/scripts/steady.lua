-- Keeps counting every frame, whatever happens beside it.
function init(self)
  self.count = 0
end

function update(self, dt)
  self.count = self.count + 1
  if self.count % 10 == 0 then
    log.info("steady at " .. self.count)
  end
end
