-- Reaches for everything the sandbox removes.
function init(self)
  local found = {}
  for _, name in ipairs({ "io", "debug", "package", "loadfile", "dofile", "require_raw" }) do
    if _G[name] ~= nil then found[#found + 1] = name end
  end
  for _, name in ipairs({ "execute", "exit", "remove", "rename", "getenv", "tmpname", "setlocale" }) do
    if os[name] ~= nil then found[#found + 1] = "os." .. name end
  end
  if string.dump ~= nil or ("").dump ~= nil then found[#found + 1] = "string.dump" end
  if pcall(collectgarbage, "collect") then found[#found + 1] = "collectgarbage collect" end
  if #found > 0 then error("ESCAPED: " .. table.concat(found, ", ")) end
  print("blocked escape_stdlib")
end
