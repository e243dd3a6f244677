function update(self, dt) end
