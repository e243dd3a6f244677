-- Headless Neovim with a user setup snippet from editors/neovim/, beside a running game:
--   nvim --headless -u SNIPPET -c "luafile nvim_live_probe.lua" scripts/player.lua
-- Records vim.notify, then reports (JSON lines on stdout, and marker files named by
-- CRESCENT_PROBE_DIR so the test knows when to save the next version):
--   attached   the snippet's client is attached            -> file "attached"
--   lens       a code lens with the game's live numbers over `update`
--   diagnostic the running game's error is on the buffer   -> file "diagnostic"
--   notify     a "reloaded" notification after the fix
-- Exits 0 when all three happened, 1 otherwise.

local dir = os.getenv("CRESCENT_PROBE_DIR")
local function out(tbl)
  io.stdout:write(vim.json.encode(tbl) .. "\n")
  io.stdout:flush()
end
local function mark(name)
  local f = io.open(dir .. "/" .. name, "w")
  if f then
    f:write("1")
    f:close()
  end
end

local notes = {}
vim.notify = function(msg, level)
  table.insert(notes, { msg = tostring(msg), level = level })
end

local bufnr = vim.api.nvim_get_current_buf()
local function clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
end

local attached = vim.wait(20000, function() return #vim.tbl_values(clients()) > 0 end, 20)
out({ event = "attached", ok = attached })

-- The running game's numbers appear as code lenses once its samples arrive.
local lens
local function find_lens()
  for _, l in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
    local title = l.command and l.command.title or ""
    if title:find("instance", 1, true) then
      lens = { lnum = l.range.start.line, title = title }
      return true
    end
  end
  return false
end
for _ = 1, 60 do
  pcall(vim.lsp.codelens.refresh)
  if vim.wait(500, find_lens, 20) then break end
end
out({ event = "lens", lnum = lens and lens.lnum, title = lens and lens.title })
mark("attached")

local diagnostic
local got = vim.wait(60000, function()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "crescent" then
      diagnostic = d
      return true
    end
  end
  return false
end, 20)
if diagnostic then
  out({ event = "diagnostic", lnum = diagnostic.lnum, code = diagnostic.code, message = diagnostic.message })
end
mark("diagnostic")

local reloaded
local notified = got and vim.wait(60000, function()
  for _, n in ipairs(notes) do
    if n.msg:find("reloaded", 1, true) then
      reloaded = n.msg
      return true
    end
  end
  return false
end, 20)
out({ event = "notify", message = reloaded })

local ok = attached and lens and got and notified
vim.lsp.stop_client(vim.tbl_map(function(c) return c.id end, vim.tbl_values(clients())))
vim.wait(5000, function() return #vim.tbl_values(clients()) == 0 end, 20)
out({ event = "done", ok = ok })
vim.schedule(function() vim.cmd(ok and "qa!" or "cq!") end)
