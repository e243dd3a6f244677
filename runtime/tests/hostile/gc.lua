function init(self)
  local ok, err = pcall(setmetatable, {}, { __gc = function() error("in gc") end })
  assert(not ok and err:find("__gc"), "__gc accepted")
  setmetatable({}, { __gc = function() error("in gc") end })
end
