-- Crescent language server for Neovim 0.10 and newer.
-- Put this file in ~/.config/nvim/lua/crescent.lua and add `require("crescent")` to init.lua,
-- or paste it into init.lua. `crescent-lsp` must be on PATH (cargo install --path lsp).
-- On Neovim 0.11+ you can instead use vim.lsp.config("crescent", {...}) + vim.lsp.enable.

local function on_reloaded(_, result)
  -- Sent when a running game hot-reloads a script: { uri, ok, ms, message? }.
  local name = vim.fs.basename(vim.uri_to_fname(result.uri))
  if result.ok then
    vim.notify(("crescent: reloaded %s in %.1f ms"):format(name, result.ms or 0))
  else
    vim.notify(("crescent: reload of %s failed: %s"):format(name, result.message or "?"),
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
    local file = vim.api.nvim_buf_get_name(args.buf)
    -- A Crescent project has a scene.json at its root; vim.lsp.start reuses the client
    -- already running for the same name and root.
    local root = vim.fs.root(args.buf, { "scene.json", ".git" }) or vim.fs.dirname(file)
    vim.lsp.start({
      name = "crescent",
      cmd = { "crescent-lsp", "--stdio" },
      root_dir = root,
      handlers = { ["crescent/reloaded"] = on_reloaded },
      on_attach = on_attach,
    }, { bufnr = args.buf })
  end,
})

