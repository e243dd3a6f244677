-- The debugger's Lua side (chunk `=crescent/debug`): how a value is shown and expanded, and how
-- an expression is compiled in a stopped frame's scope. The Rust side calls these through
-- lua_pcall from the hook, so an error here fails one request and never escapes the hook.
-- Nothing here calls a script's metamethods: only the engine's own `__tostring`s run.
local getmetatable, getinfo, env_of, current = ...
local type, next, tostring, tonumber, rawget, rawlen, setmetatable, load, select =
  type, next, tostring, tonumber, rawget, rawlen, setmetatable, load, select
local sort, sfmt, ssub, smatch, mtype = table.sort, string.format, string.sub, string.match, math.type

local D = {}

local ENGINE_TYPES = { vec3 = true, quat = true, Entity = true }

local function type_name(v)
  local t = type(v)
  if t == "userdata" then
    local mt = getmetatable(v)
    local n = type(mt) == "table" and rawget(mt, "__name")
    if type(n) == "string" then return n end
  end
  return t
end

local function count(t)
  local n = 0
  for _ in next, t do n = n + 1 end
  return n
end

-- text, type name, expandable
function D.render(v)
  local t = type(v)
  if t == "string" then
    if #v > 500 then return sfmt("%q...", ssub(v, 1, 500)), t, false end
    return sfmt("%q", v), t, false
  elseif t == "table" then
    local n = count(v)
    return sfmt("table: %d field%s", n, n == 1 and "" or "s"), t, n > 0
  elseif t == "function" then
    local info = getinfo(v, "S")
    if info.what == "C" then return "function (engine)", t, false end
    return sfmt("function %s:%d", ssub(info.source, 2), info.linedefined), t, false
  elseif t == "userdata" then
    local name = type_name(v)
    if ENGINE_TYPES[name] then return tostring(v), name, false end
    return name, name, false
  end
  return tostring(v), t, false
end

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return false
end

local function key_text(k)
  if type(k) == "string" then
    if smatch(k, "^[%a_][%w_]*$") then return k end
    return sfmt("[%q]", k)
  end
  if type(k) == "number" then return sfmt("[%s]", tostring(k)) end
  return "[" .. D.render(k) .. "]"
end

local LIMIT = 1000

-- The fields of a table as a flat list: name, value, name, value, ... (array part first, in
-- order, then the other keys sorted), at most LIMIT of them.
function D.children(t)
  local out, n = {}, rawlen(t)
  local keys = {}
  for k in next, t do
    if not (mtype(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  sort(keys, key_less)
  local shown = 0
  for i = 1, n do
    if shown >= LIMIT then break end
    out[#out + 1] = sfmt("[%d]", i)
    out[#out + 1] = rawget(t, i)
    shown = shown + 1
  end
  for i = 1, #keys do
    if shown >= LIMIT then break end
    out[#out + 1] = key_text(keys[i])
    out[#out + 1] = rawget(t, keys[i])
    shown = shown + 1
  end
  return out
end

-- The key a `children` name stands for.
function D.key_of(t, name)
  for k in next, t do
    if key_text(k) == name then return k end
  end
  local i = smatch(name, "^%[(%d+)%]$")
  if i then return tonumber(i) end
  return name
end

-- Compiles `expr` (an expression, or failing that a statement) in a scope where `vars` (name ->
-- { value }) shadows the frame's script environment `path`; assignments to a name in `vars`
-- write its slot, which the Rust side copies back into the frame.
function D.compile(expr, vars, path)
  local env = env_of(path) or {}
  local scope = setmetatable({}, {
    __index = function(_, k)
      local slot = vars[k]
      if slot ~= nil then return slot[1] end
      return env[k]
    end,
    __newindex = function(_, k, v)
      local slot = vars[k]
      if slot ~= nil then slot[1] = v; slot.set = true else env[k] = v end
    end,
  })
  local f = load("return " .. expr, "=(evaluate)", "t", scope)
  if f then return f end
  local g, err = load(expr, "=(evaluate)", "t", scope)
  if not g then error(err, 0) end
  return g
end

-- Packs results for the Rust side: the first value, or nil.
function D.first(...)
  if select("#", ...) == 0 then return nil end
  return (...)
end

-- The instance running now: its script path and entity id, or nil.
D.current = current

-- The script environment of `path` (its globals: what the script defined at top level).
D.env_of = env_of

-- The name a function has among the globals of script `path` (a lifecycle callback called by
-- the engine has no name Lua knows), or nil.
function D.name_in(fn, path)
  local env = env_of(path)
  if env == nil then return nil end
  for k, v in next, env do
    if v == fn and type(k) == "string" then return k end
  end
  return nil
end

return D
