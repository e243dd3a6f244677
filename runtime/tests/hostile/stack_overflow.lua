local function down(n) return 1 + down(n + 1) end
function update(self) down(1) end
