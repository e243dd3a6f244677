-- The engine's Lua side: instance lists and the per-phase loops, entity handles, script
-- components, events, tasks, vec3/quat and the sandboxed standard library.
--
-- It is compiled once per world and called with `H`, the internal host functions (never visible
-- to scripts). It returns two tables: `S`, the functions the Rust side calls, and `impl`, every
-- script-visible implementation, from which the Rust side copies only what the API registry
-- describes into the scripts' base environment.
local H = ...

local type, next, pairs, ipairs, select, setmetatable, getmetatable = type, next, pairs, ipairs, select, setmetatable, getmetatable
local rawget, rawequal, rawlen, tostring, tonumber, error, xpcall, pcall =
  rawget, rawequal, rawlen, tostring, tonumber, error, xpcall, pcall
local assert, load, collectgarbage, rawset = assert, load, collectgarbage, rawset
local sort, concat, unpack = table.sort, table.concat, table.unpack
local co_create, co_resume, co_status, co_running, co_yield, co_close, co_isyieldable =
  coroutine.create, coroutine.resume, coroutine.status, coroutine.running, coroutine.yield, coroutine.close, coroutine.isyieldable
local sqrt, floor, atan, asin, sin, cos, huge, mtype = math.sqrt, math.floor, math.atan, math.asin, math.sin, math.cos, math.huge, math.type
local sfmt, srep, ssub, smatch, sfind, sgsub = string.format, string.rep, string.sub, string.match, string.find, string.gsub

local handler, guard_enter, guard_leave = H.handler, H.guard_enter, H.guard_leave
local comp_get, comp_set, comp_has, comp_remove = H.comp_get, H.comp_set, H.comp_has, H.comp_remove
local now = H.now   -- monotonic seconds (a raw C function)
local W = H.watch -- W[1]: sequence number of the callback running now (0: none), read by the budget hook

-- Binary chunks can crash the interpreter: nothing may reach `string.dump`, not even through
-- the string metatable.
string.dump = nil

local S = {}
local impl = { std = {}, globals = {}, namespaces = {}, types = {} }

local function ro_error(name)
  return function(_, k)
    error(sfmt("cannot assign %s.%s: %s is read-only", name, tostring(k), name), 2)
  end
end

-- The engine's read-only tables (library proxies and namespaces), which `rawset` must not
-- write through: they are shared by every script.
local LOCKED = setmetatable({}, { __mode = "k" })

-- A read-only view of `real`: reads go through, writes raise, the metatable cannot be reached.
local function proxy(real, name)
  local t = setmetatable({}, {
    __index = real,
    __newindex = ro_error(name),
    __metatable = false,
    __pairs = function() return next, real, nil end,
    __len = function() return #real end,
  })
  LOCKED[t] = name
  return t
end
S.proxy = proxy

-------------------------------------------------------------------------------------------------
-- vec3 and quat: full userdata made and operated on by Rust (`vector.rs`); this side adds what
-- is not hot (printing, iteration) and hands the method tables to the API registry.
-------------------------------------------------------------------------------------------------
local VEC = H.vectors
local V3, Q = VEC.V3, VEC.Q       -- the metatables
local V3M, QM = VEC.V3M, VEC.QM   -- script-visible methods (filled from the API description)
local V3I, QI = VEC.V3I, VEC.QI   -- implementations
local v3, qt = VEC.vec3, VEC.quat -- constructors: vec3(x, y, z), quat(x, y, z, w)
-- Transform access (`transform.rs`): Transform values, the Entity methods that move an entity
-- in place, and copy/unpack of every value type made in Rust.
local TFN = H.transform_fns()
local vcopy, vunpack = TFN.copy, TFN.unpack
local vec3_ns, quat_ns = VEC.vec3_ns, VEC.quat_ns
-- `vec3(...)` calls the namespace table: these take the arguments after it, with no Lua frame.
local CALLS = { [v3] = VEC.vec3_call, [qt] = VEC.quat_call }

V3.__tostring = function(a) return sfmt("vec3(%g, %g, %g)", vunpack(a)) end
Q.__tostring = function(a) return sfmt("quat(%g, %g, %g, %g)", vunpack(a)) end
local V3_KEYS, Q_KEYS = { "x", "y", "z" }, { "x", "y", "z", "w" }
local function fields_iter(keys)
  return function(a)
    local i = 0
    return function()
      i = i + 1
      local k = keys[i]
      if k ~= nil then return k, a[k] end
      return nil
    end, a, nil
  end
end
V3.__pairs = fields_iter(V3_KEYS)
Q.__pairs = fields_iter(Q_KEYS)

impl.globals.vec3 = v3
impl.globals.quat = qt
impl.namespaces.vec3 = vec3_ns
impl.namespaces.quat = quat_ns
impl.types.vec3 = { target = V3M, impl = V3I }
impl.types.quat = { target = QM, impl = QI }

-------------------------------------------------------------------------------------------------
-- Copies: component values and event payloads are copied (plain tables deeply, vec3/quat keep
-- their type, entity handles stay the same handle, other metatables are shared).
-------------------------------------------------------------------------------------------------
local hid = setmetatable({}, { __mode = "k" }) -- handle -> entity id
local function copy_metatable(v, out)
  local mt = getmetatable(v)
  if type(mt) == "table" then setmetatable(out, mt) end
  return out
end

-- A table whose keys and values are all plain (no table or userdata): what most components
-- and event payloads are, and what needs no cycle bookkeeping to copy.
local function is_flat(v)
  for k, x in next, v do
    local tk, tx = type(k), type(x)
    if tk == "table" or tk == "userdata" or tx == "table" or tx == "userdata" then return false end
  end
  return true
end

local function copy(v, seen)
  local t = type(v)
  if t == "userdata" then return vcopy(v) end -- a handle comes back as it is
  if t ~= "table" then return v end
  if seen == nil then
    if is_flat(v) then
      local out = {}
      for k, x in next, v do out[k] = x end
      return copy_metatable(v, out)
    end
    seen = {}
  end
  local done = seen[v]
  if done then return done end
  local out = {}
  seen[v] = out
  for k, x in next, v do out[copy(k, seen)] = copy(x, seen) end
  return copy_metatable(v, out)
end

-------------------------------------------------------------------------------------------------
-- World state on the Lua side
-------------------------------------------------------------------------------------------------
local T = { dt = 0, fixed_dt = 1 / 60, frame = 0, elapsed = 0 }
local hbits = {}       -- id -> hecs entity bits, for live entities
local handles = {}     -- id -> handle, for live entities
local stores = {}      -- script components: stores[name][id] = value
local NATIVE = {}      -- names of components kept in Rust besides Transform (Name, host ones)
local by_entity = {}   -- id -> instances of the entity, in list order
local instances = {}   -- every live instance
-- Live and faulted instances, kept as they change so the status line costs nothing per frame.
local n_live, n_faulted = 0, 0
local pending_init = {}
local despawn_list, pending_despawn = {}, {}
local lists = { on_event = {} }
local lists_dirty = true
local scripts = {}     -- path -> script record { path, env, init, update, ... }
local modules = {}     -- path -> { value, env, loading }
local current = nil    -- the instance whose code runs now (outside the hot loops)
local last_i, running_hot = 0, nil
-- The instance whose code runs now, also inside a hot loop (which does not set `current`).
local function cur()
  if current ~= nil then return current end
  if running_hot ~= nil then return running_hot.insts[last_i] end
  return nil
end
local seq = 0          -- callback sequence counter, mirrored into W[1]
local queue = {}       -- pending events, FIFO
local subs, sub_next = {}, 0
local tasks, task_next, task_of_co = {}, 0, setmetatable({}, { __mode = "k" })
local next_instance = 0
local CALLBACKS = { "init", "update", "fixed_update", "on_event", "on_reload", "destroy" }
-- The instance field counting each callback's calls (made once, not per call).
local CALL_KEY = {}
for _, name in ipairs(CALLBACKS) do CALL_KEY[name] = "c_" .. name end

local EM, EI = {}, {} -- Entity methods: script-visible and implementations
local EntityMT = {
  __index = EM,
  __metatable = "Entity",
  __name = "Entity", -- what argument errors call it
  __newindex = function() error("entity handles are read-only", 2) end,
  __tostring = function(h) return "Entity(" .. tostring(hid[h]) .. ")" end,
  __eq = function(a, b) return hid[a] ~= nil and hid[a] == hid[b] end,
  -- A handle is opaque: iterating it shows nothing of what the engine keeps in it.
  __pairs = function() return next, {}, nil end,
}
impl.types.Entity = { target = EM, impl = EI }

-- A handle is a userdata holding its entity's hecs bits and id, for the Rust methods that take
-- it directly (`transform.rs`); the bits are cleared when the entity despawns.
local function make_handle(id, bits)
  local h = TFN.new_handle(EntityMT, id, bits)
  hid[h] = id
  hbits[id] = bits
  handles[id] = h
  return h
end

local function stale(h, what)
  local id = hid[h]
  if id == nil then error(sfmt("%s: not an entity handle", what), 3) end
  error(sfmt("%s: entity %d was despawned", what, id), 3)
end

-- Transform values (`get("Transform")`, `world.query`) are userdata made by `tf_value`; their
-- fields are views into them. This side adds printing and iteration.
local TF = TFN.TF
local TF_KEYS = { "position", "rotation", "scale" }
TF.__pairs = fields_iter(TF_KEYS)
TF.__tostring = function(t)
  return sfmt("Transform(position = %s, rotation = %s, scale = %s)", tostring(t.position), tostring(t.rotation), tostring(t.scale))
end
local tf_value, tf_store, tf_has = TFN.tf_value, TFN.tf_store, TFN.tf_has
-- position, set_position, translate, rotation, set_rotation, rotate, scale, set_scale
for name, f in next, TFN.methods do EI[name] = f end

local function check_name(name, what)
  if type(name) ~= "string" then error(sfmt("%s: component name must be a string, got %s", what, type(name)), 3) end
end

function EI.id(h) return hid[h] end
function EI.alive(h) return hbits[hid[h]] ~= nil end
function EI.get(h, name)
  -- The Transform is read straight from the handle (nil once despawned).
  if name == "Transform" then return tf_value(h) end
  local id = hid[h]
  local bits = hbits[id]
  if bits == nil then return nil end
  local store = stores[name]
  if store ~= nil then
    local v = store[id]
    if type(v) == "table" or type(v) == "userdata" then return copy(v) end
    return v
  end
  if NATIVE[name] then return comp_get(bits, name) end
  check_name(name, "get")
  return nil
end
-- Names are unique, so `world.find` knows which entity is meant: the entity that already
-- holds `name`, other than `id`.
local function name_holder(name, id)
  if type(name) ~= "string" then return nil end
  local other = H.find(name)
  if other ~= nil and other ~= id then return other end
  return nil
end
local function name_taken(what, name)
  return sfmt("%s: an entity named %q already exists (entity %d); names are unique, so that world.find(%q) knows which one you mean",
    what, name, H.find(name), name)
end

function EI.set(h, name, value)
  -- A Transform is written straight through the handle; what that refuses (a despawned
  -- entity, a wrong value) goes the long way, to its error.
  if name == "Transform" and tf_store(h, value) then return end
  local id = hid[h]
  local bits = hbits[id]
  if bits == nil then stale(h, "set") end
  if name == "Name" and name_holder(value, id) then error(name_taken("set", value), 2) end
  if name == "Transform" then
    local ok, bad = tf_store(bits, value)
    if not ok then
      if bad == "value" then error("set: Transform must be a Transform value or a table { position, rotation, scale }", 2) end
      if bad == "rotation" then error("set: Transform rotation must be a quat (or a table of numbers x, y, z, w)", 2) end
      if bad then error(sfmt("set: Transform %s must be a vec3 (or a table of numbers x, y, z)", bad), 2) end
      error("set: the world cannot be changed now", 2)
    end
    return
  end
  if NATIVE[name] then
    if value == nil then comp_remove(bits, name) return end
    local err = comp_set(bits, name, value)
    if err then error(err, 2) end
    return
  end
  check_name(name, "set")
  local store = stores[name]
  if store == nil then
    store = {}
    stores[name] = store
  end
  local t = type(value)
  if t == "table" or t == "userdata" then value = copy(value) end
  store[id] = value
end
function EI.has(h, name)
  local bits = hbits[hid[h]]
  if bits == nil then return false end
  if name == "Transform" then return tf_has(bits) end
  local store = stores[name]
  if store ~= nil then return store[hid[h]] ~= nil end
  if NATIVE[name] then return comp_has(bits, name) end
  check_name(name, "has")
  return false
end
function EI.remove(h, name)
  local id = hid[h]
  local bits = hbits[id]
  if bits == nil then return end
  if name == "Transform" or NATIVE[name] then comp_remove(bits, name) return end
  check_name(name, "remove")
  local store = stores[name]
  if store ~= nil then store[id] = nil end
end
function EI.despawn(h)
  local id = hid[h]
  if hbits[id] == nil or pending_despawn[id] then return end
  pending_despawn[id] = true
  despawn_list[#despawn_list + 1] = id
end
local function sender_handle()
  local c = cur()
  if c ~= nil then return handles[c.entity] end
  return nil
end
function EI.send(h, name, data)
  local id = hid[h]
  if type(name) ~= "string" then error("send: event name must be a string", 2) end
  if hbits[id] == nil then return end
  queue[#queue + 1] = { name = name, data = copy(data), sender = sender_handle(), target = id }
end

-------------------------------------------------------------------------------------------------
-- Errors and faults
-------------------------------------------------------------------------------------------------
local MAX_MESSAGE = 4096

local function describe(v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" or t == "boolean" then return tostring(v) end
  if t == "nil" then return "error called with nil" end
  if t == "table" then
    local mt = getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") then
      local ok, s = pcall(tostring, v)
      if ok and type(s) == "string" then return s end
    end
    local keys = {}
    for k in next, v do
      keys[#keys + 1] = k
      if #keys >= 16 then break end
    end
    sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for i, k in ipairs(keys) do
      local x = v[k]
      local xs = type(x) == "string" and sfmt("%q", ssub(x, 1, 200)) or (type(x) == "table" and "{...}" or tostring(x))
      parts[i] = tostring(k) .. " = " .. xs
    end
    return "error object is a table: {" .. concat(parts, ", ") .. "}"
  end
  if t == "userdata" then
    -- Errors raised by Rust functions arrive as userdata that print their message.
    local ok, s = pcall(tostring, v)
    if ok and type(s) == "string" then
      s = sgsub(s, "^runtime error: ", "")
      s = sgsub(s, "^callback error\n?", "")
      local cut = sfind(s, "\nstack traceback:", 1, true)
      if cut then s = ssub(s, 1, cut - 1) end
      return s
    end
  end
  return "error object is a " .. t .. " value"
end

local function truncate(s)
  if #s > MAX_MESSAGE then
    return ssub(s, 1, MAX_MESSAGE) .. sfmt("... (message truncated: %d bytes in all)", #s)
  end
  return s
end

-- An error as the runner's handler left it: `{ value, frames }` (frames from `stack.rs`,
-- innermost first); memory errors and errors inside the handler arrive as plain values.
-- Returns the message as Lua gave it (with its position), the frames, the position (path,
-- line; from the message, else the innermost script frame) and the message without it.
local function split_error(err)
  local value, frames
  if type(err) == "table" and rawlen(err) == 2 and type(err[2]) == "table" then
    value, frames = err[1], err[2]
  else
    value, frames = err, {}
  end
  local msg = truncate(describe(value))
  local path, line, bare = smatch(msg, "^(scripts/[^\n]-%.lua):(%d+): (.*)$")
  if path == nil then path, line, bare = smatch(msg, "^(%(load%)[^\n]-):(%d+): (.*)$") end
  if path == nil then
    bare = msg
    local top = frames[1]
    if top ~= nil and top.path ~= nil then path, line = top.path, top.line end
  end
  return msg, frames, tonumber(line) or 0, path, bare
end
S.split_error = split_error

local fault_hooks = {}
-- The world's memory limit in MiB, for the message of a memory error (which Lua gives bare).
local memory_limit_mib = nil
function S.set_memory_limit(bytes) memory_limit_mib = bytes / (1024 * 1024) end

local function fault_report(inst, phase, err)
  local _, frames, line, path, msg = split_error(err)
  if msg == "not enough memory" and memory_limit_mib ~= nil then
    msg = sfmt("not enough memory: the world's scripts reached their memory limit of %g MiB (Config::memory_limit)", memory_limit_mib)
  end
  -- Unnamed frames: the outermost is the callback of the phase; others are named by where
  -- they are defined, as Lua does.
  for i = #frames, 1, -1 do
    local f = frames[i]
    if f.path ~= nil and f.name == nil then
      if i == #frames then f.name = phase else f.name = sfmt("function <%s:%d>", f.path, f.defined or 0) end
    end
  end
  local rec = inst.rec
  local e = { phase = phase, path = path or rec.path, line = line, message = msg, frames = frames }
  local errs = inst.errors
  if errs == nil then
    errs = {}
    inst.errors = errs
  end
  if #errs < 32 then errs[#errs + 1] = e end
  H.script_error(rec.path, e, inst.entity, phase)
  if sfind(msg, "not enough memory", 1, true) then collectgarbage("collect") end
end
-- Marks an instance faulted and reports why. Reporting allocates; if even that fails (memory
-- exhausted), the instance is still faulted and memory is collected.
local function fault(inst, phase, err)
  if not inst.faulted and not inst.dead then n_faulted = n_faulted + 1 end
  inst.faulted = true
  S.errors = S.errors + 1
  if not pcall(fault_report, inst, phase, err) then
    collectgarbage("collect")
    pcall(fault_report, inst, phase, "not enough memory")
  end
end

-- The debugger (debug/mod.rs) sets DBG: `on` while it has breakpoints or a step or pause is
-- pending, `hot[path]` for the scripts whose callbacks can reach a breakpoint, `all` while
-- every callback must be hooked (a step, a pause). The runner turns the line hook on around
-- hot callbacks only; `hooked` mirrors whether it is on now.
local DBG = { on = false, all = false, hot = {}, hooked = false, version = 0, hook = H.debug_hook }
function DBG.arm(path)
  local want = DBG.all or DBG.hot[path] == true
  if want ~= DBG.hooked then
    DBG.hooked = want
    DBG.hook(want)
  end
end
function DBG.restore(was)
  if DBG.hooked ~= was then
    DBG.hooked = was
    DBG.hook(was)
  end
end

-- Tracing (`Runtime::set_tracing`, `crescent run --trace`): while TRACE.buf is a table, every
-- callback (of the hot lists, and each init, on_event, destroy and task resume) and every phase
-- is appended to it as five numbers: start and end (`now()`), the phase's name and the
-- instance's script as indices into TRACE.names (0 for a phase), and the instance's entity
-- (0 for a phase). The buffer is reused from frame to frame (`n` counts what is in it), so
-- tracing allocates nothing per slice, and the host reads numbers only.
local TRACE = { buf = nil, n = 0, ids = {}, names = {} }
function TRACE.id(name)
  local names = TRACE.names
  local id = #names + 1
  names[id] = name
  TRACE.ids[name] = id
  return id
end
function TRACE.add(inst, t0, t1, name)
  local buf, n, ids = TRACE.buf, TRACE.n, TRACE.ids
  buf[n + 1] = t0
  buf[n + 2] = t1
  buf[n + 3] = ids[name] or TRACE.id(name)
  if inst then
    local path = inst.rec.path
    buf[n + 4] = ids[path] or TRACE.id(path)
    buf[n + 5] = inst.entity
  else
    buf[n + 4] = 0
    buf[n + 5] = 0
  end
  TRACE.n = n + 5
end

-- Calls one callback of one instance, guarded. Returns true when it ran without error.
local function call_one(inst, phase, fn, ...)
  local prev_cur, prev_w = current, W[1]
  local was = DBG.hooked
  if DBG.on then DBG.arm(inst.rec.path) end
  current = inst
  seq = seq + 1
  W[1] = seq
  local key = CALL_KEY[phase]
  inst[key] = inst[key] + 1
  local a0 = H.allocated()
  local t0 = now()
  local ok, err = xpcall(fn, handler, ...)
  local t1 = now()
  inst.time = inst.time + (t1 - t0)
  inst.alloc = inst.alloc + (H.allocated() - a0)
  if TRACE.buf then TRACE.add(inst, t0, t1, phase) end
  W[1] = prev_w
  current = prev_cur
  if DBG.on then DBG.restore(was) end
  if not ok then fault(inst, phase, err) end
  return ok
end

-------------------------------------------------------------------------------------------------
-- Instance lists and the hot loops
-------------------------------------------------------------------------------------------------
local function inst_less(a, b)
  if a.order ~= b.order then return a.order < b.order end
  if a.entity ~= b.entity then return a.entity < b.entity end
  return a.index < b.index
end

-- A hot phase list keeps what its loop touches in parallel arrays (callback functions, self
-- tables, call counters), so the loop reads contiguous memory instead of one record per
-- instance. Counters are folded back into the instance records when the lists are rebuilt
-- and before a report.
-- Every instance of a list is called once each time the list runs (after an error the loop
-- resumes with the next one, and the list is rebuilt before it runs again), so one counter of
-- runs since the last rebuild counts the calls of all of them.
local function new_hot(name)
  return { name = name, insts = {}, fns = {}, selves = {}, times = {}, allocs = {}, paths = {},
    runs = 0 }
end
local hot_update, hot_fixed = new_hot("update"), new_hot("fixed_update")

-- Time in the hot loops is sampled: one frame in TIME_SAMPLE runs the timed loop, and its
-- times (and the bytes its callbacks allocate) count TIME_SAMPLE times. Other callbacks are
-- timed exactly.
local TIME_SAMPLE = 16
local function fold_calls(hot)
  local insts, times, allocs = hot.insts, hot.times, hot.allocs
  local key, runs = CALL_KEY[hot.name], hot.runs
  for i = 1, #insts do
    local inst = insts[i]
    inst[key] = inst[key] + runs
    inst.time = inst.time + times[i] * TIME_SAMPLE
    inst.alloc = inst.alloc + allocs[i] * TIME_SAMPLE
    times[i], allocs[i] = 0, 0
  end
  hot.runs = 0
end
S.fold_calls = function() fold_calls(hot_update) fold_calls(hot_fixed) end

local function fill_hot(hot, name)
  fold_calls(hot)
  local insts, fns, selves, times, allocs, paths = {}, {}, {}, {}, {}, {}
  local n = 0
  for i = 1, #instances do
    local inst = instances[i]
    local f = inst.rec[name]
    if f and inst.started and not inst.faulted and not inst.dead then
      n = n + 1
      insts[n], fns[n], selves[n], times[n], allocs[n], paths[n] =
        inst, f, inst.self, 0, 0, inst.rec.path
    end
  end
  hot.insts, hot.fns, hot.selves, hot.times, hot.paths = insts, fns, selves, times, paths
  hot.allocs = allocs
  hot.hooks_version = nil
end

-- Despawned instances stay in the report: those with errors one by one (the first
-- LIMITS.retired of them), the others summed into one row per script. An instance dropped from
-- `instances` waits in `retiring` until its hot lists' calls are folded into it.
local retiring, retired, retired_totals, retired_paths = {}, {}, {}, {}
local LIMITS = { retired = 10000, errors = 32 }
local function settle_retiring()
  for i = 1, #retiring do
    local inst = retiring[i]
    inst.self = nil
    if inst.errors and #retired < LIMITS.retired then
      retired[#retired + 1] = inst
    else
      local path = inst.rec.path
      local t = retired_totals[path]
      if t == nil then
        t = { rec = inst.rec, entity = 0, faulted = false, time = 0, alloc = 0 }
        for _, name in ipairs(CALLBACKS) do t[CALL_KEY[name]] = 0 end
        retired_totals[path] = t
        retired_paths[#retired_paths + 1] = path
      end
      for _, name in ipairs(CALLBACKS) do
        local key = CALL_KEY[name]
        t[key] = t[key] + inst[key]
      end
      t.time = t.time + inst.time
      t.alloc = t.alloc + inst.alloc
      if inst.errors then
        t.errors = t.errors or {}
        for _, e in ipairs(inst.errors) do
          if #t.errors < LIMITS.errors then t.errors[#t.errors + 1] = e end
        end
      end
    end
  end
  retiring = {}
end

local function rebuild_lists()
  sort(instances, inst_less)
  local e = {}
  for i = 1, #instances do
    local inst = instances[i]
    if inst.started and inst.rec.on_event then e[#e + 1] = inst end
  end
  lists.on_event = e
  fill_hot(hot_update, "update")
  fill_hot(hot_fixed, "fixed_update")
  settle_retiring()
  lists_dirty = false
end

-- W[1] = base + i identifies the callback running now (for the budget hook); after an error
-- `last_i` is the failing position.
local function hot_loop(fns, selves, start, dt, base)
  for i = start, #fns do
    last_i = i
    W[1] = base + i
    fns[i](selves[i], dt)
  end
  W[1] = 0
end
local function hot_loop_timed(fns, selves, start, dt, base, hot)
  local times, allocs, allocated = hot.times, hot.allocs, H.allocated
  for i = start, #fns do
    last_i = i
    W[1] = base + i
    local a0 = allocated()
    local t0 = now()
    fns[i](selves[i], dt)
    times[i] = times[i] + (now() - t0)
    allocs[i] = allocs[i] + (allocated() - a0)
  end
  W[1] = 0
end

-- The hot loop while tracing, with TRACE.add written out (a call per slice was a third of
-- the loop's cost); TRACE.n is stored after each slice, so an error leaves the buffer whole.
-- Every call is timed, so its time goes to the instance as it is (the report's time_ms);
-- allocations are measured one frame in TIME_SAMPLE, as without tracing.
function TRACE.loop(fns, selves, start, dt, base, insts)
  local buf, ids = TRACE.buf, TRACE.ids
  local hot = running_hot
  local name = hot.name
  local name_id = ids[name] or TRACE.id(name)
  local allocs = T.frame % TIME_SAMPLE == 0 and hot.allocs or nil
  local allocated = H.allocated
  for i = start, #fns do
    last_i = i
    W[1] = base + i
    local a0 = allocs and allocated()
    local t0 = now()
    fns[i](selves[i], dt)
    local t1 = now()
    if allocs then allocs[i] = allocs[i] + (allocated() - a0) end
    local inst, n = insts[i], TRACE.n
    inst.time = inst.time + (t1 - t0)
    local path = inst.rec.path
    buf[n + 1] = t0
    buf[n + 2] = t1
    buf[n + 3] = name_id
    buf[n + 4] = ids[path] or TRACE.id(path)
    buf[n + 5] = inst.entity
    TRACE.n = n + 5
  end
  W[1] = 0
end
-- The hot loop while debugging. Whether each instance's callback runs hooked is a parallel
-- array too, `hot.hooks`, computed once per list and debugger change (`DBG.version`), with
-- `hot.hook_ends`: for each position, the last one of the run of equal flags it starts. The
-- loop switches the hook once per run and calls the run's callbacks as the plain loop does,
-- so the scripts without breakpoints pay nothing per call (reading a flag per call cost
-- 15-25% of the cheapest callback there is). A change while a callback runs (a stop that
-- starts or ends a step) rewrites both arrays in place (`DBG.refresh`, called by the
-- debugger), so the loop sees it at the start of the next run. Requests are served only
-- between frames and while stopped, and a stop in a hot loop is in a hooked callback, so the
-- run going on then is hooked: finishing it hooked costs time, never a missed stop.
local function fill_hooks(hot, hooks)
  local paths, all, set = hot.paths, DBG.all, DBG.hot
  local n = #paths
  for i = 1, n do hooks[i] = all or set[paths[i]] == true end
  for i = n + 1, #hooks do hooks[i] = nil end
  local ends = hot.hook_ends or {}
  local last = n
  for i = n, 1, -1 do
    if i < n and hooks[i] ~= hooks[i + 1] then last = i end
    ends[i] = last
  end
  for i = n + 1, #ends do ends[i] = nil end
  hot.hooks, hot.hook_ends, hot.hooks_version = hooks, ends, DBG.version
  return hooks
end
function DBG.refresh()
  for _, hot in next, { hot_update, hot_fixed } do
    local hooks = hot.hooks
    if hooks == nil or #hooks ~= #hot.paths then hooks = {} end
    fill_hooks(hot, hooks)
  end
end
function DBG.loop(fns, selves, start, dt, base, hot)
  local dbg = DBG
  local hooks = hot.hooks_version == dbg.version and hot.hooks or fill_hooks(hot, {})
  local ends = hot.hook_ends
  local hooked = dbg.hooked
  local i, n = start, #fns
  while i <= n do
    local want = hooks[i]
    if want ~= hooked then
      hooked = want
      dbg.hooked = want
      dbg.hook(want)
    end
    local last = ends[i] or n
    for k = i, last do
      last_i = k
      W[1] = base + k
      fns[k](selves[k], dt)
    end
    i = last + 1
  end
  W[1] = 0
end
S.DBG = DBG
-- The instance running now, for the debugger's thread name: its script and entity.
function S.debug_current()
  local inst = current or (running_hot and running_hot.insts[last_i])
  if inst == nil then return nil end
  return inst.rec.path, inst.entity
end
function S.set_tracing(on)
  TRACE.buf = on and {} or nil
  TRACE.n = 0
end
-- The frame's slices: the buffer itself, how many slices of it are this frame's (Rust reads
-- them before the next frame reuses it), and the names their indices refer to (only ever
-- appended to, so the host reads the ones it has not seen).
function S.take_trace()
  local buf, n = TRACE.buf, TRACE.n
  if buf == nil then return {}, 0, TRACE.names end
  TRACE.n = 0
  return buf, n // 5, TRACE.names
end

-- Runs a hot list inside one xpcall; after an error the faulted instance is marked and the
-- loop resumes with the next one.
local function run_list(hot, dt)
  local fns, selves, insts = hot.fns, hot.selves, hot.insts
  local n = #fns
  if n == 0 then return end
  hot.runs = hot.runs + 1
  local base = seq
  seq = seq + n + 1
  local start = 1
  running_hot = hot
  local loop, extra = hot_loop, hot.times
  if DBG.on then
    loop, extra = DBG.loop, hot
  elseif TRACE.buf then
    loop, extra = TRACE.loop, insts
  elseif T.frame % TIME_SAMPLE == 0 then
    loop, extra = hot_loop_timed, hot
  end
  while start <= n do
    last_i = 0
    local ok, err = xpcall(loop, handler, fns, selves, start, dt, base, extra)
    W[1] = 0
    if ok then break end
    local inst = insts[last_i]
    if inst == nil then
      H.internal_error("phase " .. hot.name .. ": " .. describe(type(err) == "table" and err[1] or err))
      break
    end
    current = inst
    fault(inst, hot.name, err)
    lists_dirty = true
    start = last_i + 1
  end
  running_hot = nil
  current = nil
end

local function run_inits()
  if #pending_init == 0 then return end
  local list = pending_init
  pending_init = {}
  sort(list, inst_less)
  for i = 1, #list do
    local inst = list[i]
    if not inst.dead then
      inst.started = true
      lists_dirty = true
      local init = inst.rec.init
      if init and not inst.faulted then call_one(inst, "init", init, inst.self) end
    end
  end
end

local function prepare_phase()
  run_inits()
  if lists_dirty then rebuild_lists() end
end

-------------------------------------------------------------------------------------------------
-- Scripts, environments, require
-------------------------------------------------------------------------------------------------
local BASE = {} -- the shared read-only base of every script environment (filled by Rust)
local ENV_MT = { __index = BASE, __metatable = false }
S.BASE = BASE

local require_from
local real_load = load

local function new_env(path)
  local env = setmetatable({}, ENV_MT)
  env._G = env
  env.require = function(name) return require_from(path, name, env) end
  env.load = function(chunk, name, mode, e)
    if mode ~= nil and mode ~= "t" then
      return nil, "load: only text chunks are allowed (mode \"t\")"
    end
    if type(chunk) ~= "string" and type(chunk) ~= "function" then
      error("load: chunk must be a string or a function", 2)
    end
    -- Chunk names are always marked as loaded code: a script cannot pass its chunk off as a
    -- script file or as the engine's own code.
    local shown = "=(load)"
    if type(name) == "string" then shown = "=(load) " .. ssub(sgsub(name, "^[=@]+", ""), 1, 60) end
    if e == nil then e = env end
    if type(chunk) == "function" then
      -- `load` calls a reader function under the running message handler, which here is
      -- the engine's (it wraps errors for reports): a protected call without one gives the
      -- reader's error back to the script as Lua's `load` does, as a message.
      local ok, f, msg = pcall(real_load, chunk, shown, "t", e)
      if not ok then error(f, 0) end
      return f, msg
    end
    return real_load(chunk, shown, "t", e)
  end
  return env
end

-- Runs top-level code guarded by the time budget; returns ok, value-or-error.
local function run_top(fn, path)
  local prev = W[1]
  local was = DBG.hooked
  if DBG.on and path then DBG.arm(path) end
  seq = seq + 1
  W[1] = seq
  local ok, v = xpcall(fn, handler)
  W[1] = prev
  if DBG.on then DBG.restore(was) end
  return ok, v
end

local function bind_callbacks(rec)
  local env = rec.env
  for _, name in ipairs(CALLBACKS) do
    local f = rawget(env, name)
    if type(f) ~= "function" then f = nil end
    rec[name] = f
  end
end

local loading = {}
-- As in Lua, the standard libraries are already loaded: `require("string")` is the script's
-- `string`. The ones the sandbox removes get an error that says so.
local STD_LIBS = { string = true, table = true, math = true, utf8 = true, coroutine = true, os = true }
local REMOVED_LIBS = { debug = true, io = true, package = true }
function require_from(from, name, env)
  if STD_LIBS[name] then return BASE[name] end
  if name == "_G" and env ~= nil then return env end
  if REMOVED_LIBS[name] then
    error(sfmt("require: scripts have no %s library (the sandbox removes it; see docs/sandbox.md)", name), 2)
  end
  if type(name) ~= "string" or not smatch(name, "^[%w_]+$") and not smatch(name, "^[%w_]+[%w_%.]*[%w_]$")
    or sfind(name, "..", 1, true) then
    error(sfmt("require: invalid module name %s: use a dotted name under scripts/, like \"lib.util\"", sfmt("%q", tostring(name))), 2)
  end
  local mpath = "scripts/" .. sgsub(name, "%.", "/") .. ".lua"
  H.add_dep(from, mpath)
  local m = modules[mpath]
  if m then
    if m.loading then
      local chain = {}
      for i = 1, #loading do chain[i] = loading[i] end
      chain[#chain + 1] = mpath
      error("require cycle: " .. concat(chain, " -> "), 2)
    end
    return m.value
  end
  m = { loading = true, path = mpath }
  modules[mpath] = m
  local env = new_env(mpath)
  m.env = env
  local fn, lerr = H.load_chunk(mpath, env)
  if not fn then
    modules[mpath] = nil
    error(lerr, 2)
  end
  loading[#loading + 1] = mpath
  local was = DBG.hooked
  if DBG.on then DBG.arm(mpath) end
  local ok2, v = pcall(fn)
  if DBG.on then DBG.restore(was) end
  loading[#loading] = nil
  if not ok2 then
    modules[mpath] = nil
    error(v, 0)
  end
  if v == nil then v = true end
  m.value = v
  m.loading = nil
  return v
end

local function load_script(path)
  local rec = scripts[path]
  if rec then return rec end
  local env = new_env(path)
  local fn, lerr = H.load_chunk(path, env)
  if not fn then error(lerr, 0) end
  rec = { path = path, env = env }
  local ok, err = run_top(fn, path)
  if not ok then
    local msg = split_error(err)
    error(msg, 0)
  end
  bind_callbacks(rec)
  scripts[path] = rec
  return rec
end

local sorted_keys
do
  local function key_less(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return false
  end
  sorted_keys = function(t)
    local keys = {}
    for k in next, t do keys[#keys + 1] = k end
    sort(keys, key_less)
    return keys
  end
end

local function attach(id, path, order, index, overrides)
  if type(path) ~= "string" then error("spawn: a script is a path string or { path = ..., order = ..., properties = ... }", 3) end
  local rec = load_script(path)
  local props = rawget(rec.env, "properties")
  local keys = type(props) == "table" and sorted_keys(props) or nil
  local self = TFN.new_self(handles[id], 3 + (keys and #keys or 0))
  if keys then
    for _, k in ipairs(keys) do self[k] = copy(props[k]) end
  end
  local set_here = nil
  if type(overrides) == "table" then
    set_here = {}
    for _, k in ipairs(sorted_keys(overrides)) do
      self[k] = copy(overrides[k])
      set_here[k] = true
    end
  end
  next_instance = next_instance + 1
  local inst = {
    n = next_instance, rec = rec, self = self, entity = id, order = order, index = index,
    faulted = false, started = false, time = 0, alloc = 0, overrides = set_here,
    c_init = 0, c_update = 0, c_fixed_update = 0, c_on_event = 0, c_on_reload = 0, c_destroy = 0,
  }
  local list = by_entity[id]
  if list == nil then
    list = {}
    by_entity[id] = list
  end
  list[#list + 1] = inst
  instances[#instances + 1] = inst
  n_live = n_live + 1
  pending_init[#pending_init + 1] = inst
  lists_dirty = true
  return inst
end

-- Adopts an entity created by Rust (from the scene): script components and scripts.
function S.adopt(id, bits, comps, scripts_list)
  local h = make_handle(id, bits)
  if next(comps) ~= nil then
    for _, name in ipairs(sorted_keys(comps)) do EI.set(h, name, comps[name]) end
  end
  for i, s in ipairs(scripts_list) do attach(id, s.path, s.order, i, s.properties) end
end

function S.set_native(names)
  for _, n in ipairs(names) do NATIVE[n] = true end
end

-------------------------------------------------------------------------------------------------
-- world
-------------------------------------------------------------------------------------------------
local world_ns = {}
function world_ns.spawn(components, scripts_list)
  if type(components) ~= "table" then error("world.spawn: components must be a table of name = value", 2) end
  if scripts_list ~= nil and type(scripts_list) ~= "table" then error("world.spawn: scripts must be a list", 2) end
  local wanted = rawget(components, "Name")
  if name_holder(wanted, nil) then error(name_taken("world.spawn", wanted), 2) end
  local id, bits = H.spawn()
  local h = make_handle(id, bits)
  for _, name in ipairs(sorted_keys(components)) do
    if type(name) ~= "string" then error("world.spawn: component names must be strings", 2) end
    EI.set(h, name, components[name])
  end
  if scripts_list then
    for i, s in ipairs(scripts_list) do
      if type(s) == "string" then
        attach(id, s, 0, i, nil)
      elseif type(s) == "table" then
        local order = s.order or 0
        if mtype(order) ~= "integer" then error("world.spawn: script order must be an integer", 2) end
        attach(id, s.path, order, i, s.properties)
      else
        error("world.spawn: a script is a path or a table", 2)
      end
    end
  end
  return h
end

function world_ns.query(...)
  local names = { ... }
  if #names == 0 then error("world.query: name at least one component", 2) end
  local native = {}
  for i, n in ipairs(names) do
    if type(n) ~= "string" then error(sfmt("world.query: component name %d must be a string", i), 2) end
    if n == "Transform" or NATIVE[n] then native[#native + 1] = n end
  end
  local ids = H.query_ids(native)
  local i = 0
  local count = #names
  return function()
    while true do
      i = i + 1
      local id = ids[i]
      if id == nil then return nil end
      local h = handles[id]
      if h ~= nil then
        local ok = true
        for j = 1, count do
          local n = names[j]
          if n ~= "Transform" and not NATIVE[n] then
            local st = stores[n]
            if st == nil or st[id] == nil then
              ok = false
              break
            end
          end
        end
        if ok then
          if count == 1 then return h, EI.get(h, names[1]) end
          local vals = {}
          for j = 1, count do vals[j] = EI.get(h, names[j]) end
          return h, unpack(vals, 1, count)
        end
      end
    end
  end
end

function world_ns.find(name)
  if type(name) ~= "string" then error("world.find: name must be a string", 2) end
  local id = H.find(name)
  if id == nil then return nil end
  return handles[id]
end

function world_ns.entities()
  local ids = H.query_ids({})
  local out = {}
  for i = 1, #ids do
    local h = handles[ids[i]]
    if h then out[#out + 1] = h end
  end
  return out
end
-- Names are matched with the pattern functions scripts get (the global `string` table's, which
-- the time budget reaches into), looked up when called.
function world_ns.find_all(pattern)
  if type(pattern) ~= "string" then error("world.find_all: pattern must be a string", 2) end
  local find = string.find
  local out = {}
  for h, name in world_ns.query("Name") do
    if type(name) == "string" and find(name, pattern) then out[#out + 1] = h end
  end
  return out
end
impl.namespaces.world = world_ns

-------------------------------------------------------------------------------------------------
-- assets (the Rust side confines paths to assets/ and reports problems as values)
-------------------------------------------------------------------------------------------------
local load_text, load_json, exists = H.assets_load_text, H.assets_load_json, H.assets_exists
impl.namespaces.assets = {
  load_text = function(path)
    local ok, v = load_text(path)
    if not ok then error(v, 2) end
    return v
  end,
  load_json = function(path)
    local ok, v = load_json(path)
    if not ok then error(v, 2) end
    return v
  end,
  exists = function(path)
    local ok, v, err = exists(path)
    if not ok then error(err, 2) end
    return v
  end,
}

-------------------------------------------------------------------------------------------------
-- events
-------------------------------------------------------------------------------------------------
local events_ns = {}
function events_ns.emit(name, data)
  if type(name) ~= "string" then error("events.emit: event name must be a string", 2) end
  queue[#queue + 1] = { name = name, data = copy(data), sender = sender_handle() }
end
-- An event from the host (between frames): no sender; `target` is an entity id or nil for
-- everyone. False when the target entity is gone.
function S.host_emit(name, data, target)
  if target ~= nil and hbits[target] == nil then return false end
  queue[#queue + 1] = { name = name, data = copy(data), target = target }
  return true
end
function events_ns.subscribe(name, fn)
  if type(name) ~= "string" then error("events.subscribe: event name must be a string", 2) end
  if type(fn) ~= "function" then error("events.subscribe: handler must be a function", 2) end
  local owner = cur()
  if owner == nil then error("events.subscribe: only a script instance can subscribe (call it from a callback)", 2) end
  sub_next = sub_next + 1
  subs[#subs + 1] = { id = sub_next, name = name, fn = fn, owner = owner }
  return sub_next
end
function events_ns.unsubscribe(id)
  for i = 1, #subs do
    if subs[i].id == id then
      subs[i].dead = true
      return
    end
  end
end
impl.namespaces.events = events_ns

local function deliver(limit)
  local pass = 0
  while #queue > 0 and pass < limit do
    pass = pass + 1
    if lists_dirty then rebuild_lists() end
    local batch = queue
    queue = {}
    for i = 1, #batch do
      local ev = batch[i]
      local name, data, sender = ev.name, ev.data, ev.sender
      if ev.target then
        local list = by_entity[ev.target]
        if list and not pending_despawn[ev.target] then
          for j = 1, #list do
            local inst = list[j]
            local f = inst.rec.on_event
            if f and inst.started and not inst.faulted and not inst.dead then call_one(inst, "on_event", f, inst.self, name, data, sender) end
          end
        end
      else
        local list = lists.on_event
        for j = 1, #list do
          local inst = list[j]
          local f = inst.rec.on_event
          if f and not inst.faulted and not inst.dead then call_one(inst, "on_event", f, inst.self, name, data, sender) end
        end
        local n = #subs
        for j = 1, n do
          local s = subs[j]
          if s.name == name and not s.dead and not s.owner.faulted and not s.owner.dead then
            call_one(s.owner, "on_event", s.fn, data, sender)
          end
        end
      end
    end
  end
  -- compact dead subscriptions
  local live = {}
  for i = 1, #subs do if not subs[i].dead and not subs[i].owner.dead then live[#live + 1] = subs[i] end end
  subs = live
end

-------------------------------------------------------------------------------------------------
-- tasks
-------------------------------------------------------------------------------------------------
local WAIT = {}
local task_ns = {}

local function resume_task(t, ...)
  local owner = t.owner
  local prev_cur, prev_w = current, W[1]
  current = owner
  seq = seq + 1
  W[1] = seq
  -- A task woken from `task.wait` resumes on the first frame at or past its target time; the
  -- next wait counts from that target, not from now, so the overshoot (under one frame) is
  -- carried and N waits of s end at N * s within a frame rather than a frame late per wait.
  local carried = t.wake_time
  local t0 = now()
  local was = DBG.hooked
  if DBG.on then DBG.arm(owner.rec.path) end
  guard_enter(t.co)
  local ok, a, b = co_resume(t.co, ...)
  guard_leave(prev_w)
  if DBG.on then DBG.restore(was) end
  local t1 = now()
  owner.time = owner.time + (t1 - t0)
  if TRACE.buf then TRACE.add(owner, t0, t1, "task") end
  current = prev_cur
  if not ok then
    H.debug_error(t.co, a)
    t.done = true
    fault(owner, "task", { a, H.frames(t.co) })
    return
  end
  if co_status(t.co) == "dead" then
    t.done = true
    return
  end
  if a == WAIT and b ~= nil then
    if b.seconds then
      local from = T.elapsed
      if carried ~= nil and carried > from - T.dt then from = carried end
      t.wake_time = from + b.seconds
      t.wake_frame = nil
    else t.wake_frame = T.frame + b.frames; t.wake_time = nil end
  else
    t.wake_frame = T.frame + 1
    t.wake_time = nil
  end
end

function task_ns.spawn(fn, ...)
  if type(fn) ~= "function" then error("task.spawn: expected a function", 2) end
  local owner = cur()
  if owner == nil then error("task.spawn: only a script instance can start a task (call it from a callback)", 2) end
  task_next = task_next + 1
  local t = { id = task_next, co = co_create(fn), owner = owner }
  task_of_co[t.co] = t
  tasks[#tasks + 1] = t
  resume_task(t, ...)
  return t.id
end
local function in_task(what)
  local co = co_running()
  if task_of_co[co] == nil then error(what .. ": only a task can wait (start one with task.spawn)", 3) end
end
function task_ns.wait(seconds)
  if type(seconds) ~= "number" then error("task.wait: seconds must be a number", 2) end
  in_task("task.wait")
  co_yield(WAIT, { seconds = seconds })
end
function task_ns.wait_frames(n)
  if mtype(n) ~= "integer" and not (type(n) == "number" and n == floor(n)) then error("task.wait_frames: n must be an integer", 2) end
  in_task("task.wait_frames")
  if n < 1 then n = 1 end
  co_yield(WAIT, { frames = n })
end
function task_ns.cancel(id)
  for i = 1, #tasks do
    local t = tasks[i]
    if t.id == id and not t.done then
      t.done = true
      if co_running() ~= t.co and co_status(t.co) == "suspended" then co_close(t.co) end
      return
    end
  end
end
function task_ns.after(seconds, fn, ...)
  if type(seconds) ~= "number" then error("task.after: seconds must be a number", 2) end
  if type(fn) ~= "function" then error("task.after: expected a function", 2) end
  if cur() == nil then error("task.after: only a script instance can start a task (call it from a callback)", 2) end
  return task_ns.spawn(function(...)
    task_ns.wait(seconds)
    return fn(...)
  end, ...)
end
function task_ns.every(seconds, fn, ...)
  if type(seconds) ~= "number" or not (seconds > 0) then error("task.every: seconds must be a number above 0", 2) end
  if type(fn) ~= "function" then error("task.every: expected a function", 2) end
  if cur() == nil then error("task.every: only a script instance can start a task (call it from a callback)", 2) end
  return task_ns.spawn(function(...)
    repeat task_ns.wait(seconds) until fn(...) == false
  end, ...)
end
impl.namespaces.task = task_ns

local function run_tasks()
  local n = #tasks
  for i = 1, n do
    local t = tasks[i]
    if not t.done then
      local o = t.owner
      if o.dead or o.faulted then
        t.done = true
      -- (Game time is a sum of frame steps: 60 steps of 1/60 may fall short of 1.0 by a
      -- rounding error, which must not cost a frame.)
      elseif (t.wake_frame and T.frame >= t.wake_frame) or (t.wake_time and T.elapsed >= t.wake_time - 1e-9) then
        resume_task(t)
      end
    end
  end
  local live = {}
  for i = 1, #tasks do
    local t = tasks[i]
    if not t.done then live[#live + 1] = t elseif co_status(t.co) == "suspended" then co_close(t.co) end
  end
  tasks = live
end

-------------------------------------------------------------------------------------------------
-- despawns and destroy
-------------------------------------------------------------------------------------------------
local function destroy_instance(inst)
  if inst.dead then return end
  if inst.started and not inst.faulted and inst.rec.destroy then call_one(inst, "destroy", inst.rec.destroy, inst.self) end
  inst.dead = true
  n_live = n_live - 1
  if inst.faulted then n_faulted = n_faulted - 1 end
  lists_dirty = true
end

local function drop_dead_instances()
  local live = {}
  for i = 1, #instances do
    local inst = instances[i]
    if inst.dead then retiring[#retiring + 1] = inst else live[#live + 1] = inst end
  end
  instances = live
end

local function flush_despawns()
  if #despawn_list == 0 then return end
  while #despawn_list > 0 do
    local list = despawn_list
    despawn_list = {}
    for _, id in ipairs(list) do
      local insts = by_entity[id]
      if insts then
        for j = 1, #insts do destroy_instance(insts[j]) end
      end
      for _, store in next, stores do store[id] = nil end
      hbits[id] = nil
      local h = handles[id]
      if h ~= nil then TFN.clear_handle(h) end
      handles[id] = nil
      by_entity[id] = nil
      pending_despawn[id] = nil
      H.despawn(id)
    end
  end
  drop_dead_instances()
  lists_dirty = true
end

-- The live instance of `path` on entity `id`, or nil and why not.
local function instance_of(id, path)
  local list = by_entity[id]
  if list == nil or hbits[id] == nil then return nil, "no live entity has this id" end
  for i = 1, #list do
    local inst = list[i]
    if inst.rec.path == path and not inst.dead then return inst end
  end
  return nil, sfmt("entity %d has no instance of %s", id, path)
end

-- The host calls `fname` of the script `path` on entity `id` with `self` and the values of
-- `args` (a sequence of `args.n`): true and the results (packed), or false and the error
-- (the message handler's, with its position). The instance is not faulted: the host gets the
-- error.
function S.host_call(id, path, fname, args)
  local inst, why = instance_of(id, path)
  if inst == nil then return false, why end
  local fn = rawget(inst.rec.env, fname)
  if type(fn) ~= "function" then return false, sfmt("%s has no function %s", path, fname) end
  local prev_cur, prev_w = current, W[1]
  current = inst
  seq = seq + 1
  W[1] = seq
  local res = table.pack(xpcall(fn, handler, inst.self, unpack(args, 1, args.n)))
  W[1] = prev_w
  current = prev_cur
  if not res[1] then
    local err = res[2]
    return false, type(err) == "table" and err[1] or describe(err)
  end
  return true, table.pack(unpack(res, 2, res.n))
end

-- A plain copy of `v` for the host: vectors as arrays of their components, entity handles
-- as their ids, functions, coroutines and other userdata left out, cycles cut.
local function plain(v, depth, seen)
  local t = type(v)
  if hid[v] ~= nil then return hid[v] end
  if t == "userdata" then
    local packed = table.pack(pcall(vunpack, v))
    if not packed[1] then return nil end
    return { unpack(packed, 2, packed.n) }
  end
  if t == "function" or t == "thread" then return nil end
  if t ~= "table" then return v end
  if seen[v] or depth > 32 then return nil end
  seen[v] = true
  local out = {}
  for k, x in next, v do
    local tk = type(k)
    if tk == "string" or tk == "number" then out[k] = plain(x, depth + 1, seen) end
  end
  seen[v] = nil
  return out
end

-- A plain copy of the `self` of the instance of `path` on entity `id`, or nil and why not.
function S.host_self(id, path)
  local inst, why = instance_of(id, path)
  if inst == nil then return nil, why end
  return plain(inst.self, 0, {})
end

-- The host writes one `self` field of the instance of `path` on entity `id`: true, or false
-- and why not. An array of 3 (4) numbers written over a vec3 (quat) becomes one, so what
-- `host_self` reads writes back as it was.
do
  local function like(old, value)
    if type(old) ~= "userdata" or type(value) ~= "table" or hid[old] then return value end
    local n = select("#", vunpack(old))
    if n == 3 and #value == 3 then return v3(value[1], value[2], value[3]) end
    if n == 4 and #value == 4 then return qt(value[1], value[2], value[3], value[4]) end
    return value
  end
  function S.host_set_self(id, path, key, value)
    local inst, why = instance_of(id, path)
    if inst == nil then return false, why end
    if key == "entity" then return false, "self.entity is the instance's own handle; it cannot be set" end
    local ok, v = pcall(like, inst.self[key], value)
    if not ok then return false, describe(v) end
    inst.self[key] = v
    return true
  end
  -- The host reads or writes a component of `id` by name, as a script's get/set would.
  function S.host_get(id, name)
    local h = handles[id]
    if h == nil or hbits[id] == nil then return false, "no live entity has this id" end
    return true, plain(EI.get(h, name), 0, {})
  end
  function S.host_set(id, name, value)
    local h = handles[id]
    if h == nil or hbits[id] == nil then return false, "no live entity has this id" end
    local ok, err = pcall(EI.set, h, name, value)
    if not ok then return false, describe(err) end
    return true
  end
end

-- The host despawns `id` between frames: as `entity:despawn()`, flushed at once. False when
-- no live entity has that id.
function S.host_despawn(id)
  local h = handles[id]
  if h == nil or hbits[id] == nil then return false end
  EI.despawn(h)
  flush_despawns()
  return true
end

-------------------------------------------------------------------------------------------------
-- The frame
-------------------------------------------------------------------------------------------------
-- Runs `f(...)` as the phase `name`: traced as one slice when tracing is on.
-- A phase that had nothing to do (no instance to start, no event to deliver) takes well
-- under a microsecond: it is left out of the trace.
function TRACE.phase(name, f, ...)
  if TRACE.buf == nil then return f(...) end
  local t0 = now()
  f(...)
  local t1 = now()
  if t1 - t0 >= 1e-6 then TRACE.add(false, t0, t1, name) end
end

function S.frame(dt, nfixed, fixed_dt, pass_limit)
  T.dt = dt
  T.fixed_dt = fixed_dt
  T.elapsed = T.elapsed + dt
  TRACE.phase("init", prepare_phase)
  for _ = 1, nfixed do
    TRACE.phase("init", prepare_phase)
    TRACE.phase("fixed_update", run_list, hot_fixed, fixed_dt)
    TRACE.phase("despawns", flush_despawns)
    TRACE.phase("init", prepare_phase)
    TRACE.phase("events", deliver, pass_limit)
    TRACE.phase("despawns", flush_despawns)
  end
  TRACE.phase("init", prepare_phase)
  TRACE.phase("update", run_list, hot_update, dt)
  TRACE.phase("despawns", flush_despawns)
  TRACE.phase("init", prepare_phase)
  TRACE.phase("tasks", run_tasks)
  TRACE.phase("despawns", flush_despawns)
  TRACE.phase("init", prepare_phase)
  TRACE.phase("events", deliver, pass_limit)
  TRACE.phase("despawns", flush_despawns)
  T.frame = T.frame + 1
end

function S.shutdown()
  sort(instances, inst_less)
  for i = 1, #instances do destroy_instance(instances[i]) end
  for i = 1, #tasks do
    local t = tasks[i]
    if co_status(t.co) == "suspended" then co_close(t.co) end
  end
  tasks = {}
  subs = {}
  queue = {}
  -- The instances stay listed (dead) so the final report still shows them.
  lists_dirty = true
end

-- Hot reload: re-runs `fn` (already compiled in the script's env) and swaps the callbacks.
-- Returns true, instances or false, message.
function S.reload(path, fn)
  local rec = scripts[path]
  local m = modules[path]
  local old_props = rec and rawget(rec.env, "properties")
  local ok, err = run_top(fn, path)
  if not ok then
    local msg = split_error(err)
    return false, msg
  end
  if m then
    if err == nil then err = true end
    m.value = err
  end
  if not rec then return true, 0 end
  bind_callbacks(rec)
  lists_dirty = true
  sort(instances, inst_less)
  -- New defaults reach the running instances: a property the file adds, or one whose default
  -- changed while the instance still holds the old default, takes the new one, unless the
  -- scene or the spawn set it for that instance. What a script changed is its state, and kept.
  local props = rawget(rec.env, "properties")
  local keys = type(props) == "table" and sorted_keys(props) or {}
  if type(old_props) ~= "table" then old_props = {} end
  local function unchanged(v, old)
    if type(v) ~= type(old) then return false end
    if type(v) ~= "table" then return v == old end
    for k, x in next, old do
      if type(x) == "table" or not (v[k] == x) then return false end
    end
    for k in next, v do
      if old[k] == nil then return false end
    end
    return true
  end
  local count = 0
  for i = 1, #instances do
    local inst = instances[i]
    if inst.rec == rec and not inst.dead then
      count = count + 1
      if inst.faulted then n_faulted = n_faulted - 1 end
      inst.faulted = false
      local self, set_here = inst.self, inst.overrides
      for _, k in ipairs(keys) do
        if not (set_here and set_here[k]) then
          local old, v = old_props[k], rawget(self, k)
          if (old == nil and v == nil) or (old ~= nil and unchanged(v, old) and not unchanged(props[k], old)) then
            self[k] = copy(props[k])
          end
        end
      end
      if rec.on_reload and inst.started then call_one(inst, "on_reload", rec.on_reload, inst.self) end
    end
  end
  return true, count
end

function S.env_of(path)
  local rec = scripts[path]
  if rec then return rec.env end
  local m = modules[path]
  if m and m.env then return m.env end
  return nil
end

local function report_row(inst, despawned)
  return {
    path = inst.rec.path, entity = inst.entity, faulted = inst.faulted, despawned = despawned,
    calls = { init = inst.c_init, update = inst.c_update, fixed_update = inst.c_fixed_update,
      on_event = inst.c_on_event, on_reload = inst.c_on_reload, destroy = inst.c_destroy },
    errors = inst.errors or {},
    time_ms = inst.time * 1000,
    alloc_kib = inst.alloc / 1024,
  }
end

-- Every instance of the session: the live ones in phase order, then the despawned ones with
-- errors in despawn order, then one row per script for the other despawned ones (entity 0).
function S.report()
  S.fold_calls()
  settle_retiring()
  sort(instances, inst_less)
  local out = {}
  for i = 1, #instances do out[#out + 1] = report_row(instances[i], false) end
  for i = 1, #retired do out[#out + 1] = report_row(retired[i], true) end
  for i = 1, #retired_paths do out[#out + 1] = report_row(retired_totals[retired_paths[i]], true) end
  return out
end

function S.counts()
  return n_live, n_faulted
end

-- The world inspector (`dev/inspect.rs`): the live instances' script paths per entity id,
-- and the script components an entity has, sorted.
function S.inspect_scripts()
  local out = {}
  for id, list in next, by_entity do
    local paths = {}
    for i = 1, #list do
      if not list[i].dead then paths[#paths + 1] = list[i].rec.path end
    end
    out[id] = paths
  end
  return out
end
function S.inspect_components(id)
  local names = {}
  for name, store in next, stores do
    if store[id] ~= nil then names[#names + 1] = name end
  end
  sort(names)
  return names
end

-- Live stats (`Runtime::live_stats`): per script path, its live instances, their calls per
-- lifecycle function and their time in seconds, summed; sorted by path.
S.errors = 0
function S.script_stats()
  S.fold_calls()
  local by, order = {}, {}
  for i = 1, #instances do
    local inst = instances[i]
    if not inst.dead then
      local path = inst.rec.path
      local row = by[path]
      if row == nil then
        row = { path = path, instances = 0, time = 0, alloc = 0, calls = { init = 0, update = 0,
          fixed_update = 0, on_event = 0, on_reload = 0, destroy = 0 } }
        by[path] = row
        order[#order + 1] = path
      end
      row.instances = row.instances + 1
      row.time = row.time + inst.time
      row.alloc = row.alloc + inst.alloc
      local calls = row.calls
      for name, key in next, CALL_KEY do calls[name] = calls[name] + inst[key] end
    end
  end
  sort(order)
  local out = {}
  for i = 1, #order do out[i] = by[order[i]] end
  return out, S.errors
end

-- What world_hash reads: script component stores, instances' self tables, the handle map.
function S.hash_view()
  sort(instances, inst_less)
  local selves = {}
  for i = 1, #instances do selves[i] = { instances[i].rec.path, instances[i].entity, instances[i].self } end
  return stores, selves, hid, T.frame, vunpack
end

-------------------------------------------------------------------------------------------------
-- time, log, print
-------------------------------------------------------------------------------------------------
impl.namespaces.time = proxy(T, "time")
S.time = T

-------------------------------------------------------------------------------------------------
-- input: what the host fed before this frame (`input.rs`), as sets looked up by name
-------------------------------------------------------------------------------------------------
do
  local held, pressed, released, axes, px, py = {}, {}, {}, {}, 0, 0
  local function action(what, name)
    if type(name) ~= "string" then
      error(sfmt("input.%s: the action must be a string, got %s", what, type(name)), 3)
    end
  end
  local function set_of(list)
    local out = {}
    for i = 1, #list do out[list[i]] = true end
    return out
  end
  impl.namespaces.input = {
    held = function(name) if held[name] then return true end action("held", name) return false end,
    pressed = function(name) if pressed[name] then return true end action("pressed", name) return false end,
    released = function(name) if released[name] then return true end action("released", name) return false end,
    axis = function(name)
      local v = axes[name]
      if v then return v end
      if type(name) ~= "string" then error(sfmt("input.axis: the axis must be a string, got %s", type(name)), 2) end
      return 0
    end,
    pointer = function() return px, py end,
  }
  function S.set_input(h, p, r, a, x, y)
    held, pressed, released, axes, px, py = set_of(h), set_of(p), set_of(r), a, x, y
  end
end

local function log_at(level)
  return function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    local src, line = H.caller(2)
    H.log(level, concat(parts, "\t"), src, line)
  end
end
impl.namespaces.log = { debug = log_at("debug"), info = log_at("info"), warn = log_at("warn"), error = log_at("error") }
impl.globals.print = impl.namespaces.log.info

-------------------------------------------------------------------------------------------------
-- The sandboxed standard library
-------------------------------------------------------------------------------------------------
local std = impl.std
for _, name in ipairs({ "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
  "tostring", "type", "xpcall", "getmetatable", "rawequal", "rawget", "rawlen" }) do
  std[name] = _ENV[name]
end
std._VERSION = _VERSION
std.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not allowed in scripts", 2)
  end
  return setmetatable(t, mt)
end
-- `rawset` as Lua's, except on the engine's shared tables (library tables, namespaces) and
-- entity handles, which it would change for every script.
std.rawset = function(t, k, v)
  local locked = LOCKED[t]
  if locked then
    error(sfmt("rawset: %s is read-only", locked), 2)
  elseif getmetatable(t) == "Entity" then
    error("rawset: an Entity handle is read-only", 2)
  end
  return rawset(t, k, v)
end
std.collectgarbage = function(opt)
  if opt == "count" then return collectgarbage("count") end
  error("collectgarbage: scripts may only ask for \"count\"", 2)
end

-- math.random and math.randomseed are Lua's own (xoshiro256**, whose state lives in this Lua
-- state, so each world has its own), seeded by the host with the world's seed. With no
-- argument Lua reseeds from the clock and an address; a world reseeds from its own seed
-- instead, so runs stay reproducible (see docs/sandbox.md).
local lua_random, lua_randomseed = math.random, math.randomseed
local world_seed = 0
S.seed = function(n)
  world_seed = n
  lua_randomseed(n)
end
local math_copy = {}
for k, v in next, math do math_copy[k] = v end
math_copy.random = lua_random
-- Tail calls, so Lua's own argument errors name the script's line.
math_copy.randomseed = function(...)
  if select("#", ...) == 0 then return lua_randomseed(world_seed) end
  return lua_randomseed(...)
end

do
  -- `random`: helpers over the world's generator, so they are as reproducible as math.random.
  local R = {}
  local function num(v, what, name)
    if type(v) ~= "number" then error(sfmt("random.%s: %s must be a number, got %s", what, name, type(v)), 3) end
  end
  function R.float(lo, hi)
    if lo == nil then return lua_random() end
    num(lo, "float", hi == nil and "hi" or "lo")
    if hi == nil then lo, hi = 0, lo end
    num(hi, "float", "hi")
    return lo + (hi - lo) * lua_random()
  end
  function R.int(lo, hi)
    if mtype(lo) ~= "integer" and not (type(lo) == "number" and lo == floor(lo)) then error("random.int: lo must be an integer", 2) end
    if mtype(hi) ~= "integer" and not (type(hi) == "number" and hi == floor(hi)) then error("random.int: hi must be an integer", 2) end
    if hi < lo then error(sfmt("random.int: hi (%d) is below lo (%d)", hi, lo), 2) end
    return lua_random(floor(lo), floor(hi))
  end
  function R.chance(p)
    num(p, "chance", "p")
    return lua_random() < p
  end
  function R.pick(list)
    if type(list) ~= "table" then error("random.pick: list must be a table (an array)", 2) end
    local n = #list
    if n == 0 then return nil end
    return list[lua_random(n)]
  end
  impl.namespaces.random = R
end

local os_copy = { clock = os.clock, time = os.time, date = os.date, difftime = os.difftime }

local co_copy = {}
for k, v in next, coroutine do co_copy[k] = v end
co_copy.resume = function(co, ...)
  guard_enter(co)
  local r = table.pack(co_resume(co, ...))
  guard_leave()
  return unpack(r, 1, r.n)
end
co_copy.wrap = function(fn)
  local co = co_create(fn)
  return function(...)
    guard_enter(co)
    local r = table.pack(co_resume(co, ...))
    if not r[1] then
      -- As Lua's `wrap`: a coroutine that died of an error has its to-be-closed variables
      -- closed (an error while closing replaces the first), and a message gets the caller's
      -- position.
      local err = r[2]
      if co_status(co) == "dead" then
        local ok, closing = co_close(co)
        if not ok then err = closing end
      end
      guard_leave()
      if type(err) == "string" then error(err, 2) end
      error(err, 0)
    end
    guard_leave()
    return unpack(r, 2, r.n)
  end
end

std.string = proxy(string, "string")
std.table = proxy(table, "table")
std.math = proxy(math_copy, "math")
std.utf8 = proxy(utf8, "utf8")
std.coroutine = proxy(co_copy, "coroutine")
std.os = proxy(os_copy, "os")

-- The string metatable is shared by every script: lock it.
getmetatable("").__metatable = false

-- Names a script environment holds itself rather than through the shared base.
S.per_env = { _G = true, _ENV = true, load = true, require = true }

-- Makes a read-only namespace table; `ctor` makes it callable (vec3(...), quat(...)).
function S.make_namespace(name, fns, ctor)
  local mt = { __index = fns, __newindex = ro_error(name), __metatable = false,
    __pairs = function() return next, fns, nil end }
  if ctor then mt.__call = CALLS[ctor] or function(_, ...) return ctor(...) end end
  local t = setmetatable({}, mt)
  LOCKED[t] = name
  return t
end

-- Every name a script environment offers: globals, `ns.name` for engine namespaces, and
-- `Type:method` for the engine's handle and value types (checked against the API registry).
function S.env_names()
  local out = {}
  for k, v in next, BASE do
    out[#out + 1] = k
    if type(v) == "table" and impl.namespaces[k] ~= nil then
      for f in pairs(v) do out[#out + 1] = k .. "." .. f end
    end
  end
  for k in next, new_env("scripts/probe.lua") do out[#out + 1] = k end
  for k in next, EM do out[#out + 1] = "Entity:" .. k end
  for k in next, V3M do out[#out + 1] = "vec3:" .. k end
  for k in next, QM do out[#out + 1] = "quat:" .. k end
  sort(out)
  return out
end

S.load_script = load_script
S.new_env = new_env
S.handles = handles
S.copy = copy
S.WAIT = WAIT
-- For hosts and benchmarks: the vec3 constructor, to build values outside scripts.
S.vec3 = v3

return S, impl
