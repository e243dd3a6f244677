//! The Rust side the Lua prelude calls (`H.*`, never visible to scripts): the world shared with
//! Lua, raw C functions for the hot paths (vectors in `vector.rs`, Transform access in
//! `transform.rs`, the guard), and ordinary mlua functions for everything else.

use crate::components::{lua_ser_options, ComponentOps, EntityId, Name};
use crate::event::Event;
use crate::guard::{self, Guard};
use crate::paths;
use hecs::{Entity, World};
use mlua::chunk::ChunkMode;
use mlua::{ffi, Function, Lua, LuaSerdeExt, Table, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// State shared by the Runtime and the functions Lua calls.
pub(crate) struct Shared {
    pub root: PathBuf,
    pub world: World,
    pub ids: BTreeMap<u64, Entity>,
    pub next_id: u64,
    pub comps: BTreeMap<String, ComponentOps>,
    pub events: Vec<Event>,
    /// Loaded scripts and modules: path -> content hash of the running code.
    pub sources: BTreeMap<String, u64>,
    /// Source given by `reload_script_bytes`, used instead of the file.
    pub overrides: HashMap<String, Vec<u8>>,
    /// script or module -> modules it requires.
    pub deps: BTreeMap<String, BTreeSet<String>>,
    /// Entity ids by `Name`, for `world.find` and the uniqueness check of names: rebuilt on
    /// the first lookup after a `Name` changed or a named entity went away.
    pub names: HashMap<String, u64>,
    /// Whether `names` must be rebuilt before it is read.
    pub names_stale: bool,
}

impl Shared {
    pub fn spawn(&mut self) -> (u64, Entity) {
        self.next_id += 1;
        let id = self.next_id;
        let e = self.world.spawn((EntityId(id),));
        self.ids.insert(id, e);
        (id, e)
    }

    /// The entity named `name`, if any: O(1) once the index is up to date (a rebuild walks
    /// the named entities once after names changed).
    pub fn find(&mut self, name: &str) -> Option<u64> {
        if self.names_stale {
            self.names.clear();
            for (id, n) in self.world.query::<(&EntityId, &Name)>().iter() {
                // Names are unique; if a host broke that, the oldest entity wins.
                let slot = self.names.entry(n.0.clone()).or_insert(id.0);
                *slot = (*slot).min(id.0);
            }
            self.names_stale = false;
        }
        self.names.get(name).copied()
    }
}

pub(crate) type SharedRef = Rc<RefCell<Shared>>;

/// A Lua string taken as text: scripts are bytes, so a message or a traceback may not be UTF-8;
/// such bytes are shown as replacement characters rather than failing the call.
struct Text(String);

impl mlua::FromLua for Text {
    fn from_lua(value: Value, lua: &Lua) -> mlua::Result<Self> {
        match value {
            Value::String(s) => Ok(Text(s.to_string_lossy().to_string())),
            other => String::from_lua(other, lua).map(Text),
        }
    }
}

/// FNV-1a, 64 bits.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `H.frames(co)`: the script frames of a coroutine (used for failed tasks; see `stack.rs`).
unsafe extern "C-unwind" fn frames(l: *mut ffi::lua_State) -> c_int {
    let co = ffi::lua_tothread(l, 1);
    if co.is_null() {
        ffi::lua_createtable(l, 0, 0);
        return 1;
    }
    crate::stack::push_frames(l, co, 0);
    1
}

/// `H.now()`: monotonic seconds since the first call in this process.
unsafe extern "C-unwind" fn now(l: *mut ffi::lua_State) -> c_int {
    ffi::lua_pushnumber(l, clock());
    1
}

/// Seconds on the clock scripts' timings use (`H.now`), from its first reading.
pub(crate) fn clock() -> f64 {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    EPOCH
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

/// `H.caller(level)`: short source and current line of the function at `level`.
unsafe extern "C-unwind" fn caller(l: *mut ffi::lua_State) -> c_int {
    let level = ffi::lua_tointegerx(l, 1, std::ptr::null_mut()) as c_int;
    let mut ar: ffi::lua_Debug = std::mem::zeroed();
    if ffi::lua_getstack(l, level, &mut ar) == 0 {
        return 0;
    }
    if ffi::lua_getinfo(l, c"Sl".as_ptr(), &mut ar) == 0 {
        return 0;
    }
    ffi::lua_pushstring(l, ar.short_src.as_ptr() as *const c_char);
    ffi::lua_pushinteger(l, ar.currentline as ffi::lua_Integer);
    2
}

/// Makes a C closure with one light-userdata upvalue.
fn c_closure(lua: &Lua, f: ffi::lua_CFunction, up: *mut c_void) -> mlua::Result<Function> {
    // SAFETY: pushes a light userdata and a C closure over it; `up` outlives the Lua state
    // (the Runtime drops the state first).
    unsafe {
        lua.exec_raw((), |l| {
            ffi::lua_pushlightuserdata(l, up);
            ffi::lua_pushcclosure(l, f, 1);
        })
    }
}

/// Registers the guard in the Lua registry and returns the states Rust calls Lua on.
pub(crate) fn install_guard(lua: &Lua, g: &Arc<Guard>, w: &Table) -> mlua::Result<Vec<usize>> {
    let ptr = guard::as_ptr(g);
    let mut mains: Vec<usize> = Vec::new();
    // SAFETY: stack-balanced registry manipulation on the calling state.
    unsafe {
        let w_ref: c_int = lua.exec_raw(w.clone(), |l| {
            let r = ffi::luaL_ref(l, ffi::LUA_REGISTRYINDEX);
            ffi::lua_pushinteger(l, r as ffi::lua_Integer);
        })?;
        g.w_ref.store(w_ref, std::sync::atomic::Ordering::SeqCst);
        let (cur, main): (i64, i64) = lua.exec_raw((), |l| {
            ffi::lua_pushlightuserdata(l, ptr);
            ffi::lua_setfield(l, ffi::LUA_REGISTRYINDEX, guard::REGISTRY_KEY.as_ptr());
            ffi::lua_pushinteger(l, l as usize as ffi::lua_Integer);
            ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_MAINTHREAD);
            let m = ffi::lua_tothread(l, -1);
            ffi::lua_pop(l, 1);
            ffi::lua_pushinteger(l, m as usize as ffi::lua_Integer);
        })?;
        mains.push(cur as usize);
        if main != cur {
            mains.push(main as usize);
        }
    }
    Ok(mains)
}

/// Builds the `H` table handed to the prelude.
pub(crate) fn host_table(
    lua: &Lua,
    shared: &SharedRef,
    g: &Arc<Guard>,
    w: &Table,
) -> mlua::Result<Table> {
    let h = lua.create_table()?;
    let sp = Rc::as_ptr(shared) as *mut c_void;
    let gp = guard::as_ptr(g);
    h.set("watch", w.clone())?;
    let vectors = crate::vector::install(lua)?;
    h.set("transform_fns", crate::transform::make(lua, &vectors, sp)?)?;
    h.set("vectors", vectors)?;
    h.set("handler", c_closure(lua, guard::handler, gp)?)?;
    h.set("guard_enter", c_closure(lua, guard::guard_enter, gp)?)?;
    h.set("debug_hook", c_closure(lua, crate::debug::debug_hook, gp)?)?;
    h.set(
        "debug_error",
        c_closure(lua, crate::debug::debug_error, gp)?,
    )?;
    h.set("guard_leave", c_closure(lua, guard::guard_leave, gp)?)?;
    h.set("frames", c_closure(lua, frames, std::ptr::null_mut())?)?;
    h.set("caller", c_closure(lua, caller, std::ptr::null_mut())?)?;
    h.set("now", c_closure(lua, now, std::ptr::null_mut())?)?;
    h.set(
        "allocated",
        c_closure(lua, crate::memory::allocated, std::ptr::null_mut())?,
    )?;

    let s = shared.clone();
    h.set(
        "comp_get",
        lua.create_function(move |lua, (bits, name): (i64, String)| {
            let sh = s.borrow();
            let (Some(e), Some(ops)) = (Entity::from_bits(bits as u64), sh.comps.get(&name)) else {
                return Ok(Value::Nil);
            };
            (ops.get)(&sh.world, e, lua)
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "comp_set",
        lua.create_function(move |lua, (bits, name, value): (i64, String, Value)| {
            let mut sh = s.borrow_mut();
            let sh = &mut *sh;
            let (Some(e), Some(ops)) = (Entity::from_bits(bits as u64), sh.comps.get(&name)) else {
                return Ok(None);
            };
            sh.names_stale |= name == "Name";
            Ok((ops.set)(&mut sh.world, e, lua, value).err())
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "comp_has",
        lua.create_function(move |_, (bits, name): (i64, String)| {
            let sh = s.borrow();
            let (Some(e), Some(ops)) = (Entity::from_bits(bits as u64), sh.comps.get(&name)) else {
                return Ok(false);
            };
            Ok((ops.has)(&sh.world, e))
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "comp_remove",
        lua.create_function(move |_, (bits, name): (i64, String)| {
            let mut sh = s.borrow_mut();
            let sh = &mut *sh;
            if let (Some(e), Some(ops)) = (Entity::from_bits(bits as u64), sh.comps.get(&name)) {
                sh.names_stale |= name == "Name";
                (ops.remove)(&mut sh.world, e);
            }
            Ok(())
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "spawn",
        lua.create_function(move |_, ()| {
            let (id, e) = s.borrow_mut().spawn();
            Ok((id as i64, e.to_bits().get() as i64))
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "despawn",
        lua.create_function(move |_, id: i64| {
            let mut sh = s.borrow_mut();
            if let Some(e) = sh.ids.remove(&(id as u64)) {
                sh.names_stale |= sh.world.satisfies::<&Name>(e);
                let _ = sh.world.despawn(e);
            }
            Ok(())
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "query_ids",
        lua.create_function(move |lua, names: Vec<String>| {
            let sh = s.borrow();
            let ops: Vec<&ComponentOps> = names.iter().filter_map(|n| sh.comps.get(n)).collect();
            let out = lua.create_table_with_capacity(sh.ids.len(), 0)?;
            let mut i = 0;
            for (&id, &e) in &sh.ids {
                if ops.iter().all(|o| (o.has)(&sh.world, e)) {
                    i += 1;
                    out.raw_set(i, id as i64)?;
                }
            }
            Ok(out)
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "find",
        lua.create_function(move |_, name: String| {
            Ok(s.borrow_mut().find(&name).map(|id| id as i64))
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "load_chunk",
        lua.create_function(move |lua, (path, env): (String, Table)| {
            let source = {
                let sh = s.borrow();
                match read_script(&sh, &path) {
                    Ok(src) => src,
                    Err(msg) => return Ok((None, Some(msg))),
                }
            };
            match compile(lua, &path, &source, env) {
                Ok(f) => {
                    s.borrow_mut().sources.insert(path.clone(), fnv1a(&source));
                    Ok((Some(f), None))
                }
                Err(msg) => Ok((None, Some(msg))),
            }
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "add_dep",
        lua.create_function(move |_, (from, to): (String, String)| {
            s.borrow_mut().deps.entry(from).or_default().insert(to);
            Ok(())
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "script_error",
        lua.create_function(
            move |_, (Text(script), e, entity, phase): (Text, Table, u64, String)| {
                let path = crate::fault::text(&e, "path");
                let line: u32 = e.get("line").unwrap_or(0);
                let message = crate::fault::text(&e, "message");
                let frames = crate::fault::frames(e.get("frames").ok());
                let mut sh = s.borrow_mut();
                let column = read_script(&sh, &path)
                    .ok()
                    .and_then(|src| {
                        let text = String::from_utf8_lossy(&src).into_owned();
                        let at = text.lines().nth((line as usize).checked_sub(1)?)?;
                        Some(crate::fault::column(at, &message))
                    })
                    .unwrap_or(0);
                let entity_name = sh
                    .ids
                    .get(&entity)
                    .and_then(|&ent| sh.world.get::<&Name>(ent).ok().map(|n| n.0.clone()));
                let traceback = crate::fault::traceback(&frames);
                // The report reads the column back from the error's table.
                let _ = e.raw_set("column", column);
                tracing::warn!(target: "crescent::script", "{path}:{line}: {message} (entity {entity}, in {phase})");
                sh.events.push(Event::ScriptError {
                    path,
                    line,
                    column,
                    message,
                    script,
                    entity,
                    entity_name,
                    phase,
                    frames,
                    traceback,
                });
                Ok(())
            },
        )?,
    )?;
    let s = shared.clone();
    h.set(
        "log",
        lua.create_function(
            move |_, (level, Text(message), path, line): (String, Text, Option<Text>, Option<u32>)| {
                let path = path.map(|Text(p)| p).unwrap_or_default();
                let line = line.unwrap_or(0);
                match level.as_str() {
                    "debug" => tracing::debug!(target: "crescent::script", "{path}:{line}: {message}"),
                    "warn" => tracing::warn!(target: "crescent::script", "{path}:{line}: {message}"),
                    "error" => tracing::error!(target: "crescent::script", "{path}:{line}: {message}"),
                    _ => tracing::info!(target: "crescent::script", "{path}:{line}: {message}"),
                }
                s.borrow_mut().events.push(Event::Log {
                    level,
                    message,
                    path,
                    line,
                });
                Ok(())
            },
        )?,
    )?;
    let s = shared.clone();
    h.set(
        "internal_error",
        lua.create_function(move |_, Text(message): Text| {
            tracing::error!(target: "crescent::engine", "{message}");
            s.borrow_mut().events.push(Event::Log {
                level: "error".into(),
                message,
                path: String::new(),
                line: 0,
            });
            Ok(())
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "assets_load_text",
        lua.create_function(move |_, path: Value| {
            let root = s.borrow().root.clone();
            Ok(match paths::asset(&root, &path, "assets.load_text") {
                Ok(p) => match std::fs::read_to_string(&p) {
                    Ok(text) => (true, Some(text)),
                    Err(e) => (
                        false,
                        Some(format!(
                            "assets.load_text: cannot read {}: {e}",
                            value_str(&path)
                        )),
                    ),
                },
                Err(msg) => (false, Some(msg)),
            })
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "assets_load_json",
        lua.create_function(move |lua, path: Value| {
            let root = s.borrow().root.clone();
            let p = match paths::asset(&root, &path, "assets.load_json") {
                Ok(p) => p,
                Err(msg) => return Ok((false, Value::String(lua.create_string(&msg)?))),
            };
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) => {
                    let msg = format!("assets.load_json: cannot read {}: {e}", value_str(&path));
                    return Ok((false, Value::String(lua.create_string(&msg)?)));
                }
            };
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => Ok((true, lua.to_value_with(&v, lua_ser_options())?)),
                Err(e) => {
                    let msg = format!(
                        "assets.load_json: {} is not valid JSON: {e}",
                        value_str(&path)
                    );
                    Ok((false, Value::String(lua.create_string(&msg)?)))
                }
            }
        })?,
    )?;
    let s = shared.clone();
    h.set(
        "assets_exists",
        lua.create_function(move |_, path: Value| {
            let root = s.borrow().root.clone();
            Ok(match paths::asset(&root, &path, "assets.exists") {
                Ok(p) => (true, Some(p.is_file()), None),
                Err(msg) if msg.ends_with("does not exist") => (true, Some(false), None),
                Err(msg) => (false, None, Some(msg)),
            })
        })?,
    )?;
    Ok(h)
}

fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string_lossy().to_string(),
        other => format!("<{}>", other.type_name()),
    }
}

/// Reads a script's source: the override given by a reload, or the file (confined to
/// scripts/). Bytes, as Lua reads them: a script need not be UTF-8.
pub(crate) fn read_script(sh: &Shared, path: &str) -> Result<Vec<u8>, String> {
    if let Some(src) = sh.overrides.get(path) {
        return Ok(src.clone());
    }
    let file = paths::script(&sh.root, path)?;
    std::fs::read(&file).map_err(|e| format!("cannot read {path}: {e}"))
}

/// Compiles text-mode Lua with the chunk name `=path`, so messages read `path:line: ...`.
pub(crate) fn compile(
    lua: &Lua,
    path: &str,
    source: &[u8],
    env: Table,
) -> Result<Function, String> {
    lua.load(source)
        .set_name(format!("={path}"))
        .set_mode(ChunkMode::Text)
        .set_environment(env)
        .into_function()
        .map_err(|e| match e {
            mlua::Error::SyntaxError { message, .. } => message,
            other => other.to_string(),
        })
}
