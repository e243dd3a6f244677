function update(self) error({ code = 42, why = "table" }) end
