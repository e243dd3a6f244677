-- Checks a user setup snippet from editors/neovim/: run as
--   nvim --headless -u editors/neovim/<snippet>.lua -c "luafile nvim_snippet_check.lua" FILE.lua
-- Waits until the snippet's client is attached and has published diagnostics for the buffer,
-- prints them and the attached clients as JSON lines, stops the clients and quits (0 when
-- diagnostics arrived, 1 otherwise).

local function out(tbl)
  io.stdout:write(vim.json.encode(tbl) .. "\n")
  io.stdout:flush()
end

local bufnr = vim.api.nvim_get_current_buf()
local ok = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
local clients = vim.lsp.buf_get_clients and vim.lsp.buf_get_clients(bufnr)
  or vim.lsp.get_clients({ bufnr = bufnr })
for _, client in pairs(clients) do
  out({ kind = "client", name = client.name, root = client.config.root_dir })
end
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  out({ kind = "diagnostic", lnum = d.lnum, code = d.code, message = d.message })
end
vim.lsp.stop_client(vim.tbl_map(function(c) return c.id end, vim.tbl_values(clients)))
vim.wait(5000, function() return #vim.tbl_values(vim.lsp.buf_get_clients and vim.lsp.buf_get_clients(bufnr)
  or vim.lsp.get_clients({ bufnr = bufnr })) == 0 end, 20)
out({ event = "done", ok = ok })
vim.schedule(function() vim.cmd(ok and "qa!" or "cq!") end)
