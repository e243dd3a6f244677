-- Paths that leave assets/ or scripts/.
function init(self)
  for _, p in ipairs({ "../scene.json", "/etc/passwd", "a/../../scene.json", "outside.txt", "C:\\windows" }) do
    local ok = pcall(assets.load_text, p)
    if ok then error("ESCAPED assets " .. p) end
  end
  for _, m in ipairs({ "../scene", "/etc/passwd", "..hostile.good", "hostile/good" }) do
    local ok = pcall(require, m)
    if ok then error("ESCAPED require " .. m) end
  end
  print("blocked paths")
end
