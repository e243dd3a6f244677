-- Crescent language server for Neovim 0.7 to 0.9 (Debian bookworm ships 0.7.2).
-- Put this file in ~/.config/nvim/lua/crescent.lua and add `require("crescent")` to init.lua,
-- or paste it into init.lua. `crescent-lsp` must be on PATH (cargo install --path lsp).

local function project_root(path)
  -- A Crescent project has a scene.json at its root; fall back to the file's folder.
  local found = vim.fn.findfile("scene.json", vim.fn.fnamemodify(path, ":p:h") .. ";")
  if found ~= "" then
    return vim.fn.fnamemodify(found, ":p:h")
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

local clients = {} -- one client per project root

local function on_reloaded(_, result)
  -- Sent when a running game hot-reloads a script: { uri, ok, ms, message? }.
  local name = vim.fn.fnamemodify(vim.uri_to_fname(result.uri), ":t")
  if result.ok then
    vim.notify(string.format("crescent: reloaded %s in %.1f ms", name, result.ms or 0))
  else
    vim.notify("crescent: reload of " .. name .. " failed: " .. (result.message or "?"),
      vim.log.levels.ERROR)
  end
end

-- Code lenses over lifecycle callbacks show what the running game measures (instances, calls,
-- time per call and per frame): asked for again when the buffer is entered or the cursor
-- rests, once the server is attached (a refresh with no server attached would block later ones).
local function on_attach(_, bufnr)
  vim.api.nvim_create_autocmd({ "BufEnter", "CursorHold", "InsertLeave" }, {
    buffer = bufnr,
    callback = function()
      pcall(vim.lsp.codelens.refresh)
    end,
  })
  pcall(vim.lsp.codelens.refresh)
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "lua",
  callback = function(args)
    local root = project_root(vim.api.nvim_buf_get_name(args.buf))
    local id = clients[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client({
        name = "crescent",
        cmd = { "crescent-lsp", "--stdio" },
        root_dir = root,
        handlers = { ["crescent/reloaded"] = on_reloaded },
        on_attach = on_attach,
      })
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})

