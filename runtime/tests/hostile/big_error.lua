function update(self) error(string.rep("x", 1024 * 1024)) end
