function update(self) error() end
