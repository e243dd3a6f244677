-- Headless Neovim probe for crescent-lsp (Neovim 0.7.2 and newer).
--
-- Usage:
--   PROBE_CMD="/path/to/crescent-lsp --stdio" PROBE_ROOT=/project \
--   PROBE_LINE=5 PROBE_COL=8 \
--     nvim --headless --clean -u NONE -c "luafile nvim_probe.lua" /project/scripts/x.lua
--
-- Opens the file, waits for the server's diagnostics, asks for completion at
-- (PROBE_LINE, PROBE_COL) (0-based, UTF-16 column as the LSP default), applies the first quick
-- fix for a diagnostic on that line, asks for the buffer's inlay hints, stops the client
-- with shutdown + exit, and waits for the server process to end. Every step prints one JSON
-- object per line on stdout; the last line is {"event":"done"}. Exits 0 when every step ran,
-- 1 otherwise (what the server answered is for the caller to judge).

local function out(tbl)
  io.stdout:write(vim.json.encode(tbl) .. "\n")
  io.stdout:flush()
end

local function finish(code)
  vim.schedule(function() vim.cmd(code == 0 and "qa!" or "cq!") end)
end

local timeout = tonumber(os.getenv("PROBE_TIMEOUT_MS") or "20000")
local cmd = vim.split(os.getenv("PROBE_CMD") or "", " ", { trimempty = true })
local root = os.getenv("PROBE_ROOT") or vim.fn.getcwd()
if #cmd == 0 then
  out({ error = "PROBE_CMD not set" })
  finish(1)
  return
end

local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = "lua"

-- Diagnostics straight from the notification (independent of vim.diagnostic's display).
local published = nil
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  if result and result.uri == vim.uri_from_bufnr(bufnr) and #result.diagnostics > 0 then
    published = result.diagnostics
  end
  return default_publish(err, result, ctx, config)
end

local server_exit = nil
local config = {
  name = "crescent",
  cmd = cmd,
  root_dir = root,
  handlers = {
    ["crescent/reloaded"] = function(_, result)
      out({ event = "reloaded", result = result })
    end,
  },
  on_exit = function(code, signal)
    server_exit = { code = code, signal = signal }
  end,
}

local client_id = vim.lsp.start_client(config)
if not client_id then
  out({ error = "failed to start the server" })
  finish(1)
  return
end
vim.lsp.buf_attach_client(bufnr, client_id)

-- 1. Initialization and the first non-empty diagnostics for this buffer.
local ok = vim.wait(timeout, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return published ~= nil and client ~= nil and client.initialized
end, 20)
if not ok then
  out({ error = "timeout waiting for diagnostics" })
  finish(1)
  return
end
for _, d in ipairs(published) do
  out({
    kind = "diagnostic",
    line = d.range.start.line,
    character = d.range.start.character,
    severity = d.severity,
    code = d.code,
    source = d.source,
    message = d.message,
  })
end

-- 2. Completion at the requested position.
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  position = {
    line = tonumber(os.getenv("PROBE_LINE") or "0"),
    character = tonumber(os.getenv("PROBE_COL") or "0"),
  },
  context = { triggerKind = 2, triggerCharacter = "." },
}
local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", params, timeout)
if not responses then
  out({ error = "completion timeout" })
  finish(1)
  return
end
for _, resp in pairs(responses) do
  if resp.err then
    out({ error = "completion error", detail = resp.err })
  end
  local res = resp.result or {}
  for _, item in ipairs(res.items or res) do
    out({ kind = "completion", label = item.label, detail = item.detail })
  end
end

-- 3. A quick fix: the code actions for the first diagnostic on the completion line, the
-- first one applied to the buffer, and the line as it reads after.
local line = tonumber(os.getenv("PROBE_LINE") or "0")
local on_line = {}
for _, d in ipairs(published) do
  if d.range.start.line == line then table.insert(on_line, d) end
end
if #on_line > 0 then
  local action_params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = on_line[1].range,
    context = { diagnostics = on_line },
  }
  local answers = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", action_params, timeout) or {}
  for _, resp in pairs(answers) do
    for _, action in ipairs(resp.result or {}) do
      out({ kind = "code_action", title = action.title, action_kind = action.kind })
    end
    local first = (resp.result or {})[1]
    if first and first.edit then
      vim.lsp.util.apply_workspace_edit(first.edit, "utf-16")
      out({ kind = "fixed_line", text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] })
    end
  end
end

-- 4. Inlay hints for the whole buffer.
local hint_params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = 0, character = 0 }, ["end"] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 } },
}
local hinted = vim.lsp.buf_request_sync(bufnr, "textDocument/inlayHint", hint_params, timeout) or {}
for _, resp in pairs(hinted) do
  if resp.err then out({ error = "inlay hint error", detail = resp.err }) end
  for _, h in ipairs(resp.result or {}) do
    local label = type(h.label) == "string" and h.label or (h.label[1] and h.label[1].value)
    out({ kind = "inlay_hint", line = h.position.line, character = h.position.character, label = label })
  end
end

-- 5. Clean shutdown: stop_client sends shutdown, then exit; the server must end by itself
-- while Neovim keeps its end of the pipe open.
vim.lsp.stop_client(client_id)
vim.wait(timeout, function() return server_exit ~= nil end, 20)
out({ event = "server_exit", exited = server_exit ~= nil,
      code = server_exit and server_exit.code, signal = server_exit and server_exit.signal })
out({ event = "done" })
finish(0)
