//! [`Runtime`]: one world, one Lua state, the frame loop, reload, reports and the world hash.

use crate::api::{self, Api};
use crate::bindings;
use crate::compile::{parse_lua_error, split_position};
use crate::components::{lua_ser_options, ComponentOps, Name, Registry, Transform};
use crate::error::{Error, Result};
use crate::event::{ErrorReport, Event, ReloadOutcome, Report, ScriptReport, Stats, TraceSlice};
use crate::guard::{self, Guard};
use crate::host::{self, fnv1a, Shared, SharedRef};
use crate::input::Input;
use crate::scene::Scene;
use mlua::{ffi, Function, Lua, LuaOptions, LuaSerdeExt, StdLib, Table, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PRELUDE: &str = include_str!("prelude.lua");

/// How a world runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Time budget of one callback; an overrun raises an error at the running line.
    /// `Duration::ZERO` turns the guard off.
    pub budget: Duration,
    /// Bytes the whole Lua state may use. On Unix the state's pool of small blocks reserves
    /// this much address space (at most 4 GiB), committed page by page as it is used
    /// (`docs/performance.md`, "Where memory comes from").
    pub memory_limit: usize,
    /// Fixed steps per second for `fixed_update`.
    pub fixed_hz: f64,
    /// Fixed steps at most per frame (the rest of the accumulated time is dropped).
    pub max_fixed_steps: u32,
    /// Event delivery passes between phases; events emitted in the last pass wait for the next
    /// delivery point.
    pub event_pass_limit: u32,
    /// Seed of `math.random`.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            budget: Duration::from_millis(50),
            memory_limit: 256 * 1024 * 1024,
            fixed_hz: 60.0,
            max_fixed_steps: 5,
            event_pass_limit: 8,
            seed: 0x6372_6573_6365_6e74,
        }
    }
}

/// The message of a host function's error, without mlua's wrapping.
fn host_error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::CallbackError { cause, .. } => host_error_text(cause),
        mlua::Error::ExternalError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// What the Lua state owns so that the pointers its C functions hold stay valid for as long as
/// the state lives.
struct KeepAlive {
    _guard: Arc<Guard>,
    _shared: SharedRef,
}

struct Calls {
    frame: Function,
    host_emit: Function,
    host_despawn: Function,
    host_call: Function,
    host_self: Function,
    host_set_self: Function,
    host_get: Function,
    host_set: Function,
    adopt: Function,
    shutdown: Function,
    reload: Function,
    env_of: Function,
    report: Function,
    counts: Function,
    script_stats: Function,
    inspect_scripts: Function,
    inspect_components: Function,
    hash_view: Function,
    set_input: Function,
    set_tracing: Function,
    take_trace: Function,
    /// The runner's `DBG` table and `debug_current`.
    debug: (Table, Function),
    env_names: Option<Function>,
}

/// One running world: entities, their script instances, and the Lua state that runs them.
///
/// # Example
/// ```no_run
/// use crescent_runtime::{Config, Registry, Runtime, Scene};
/// let mut rt = Runtime::new("my-game", Config::default(), Registry::new())?;
/// let scene = Scene::load(std::path::Path::new("my-game"))?;
/// rt.load_scene(&scene)?;
/// for _ in 0..60 {
///     rt.frame(1.0 / 60.0);
/// }
/// for event in rt.drain_events() {
///     println!("{}", serde_json::to_string(&event).unwrap_or_default());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Runtime {
    // Lua handles first: fields drop in order, and they must go before the state.
    calls: Calls,
    lua: Lua,
    shared: SharedRef,
    guard: Arc<Guard>,
    watchdog: Option<std::thread::JoinHandle<()>>,
    mains: Vec<usize>,
    /// The memory limit's allocator state (`memory.rs`), alive as long as it is installed.
    /// The state's allocator (`memory.rs`), which frees itself when the state closes.
    limiter: *mut crate::memory::Limiter,
    api: Api,
    config: Config,
    accumulator: f64,
    frames: u64,
    frame_ms: f64,
    shut_down: bool,
    input: Input,
    /// Frame slices recorded while tracing (`None`: not tracing).
    trace: Option<Vec<TraceSlice>>,
    /// The names the prelude's trace buffer refers to by index (`TRACE.names`), read as they
    /// appear.
    trace_names: Vec<std::sync::Arc<str>>,
    /// While tracing, the collector's pacing between frames (`gc.rs`).
    gc: Option<crate::gc::FramePacer>,
    /// The attached debugger; the guard points at it while it is here.
    debugger: Option<Box<crate::debug::DebugCell>>,
    /// Frames since the last [`Runtime::live_stats`]: count, summed and longest wall time (ms).
    window: (u64, f64, f64),
}

impl Runtime {
    /// Sets up a world for the project at `project_root`: the Lua state, the sandbox, the
    /// engine API (built-in plus `registry`), the time guard and the memory limit.
    ///
    /// # Errors
    /// [`Error::Lua`] when the state cannot be built or a described name has no binding.
    pub fn new(
        project_root: impl Into<PathBuf>,
        config: Config,
        registry: Registry,
    ) -> Result<Runtime> {
        let root: PathBuf = project_root.into();
        let libs = StdLib::STRING
            | StdLib::TABLE
            | StdLib::MATH
            | StdLib::UTF8
            | StdLib::COROUTINE
            | StdLib::OS;
        let lua = Lua::new_with(libs, LuaOptions::default())?;

        let mut api = api::builtin();
        let Registry {
            api: host_api,
            components,
            functions,
            errors,
        } = registry;
        if !errors.is_empty() {
            return Err(Error::Lua(errors.join("; ")));
        }
        api.merge(host_api);

        let mut comps: BTreeMap<String, ComponentOps> = BTreeMap::new();
        comps.insert(
            "Transform".into(),
            ComponentOps::of::<Transform>("Transform"),
        );
        comps.insert("Name".into(), ComponentOps::of::<Name>("Name"));
        let mut native: Vec<String> = vec!["Name".into()];
        for (name, ops) in components {
            if name == "Transform" || name == "Name" {
                return Err(Error::Lua(format!("component `{name}` is built in")));
            }
            native.push(name.clone());
            comps.insert(name, ops);
        }

        let shared: SharedRef = Rc::new(RefCell::new(Shared {
            root,
            world: hecs::World::new(),
            ids: BTreeMap::new(),
            next_id: 0,
            comps,
            events: Vec::new(),
            sources: BTreeMap::new(),
            overrides: HashMap::new(),
            deps: BTreeMap::new(),
            names: HashMap::new(),
            names_stale: true,
        }));
        let guard = Arc::new(Guard::new(config.budget));
        let w = lua.create_table()?;
        w.raw_set(1, 0)?;
        w.raw_set(2, lua.create_table()?)?;
        let mains = host::install_guard(&lua, &guard, &w)?;
        let h = host::host_table(&lua, &shared, &guard, &w)?;

        let prelude = lua
            .load(PRELUDE)
            .set_name("=crescent/prelude.lua")
            .set_mode(mlua::chunk::ChunkMode::Text)
            .into_function()?;
        let (s, imp): (Table, Table) = prelude.call(h)?;
        // After the prelude took its own (trusted) string functions: scripts get the pattern
        // functions the time budget reaches into.
        crate::pattern::install(&lua, &lua.globals().get::<Table>("string")?)?;
        crate::sort::install(&lua, &lua.globals().get::<Table>("table")?)?;

        // Host functions join the implementations before the base is built from the Api.
        let globals: Table = imp.get("globals")?;
        let namespaces: Table = imp.get("namespaces")?;
        // A host function's error reaches the script as a plain message at the script's line
        // (`error(message, 2)` in a Lua shim), not as mlua's wrapped error with a traceback.
        let shim: Function = lua
            .load(
                "local pack, unpack, error = table.pack, table.unpack, error\n\
                 return function(f) return function(...)\n\
                   local r = pack(f(...))\n\
                   if r[1] then return unpack(r, 2, r.n) end\n\
                   error(r[2], 2)\n\
                 end end",
            )
            .set_name("=crescent/host")
            .eval()?;
        for (ns, name, f) in functions {
            let f = lua.create_function(move |lua, args: mlua::MultiValue| {
                let mut out = match f(lua, args) {
                    Ok(values) => values,
                    Err(e) => {
                        let text = host_error_text(&e);
                        return Ok(mlua::MultiValue::from_vec(vec![
                            Value::Boolean(false),
                            Value::String(lua.create_string(&text)?),
                        ]));
                    }
                };
                out.push_front(Value::Boolean(true));
                Ok(out)
            })?;
            let f: Function = shim.call(f)?;
            if ns.is_empty() {
                globals.set(name, f)?;
            } else {
                let t: Option<Table> = namespaces.get(ns.as_str())?;
                let t = match t {
                    Some(t) => t,
                    None => {
                        let t = lua.create_table()?;
                        namespaces.set(ns.as_str(), &t)?;
                        t
                    }
                };
                t.set(name, f)?;
            }
        }
        bindings::build_base(&lua, &s, &imp, &api).map_err(Error::Lua)?;
        let set_native: Function = s.get("set_native")?;
        set_native.call::<()>(native)?;
        // The vec3 constructor, for hosts and benchmarks that build vectors outside scripts.
        lua.set_named_registry_value("crescent.vec3", s.get::<Function>("vec3")?)?;
        let seed: Function = s.get("seed")?;
        seed.call::<()>(config.seed as i64)?;
        let set_memory_limit: Function = s.get("set_memory_limit")?;
        set_memory_limit.call::<()>(config.memory_limit as f64)?;

        let calls = Calls {
            frame: s.get("frame")?,
            host_emit: s.get("host_emit")?,
            host_despawn: s.get("host_despawn")?,
            host_call: s.get("host_call")?,
            host_self: s.get("host_self")?,
            host_set_self: s.get("host_set_self")?,
            host_get: s.get("host_get")?,
            host_set: s.get("host_set")?,
            adopt: s.get("adopt")?,
            shutdown: s.get("shutdown")?,
            reload: s.get("reload")?,
            env_of: s.get("env_of")?,
            report: s.get("report")?,
            counts: s.get("counts")?,
            script_stats: s.get("script_stats")?,
            inspect_scripts: s.get("inspect_scripts")?,
            inspect_components: s.get("inspect_components")?,
            hash_view: s.get("hash_view")?,
            set_input: s.get("set_input")?,
            set_tracing: s.get("set_tracing")?,
            take_trace: s.get("take_trace")?,
            debug: (s.get("DBG")?, s.get("debug_current")?),
            env_names: s.get("env_names")?,
        };
        let time: Table = s.get("time")?;
        time.set("fixed_dt", 1.0 / fixed_hz(&config))?;

        // The raw C functions reach the guard and the shared state through pointers; the Lua
        // state keeps both alive, so a clone of it (`Lua` is `Clone`, and `lua()` is public)
        // that outlives this Runtime never sees them freed.
        lua.set_app_data(KeepAlive {
            _guard: guard.clone(),
            _shared: shared.clone(),
        });
        guard.memory_limit.store(
            config.memory_limit as u64,
            std::sync::atomic::Ordering::SeqCst,
        );
        // SAFETY: nothing else sets this state's allocator.
        let limiter = unsafe { crate::memory::install(&lua, config.memory_limit, guard.clone())? };
        let watchdog = guard::spawn_watchdog(guard.clone());
        Ok(Runtime {
            calls,
            lua,
            shared,
            guard,
            watchdog,
            mains,
            limiter,
            api,
            config,
            accumulator: 0.0,
            frames: 0,
            frame_ms: 0.0,
            shut_down: false,
            input: Input::default(),
            trace: None,
            trace_names: Vec::new(),
            gc: None,
            debugger: None,
            window: (0, 0.0, 0.0),
        })
    }

    /// The scripting API of this world: built-in plus host registrations.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// assert!(rt.api().namespace("world").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// The hecs world, for the host to read, as a borrow of the state scripts share: while the
    /// host holds it, a script that tries to change the world (reached through [`Runtime::lua`])
    /// gets an error instead of aliasing it.
    ///
    /// # Panics
    /// Never while Lua is not running: the state is only borrowed mutably inside calls into Lua,
    /// which need `&mut self` or return before this borrow can be taken.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let world = rt.world();
    /// let mut q = world.query::<&crescent_runtime::Transform>();
    /// assert_eq!(q.iter().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn world(&self) -> std::cell::Ref<'_, hecs::World> {
        std::cell::Ref::map(self.shared.borrow(), |sh| &sh.world)
    }

    /// The hecs entity of the entity scripts know by `id` (`entity:id()`), while it lives.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("c").unwrap();
    /// let e = rt.entity(id).expect("alive");
    /// assert_eq!(rt.entity_id(e), Some(id));
    /// assert_eq!(rt.entity(999), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entity(&self, id: u64) -> Option<hecs::Entity> {
        self.shared.borrow().ids.get(&id).copied()
    }

    /// The id of the entity named `name` (its `Name` component), as `world.find` answers
    /// scripts; names are unique.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/shop.lua", "function init(self) self.gold = 10 end\nfunction buy(self, item, n) self.gold = self.gold - n return item .. ' x' .. n end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "shop", "scripts": ["scripts/shop.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("shop").expect("the scene names it");
    /// assert_eq!(rt.entity_id(rt.entity(id).unwrap()), Some(id));
    /// assert_eq!(rt.find("nobody"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find(&self, name: &str) -> Option<u64> {
        self.shared.borrow_mut().find(name)
    }

    /// The id scripts know `entity` by (`entity:id()`), for a live entity of this runtime.
    pub fn entity_id(&self, entity: hecs::Entity) -> Option<u64> {
        let sh = self.shared.borrow();
        let id = sh.world.get::<&crate::components::EntityId>(entity).ok()?.0;
        (sh.ids.get(&id) == Some(&entity)).then_some(id)
    }

    /// Sends the event `name` with `data` (any serde value: maps become tables) to every
    /// subscriber (`events.subscribe`) and every instance's `on_event`, as `events.emit` does
    /// but with no sender. It is delivered in the next frame, at its first delivery pass
    /// (after the first fixed step, or after `update` when the frame has none), in the order
    /// the host sent it and before the events scripts emit in that frame.
    ///
    /// # Errors
    /// [`Error::Lua`] when `data` cannot be made into a Lua value.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/ear.lua", "function on_event(self, name, data) log.info(name .. ' ' .. data.n) end"),
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/ear.lua"]}]}"#),
    /// # ])?;
    /// rt.emit("wave", &serde_json::json!({ "n": 3 }))?;
    /// rt.frame(1.0 / 60.0); // delivered in this frame
    /// # let logged: Vec<_> = rt.drain_events().into_iter().filter_map(|e| match e {
    /// #     crescent_runtime::Event::Log { message, .. } => Some(message), _ => None }).collect();
    /// # assert_eq!(logged, ["wave 3"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn emit<T: serde::Serialize + ?Sized>(&mut self, name: &str, data: &T) -> Result<()> {
        self.host_event(name, data, None).map(|_| ())
    }

    /// Sends the event `name` with `data` to the entity `id` only (its instances'
    /// `on_event`), as `entity:send` does; delivered as [`Runtime::emit`] says.
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id; [`Error::Lua`] as for `emit`.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("c").unwrap();
    /// rt.send(id, "hit", &serde_json::json!({ "damage": 3 }))?; // its on_event, next frame
    /// assert!(rt.send(999, "hit", &1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send<T: serde::Serialize + ?Sized>(
        &mut self,
        id: u64,
        name: &str,
        data: &T,
    ) -> Result<()> {
        if self.host_event(name, data, Some(id))? {
            Ok(())
        } else {
            Err(Error::Entity {
                entity: id,
                message: "no live entity has this id".into(),
            })
        }
    }

    fn host_event<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        data: &T,
        target: Option<u64>,
    ) -> Result<bool> {
        let value = self
            .lua
            .to_value_with(data, crate::components::lua_ser_options())
            .map_err(|e| Error::Lua(format!("event {name}: {e}")))?;
        self.calls
            .host_emit
            .call::<bool>((name, value, target.map(|t| t as i64)))
            .map_err(|e| Error::Lua(lua_error_text(&e)))
    }

    /// The Lua state (for embedding programs that add their own bindings and benchmarks).
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let n: i64 = rt.lua().load("return 1 + 1").eval()?;
    /// assert_eq!(n, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lua(&self) -> &Lua {
        &self.lua
    }

    /// Spawns the scene's entities (ids 1, 2, 3, ... in file order) and loads their scripts;
    /// their `init` runs at the start of the next frame.
    ///
    /// # Errors
    /// [`Error::Component`] for a component value that does not fit its type, [`Error::Script`]
    /// for a script that does not compile or whose top level fails.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// // `world` loaded scene.json: its entity is there, named.
    /// assert!(rt.find("c").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_scene(&mut self, scene: &Scene) -> Result<()> {
        for def in &scene.entities {
            self.spawn_def(def)?;
        }
        Ok(())
    }

    /// Spawns an entity between frames, with components and scripts given as a scene entry
    /// gives them; its scripts' `init` runs at the start of the next frame. Returns the id
    /// scripts know it by.
    ///
    /// # Errors
    /// [`Error::Entity`] when another entity has its name (names are unique); otherwise as
    /// [`Runtime::load_scene`]. On an error nothing of the entity stays but its id.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/mover.lua", "function update(self, dt) self.entity:translate(vec3(1, 0, 0), dt) end"),
    /// #     ("scene.json", r#"{"entities": []}"#),
    /// # ])?;
    /// use crescent_runtime::{EntityDef, ScriptRef};
    /// let id = rt.spawn(&EntityDef {
    ///     name: Some("mover".into()),
    ///     components: vec![("Transform".into(), serde_json::json!({}))],
    ///     scripts: vec![ScriptRef {
    ///         path: "scripts/mover.lua".into(),
    ///         order: 0,
    ///         properties: Default::default(),
    ///     }],
    /// })?;
    /// rt.frame(0.5);
    /// let t = rt.component_json(id, "Transform")?.unwrap();
    /// assert_eq!(t["position"][0], 0.5);
    /// rt.despawn(id)?;
    /// assert_eq!(rt.find("mover"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn(&mut self, def: &crate::EntityDef) -> Result<u64> {
        let wanted: Vec<String> = def
            .name
            .iter()
            .cloned()
            .chain(
                def.components
                    .iter()
                    .filter(|(n, _)| n == "Name")
                    .filter_map(|(_, v)| v.as_str().map(String::from)),
            )
            .collect();
        for name in &wanted {
            if let Some(holder) = self.shared.borrow_mut().find(name) {
                return Err(Error::Entity {
                    entity: holder,
                    message: format!("an entity named {name:?} already exists; names are unique"),
                });
            }
        }
        match self.spawn_def(def) {
            Ok(id) => Ok(id),
            Err(err) => {
                // Take back what was made: the handle and instances scripts may have got, the
                // hecs entity (and the name it may hold).
                let id = self.shared.borrow().next_id;
                let _ = self.calls.host_despawn.call::<bool>(id as i64);
                let mut sh = self.shared.borrow_mut();
                if let Some(e) = sh.ids.remove(&id) {
                    let _ = sh.world.despawn(e);
                }
                sh.names_stale = true;
                Err(err)
            }
        }
    }

    /// Despawns the entity `id` between frames, as `entity:despawn()` would: its instances'
    /// `destroy` runs now, then its components and handle go (handles scripts kept report it
    /// as despawned).
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id.
    pub fn despawn(&mut self, id: u64) -> Result<()> {
        self.guard.begin(&self.mains);
        let r = self.calls.host_despawn.call::<bool>(id as i64);
        self.guard.end();
        match r {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::Entity {
                entity: id,
                message: "no live entity has this id".into(),
            }),
            Err(e) => Err(Error::Lua(lua_error_text(&e))),
        }
    }

    /// Calls the function `function` of the instance of `script` on the entity `id`, as
    /// `function(self, args...)`, under the time budget, and returns its first result
    /// (`()` or `Option` when it returns nothing). Arguments and the result are serde values
    /// (tables become maps or sequences).
    ///
    /// # Errors
    /// [`Error::Entity`] when the entity, its instance of `script` or the function is not
    /// there; [`Error::Script`] with the position when the function raises an error (the
    /// instance keeps running); [`Error::Lua`] when a value does not convert.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/shop.lua", "function init(self) self.gold = 10 end\nfunction buy(self, item, n) self.gold = self.gold - n return item .. ' x' .. n end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "shop", "scripts": ["scripts/shop.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("shop").unwrap();
    /// let got: String = rt.call(id, "scripts/shop.lua", "buy", &[serde_json::json!("potion"), serde_json::json!(4)])?;
    /// assert_eq!(got, "potion x4");
    /// assert_eq!(rt.instance_self(id, "scripts/shop.lua")?["gold"], 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn call<R: serde::de::DeserializeOwned>(
        &mut self,
        id: u64,
        script: &str,
        function: &str,
        args: &[serde_json::Value],
    ) -> Result<R> {
        let list = self.lua.create_table()?;
        for (i, a) in args.iter().enumerate() {
            list.raw_set(i + 1, self.lua.to_value_with(a, lua_ser_options())?)?;
        }
        list.raw_set("n", args.len())?;
        self.guard.begin(&self.mains);
        let r = self
            .calls
            .host_call
            .call::<(bool, Value)>((id as i64, script, function, list));
        self.guard.end();
        let (ok, out) = r.map_err(|e| Error::Lua(lua_error_text(&e)))?;
        if !ok {
            let raw = match out {
                Value::String(s) => s.to_string_lossy().to_string(),
                _ => "the call failed".into(),
            };
            if raw.starts_with("no live entity") || !raw.contains(".lua:") {
                return Err(Error::Entity {
                    entity: id,
                    message: raw,
                });
            }
            let (line, message) = split_position(script, &raw);
            return Err(Error::Script {
                path: script.to_string(),
                line,
                column: 0,
                message,
            });
        }
        let first = match out {
            Value::Table(t) => t.raw_get::<Value>(1)?,
            _ => Value::Nil,
        };
        self.lua
            .from_value(first)
            .map_err(|e| Error::Lua(format!("{script}: {function} returned {e}")))
    }

    /// The `self` fields of the instance of `script` on the entity `id`, as a JSON object
    /// (vectors as `[x, y, z]`, entity handles as their ids, functions left out).
    ///
    /// # Errors
    /// [`Error::Entity`] when the entity or its instance of `script` is not there.
    pub fn instance_self(&self, id: u64, script: &str) -> Result<serde_json::Value> {
        let (t, why) = self
            .calls
            .host_self
            .call::<(Option<Table>, Option<String>)>((id as i64, script))
            .map_err(|e| Error::Lua(lua_error_text(&e)))?;
        let Some(t) = t else {
            return Err(Error::Entity {
                entity: id,
                message: why.unwrap_or_default(),
            });
        };
        self.lua
            .from_value(Value::Table(t))
            .map_err(|e| Error::Lua(format!("{script}: self: {e}")))
    }

    /// Writes one `self` field of the instance of `script` on the entity `id`, between frames:
    /// the instance's next callback sees it. `value` is any serde value (maps become tables);
    /// an array of 3 (4) numbers written over a vec3 (quat) field becomes one, so what
    /// [`instance_self`](Self::instance_self) reads writes back unchanged. `None`/`null`
    /// clears the field.
    ///
    /// # Errors
    /// [`Error::Entity`] when the entity or its instance of `script` is not there, or for the
    /// field `entity` (the instance's own handle); [`Error::Lua`] when the value does not
    /// convert.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/shop.lua", "function init(self) self.gold = 10 end\nfunction buy(self, item, n) self.gold = self.gold - n return item .. ' x' .. n end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "shop", "scripts": ["scripts/shop.lua"]}]}"#),
    /// # ])?;
    /// let id = rt.find("shop").unwrap();
    /// rt.set_instance_field(id, "scripts/shop.lua", "gold", &100)?;
    /// assert_eq!(rt.instance_self(id, "scripts/shop.lua")?["gold"], 100);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_instance_field<T: serde::Serialize + ?Sized>(
        &mut self,
        id: u64,
        script: &str,
        field: &str,
        value: &T,
    ) -> Result<()> {
        let v = self.lua.to_value_with(value, lua_ser_options())?;
        let answer = self
            .calls
            .host_set_self
            .call::<(bool, Option<String>)>((id as i64, script, field, v));
        host_write_result(id, answer)
    }

    /// A component of the entity `id` by name, as JSON, as a script's `entity:get(name)` sees
    /// it: script components (plain Lua values, vectors as arrays), `Transform`, `Name` and
    /// host components alike. `None` when the entity has no such component.
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id.
    pub fn component_json(&self, id: u64, name: &str) -> Result<Option<serde_json::Value>> {
        if name == "Transform" {
            let sh = self.shared.borrow();
            let Some(&e) = sh.ids.get(&id) else {
                return Err(no_entity(id));
            };
            let t = sh.world.get::<&Transform>(e).ok().map(|t| *t);
            return Ok(t.map(|t| serde_json::to_value(t).unwrap_or_default()));
        }
        let (ok, v) = self
            .calls
            .host_get
            .call::<(bool, Value)>((id as i64, name))
            .map_err(|e| Error::Lua(lua_error_text(&e)))?;
        if !ok {
            return Err(no_entity(id));
        }
        if v.is_nil() {
            return Ok(None);
        }
        self.lua
            .from_value(v)
            .map(Some)
            .map_err(|e| Error::Lua(format!("{name}: {e}")))
    }

    /// Sets a component of the entity `id` by name from a serde value, between frames, as a
    /// script's `entity:set(name, value)` does (`None`/`null` removes it); scripts see it from
    /// the next phase on. Script components take any value; `Transform`, `Name` and host
    /// components must fit their Rust types. For a Rust type in hand,
    /// [`insert`](Self::insert) skips the conversion.
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id, or the value does not fit the
    /// component (the message says why, as a script's error would).
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scene.json", r#"{"entities": [{"name": "hero", "components": {"Bag": {"coins": 1}}}]}"#),
    /// # ])?;
    /// let hero = rt.find("hero").unwrap();
    /// rt.set_component_json(hero, "Bag", &serde_json::json!({ "coins": 5, "keys": ["red"] }))?;
    /// assert_eq!(rt.component_json(hero, "Bag")?.unwrap()["coins"], 5);
    /// rt.set_component_json(hero, "Bag", &serde_json::Value::Null)?; // removes it
    /// assert_eq!(rt.component_json(hero, "Bag")?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_component_json<T: serde::Serialize + ?Sized>(
        &mut self,
        id: u64,
        name: &str,
        value: &T,
    ) -> Result<()> {
        if name == "Transform" {
            let json = serde_json::to_value(value).map_err(|e| Error::Lua(e.to_string()))?;
            let t: Transform = serde_json::from_value(json).map_err(|e| Error::Entity {
                entity: id,
                message: format!("Transform: {e}"),
            })?;
            return self.insert(id, t);
        }
        let v = self.lua.to_value_with(value, lua_ser_options())?;
        let answer = self
            .calls
            .host_set
            .call::<(bool, Option<String>)>((id as i64, name, v));
        host_write_result(id, answer)
    }

    /// Sets a Rust-side component of the entity `id` between frames (`Transform`, `Name` or
    /// a host component registered in the [`Registry`]); scripts see it from the next phase
    /// on. Script components (plain Lua values) are not reached this way.
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id, or for a `Name` another entity holds.
    /// ```
    /// use crescent_runtime::{glam::DVec3, Transform};
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scene.json", r#"{"entities": [{"name": "box", "components": {"Transform": {}}}]}"#),
    /// # ])?;
    /// let id = rt.find("box").unwrap();
    /// rt.insert(id, Transform { position: DVec3::new(1.0, 2.0, 3.0), ..Transform::default() })?;
    /// let e = rt.entity(id).unwrap();
    /// assert_eq!(rt.world().get::<&Transform>(e)?.position.y, 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert<C: hecs::Component>(&mut self, id: u64, component: C) -> Result<()> {
        let mut sh = self.shared.borrow_mut();
        let Some(&e) = sh.ids.get(&id) else {
            return Err(Error::Entity {
                entity: id,
                message: "no live entity has this id".into(),
            });
        };
        if let Some(name) = (&component as &dyn std::any::Any).downcast_ref::<Name>() {
            if let Some(holder) = sh.find(&name.0).filter(|&h| h != id) {
                return Err(Error::Entity {
                    entity: holder,
                    message: format!(
                        "an entity named {:?} already exists; names are unique",
                        name.0
                    ),
                });
            }
            sh.names_stale = true;
        }
        sh.world
            .insert_one(e, component)
            .map_err(|_| Error::Entity {
                entity: id,
                message: "no live entity has this id".into(),
            })
    }

    /// Takes a Rust-side component off the entity `id` between frames; `None` when it had
    /// none.
    ///
    /// # Errors
    /// [`Error::Entity`] when no live entity has that id.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// use crescent_runtime::Transform;
    /// let id = rt.find("c").unwrap();
    /// assert!(rt.remove::<Transform>(id)?.is_some());
    /// assert!(rt.remove::<Transform>(id)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove<C: hecs::Component>(&mut self, id: u64) -> Result<Option<C>> {
        let mut sh = self.shared.borrow_mut();
        let Some(&e) = sh.ids.get(&id) else {
            return Err(Error::Entity {
                entity: id,
                message: "no live entity has this id".into(),
            });
        };
        if std::any::TypeId::of::<C>() == std::any::TypeId::of::<Name>() {
            sh.names_stale = true;
        }
        Ok(sh.world.remove_one::<C>(e).ok())
    }

    /// Spawns one scene entry; the id.
    fn spawn_def(&mut self, def: &crate::EntityDef) -> Result<u64> {
        let (id, e) = self.shared.borrow_mut().spawn();
        let comps = self.lua.create_table()?;
        {
            let mut sh = self.shared.borrow_mut();
            let sh = &mut *sh;
            if let Some(name) = &def.name {
                let _ = sh.world.insert_one(e, Name(name.clone()));
            }
            // A scene can name entities through its components too.
            sh.names_stale = true;
            for (name, value) in &def.components {
                match sh.comps.get(name) {
                    Some(ops) => (ops.from_json)(&mut sh.world, e, value).map_err(|message| {
                        Error::Component {
                            entity: id,
                            name: name.clone(),
                            message,
                        }
                    })?,
                    None => {
                        let v = self.lua.to_value_with(value, lua_ser_options())?;
                        comps.raw_set(name.as_str(), v)?;
                    }
                }
            }
        }
        let scripts = self.lua.create_table()?;
        for (i, s) in def.scripts.iter().enumerate() {
            let t = self.lua.create_table()?;
            t.raw_set("path", s.path.as_str())?;
            t.raw_set("order", s.order)?;
            let props = self.lua.to_value_with(
                &serde_json::Value::Object(s.properties.clone()),
                lua_ser_options(),
            )?;
            t.raw_set("properties", props)?;
            scripts.raw_set(i + 1, t)?;
        }
        self.guard.begin(&self.mains);
        let r = self
            .calls
            .adopt
            .call::<()>((id as i64, e.to_bits().get() as i64, comps, scripts));
        self.guard.end();
        if let Err(err) = r {
            return Err(self.script_error_from(err));
        }
        Ok(id)
    }

    fn script_error_from(&self, err: mlua::Error) -> Error {
        let raw = lua_error_text(&err);
        // "scripts/x.lua:3: message" (syntax or runtime)
        let path = raw
            .split(".lua:")
            .next()
            .filter(|p| p.starts_with("scripts/"))
            .map(|p| format!("{p}.lua"));
        match path {
            Some(path) => {
                let source = host::read_script(&self.shared.borrow(), &path).unwrap_or_default();
                let ce = parse_lua_error(&path, &raw, &String::from_utf8_lossy(&source));
                Error::Script {
                    path,
                    line: ce.line,
                    column: ce.column,
                    message: ce.message,
                }
            }
            None => Error::Script {
                path: String::new(),
                line: 0,
                column: 0,
                message: raw,
            },
        }
    }

    /// The input scripts will see from the next frame on: write it between frames (from the
    /// window's events, or an [`InputTrack`](crate::InputTrack)).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("scene.json"), r#"{"entities": []}"#).unwrap();
    /// # let mut rt = crescent_runtime::Runtime::new(dir.path(), Default::default(),
    /// #     crescent_runtime::Registry::new()).unwrap();
    /// rt.input_mut().press("jump");
    /// rt.input_mut().set_axis("move_x", 0.5);
    /// rt.frame(1.0 / 60.0); // scripts see input.pressed("jump") and input.axis("move_x") == 0.5
    /// ```
    pub fn input_mut(&mut self) -> &mut Input {
        &mut self.input
    }

    /// The input as the host last set it.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// Hands scripts this frame's input, when it differs from what they have.
    fn deliver_input(&mut self) {
        let Some(snap) = self.input.snapshot() else {
            return;
        };
        let lua = &self.lua;
        let r = (|| -> mlua::Result<()> {
            let list =
                |set: &BTreeSet<String>| lua.create_sequence_from(set.iter().map(|s| s.as_str()));
            let axes = lua.create_table_from(snap.axes.iter().map(|(k, v)| (k.as_str(), *v)))?;
            self.calls.set_input.call::<()>((
                list(snap.held)?,
                list(snap.pressed)?,
                list(snap.released)?,
                axes,
                snap.pointer.0,
                snap.pointer.1,
            ))
        })();
        if let Err(e) = r {
            tracing::error!(target: "crescent::engine", "input: {}", lua_error_text(&e));
        }
        self.input.delivered();
    }

    /// Turns tracing on or off: while on, every frame records a slice for itself, each phase
    /// and each script callback of `fixed_update` and `update` ([`take_trace`](Self::take_trace)
    /// hands them over). While on, the garbage collector runs as a `gc` phase at the end of
    /// each frame instead of inside the callbacks that allocate (`docs/profiling.md`). Off,
    /// nothing is recorded, collection is automatic again, and frames cost what they did.
    ///
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/s.lua", "function update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/s.lua"]}]}"#),
    /// # ])?;
    /// rt.set_tracing(true);
    /// rt.frame(1.0 / 60.0);
    /// let slices = rt.take_trace();
    /// assert!(slices.iter().any(|s| s.frame));
    /// assert!(slices.iter().any(|s| s.script == Some(("scripts/s.lua".into(), 1))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_tracing(&mut self, on: bool) {
        if let Err(e) = self.calls.set_tracing.call::<()>(on) {
            tracing::error!(target: "crescent::engine", "tracing: {}", lua_error_text(&e));
            return;
        }
        self.trace = on.then(Vec::new);
        match (on, self.gc.take()) {
            (true, None) => self.gc = Some(crate::gc::FramePacer::start(&self.lua)),
            (true, kept) => self.gc = kept,
            (false, Some(pacer)) => pacer.stop(&self.lua),
            (false, None) => {}
        }
    }

    /// Whether tracing is on ([`Runtime::set_tracing`]).
    pub fn is_tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Attaches a debugger: from now on the game answers the requests `link` brings
    /// (breakpoints, pause, steps, the stopped stack and its variables; see
    /// `docs/debugging.md`) and stops where they say. The dev channel makes the link
    /// `crescent dap` uses ([`crate::DevChannel::debug_link`]); requests are served between
    /// frames, in [`Runtime::frame`] and [`Runtime::debug_service`], and while stopped.
    ///
    /// # Errors
    /// The debugger's Lua side could not be set up.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self)\n  self.n = (self.n or 0) + 1\nend"),
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/c.lua"]}]}"#),
    /// # ])?;
    /// use crescent_runtime::api::dev::{DebugRequest, FromGame};
    /// use crescent_runtime::{DebugIncoming, DebugLink};
    /// let (to_game, incoming) = std::sync::mpsc::channel();
    /// let (to_tool, replies) = std::sync::mpsc::channel();
    /// rt.attach_debugger(DebugLink::new(incoming, move |_client, m: &FromGame| {
    ///     let _ = to_tool.send(m.clone());
    /// }))?;
    /// let request = DebugRequest::Attach { break_on_errors: true };
    /// to_game.send(DebugIncoming::Request { client: 1, id: 1, request })?;
    /// rt.debug_service();
    /// assert!(matches!(replies.try_recv()?, FromGame::DebugReply { id: 1, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attach_debugger(&mut self, link: crate::debug::DebugLink) -> Result<()> {
        let dbg_lib: Table = {
            // SAFETY: luaopen_debug builds and returns the debug library's table; nothing is
            // registered in the globals, so scripts still have no `debug`.
            unsafe {
                self.lua.exec_raw((), |l| {
                    ffi::lua_pushcfunction(l, ffi::luaopen_debug);
                    ffi::lua_call(l, 0, 1);
                })?
            }
        };
        let s_dbg: Table = self.calls.debug.0.clone();
        let helper: Table = self
            .lua
            .load(crate::debug::INSPECT)
            .set_name("=crescent/debug.lua")
            .set_mode(mlua::chunk::ChunkMode::Text)
            .call((
                dbg_lib.get::<Function>("getmetatable")?,
                dbg_lib.get::<Function>("getinfo")?,
                self.calls.env_of.clone(),
                self.calls.debug.1.clone(),
            ))?;
        // SAFETY: stack-balanced registry references on the calling state.
        let (helper_ref, dbg_ref): (i64, i64) = unsafe {
            self.lua.exec_raw((helper, s_dbg), |l| {
                let d = ffi::luaL_ref(l, ffi::LUA_REGISTRYINDEX);
                let h = ffi::luaL_ref(l, ffi::LUA_REGISTRYINDEX);
                ffi::lua_pushinteger(l, h as ffi::lua_Integer);
                ffi::lua_pushinteger(l, d as ffi::lua_Integer);
            })?
        };
        let root = self.shared.borrow().root.clone();
        let cell = Box::new(RefCell::new(crate::debug::Debugger::new(
            link,
            root,
            helper_ref as std::ffi::c_int,
            dbg_ref as std::ffi::c_int,
            self.guard.clone(),
            self.shared.clone(),
        )));
        self.guard.set_debugger(&*cell);
        self.debugger = Some(cell);
        Ok(())
    }

    /// Serves the attached debugger's requests that arrived (never blocks unless one stops
    /// the game, as a pause between frames does). [`Runtime::frame`] calls it; a host that
    /// waits between frames, or before the first for `--wait-for-debugger`, calls it too.
    pub fn debug_service(&mut self) {
        if let Some(d) = &self.debugger {
            let l = self.main_state();
            // SAFETY: the main state, idle between calls, on this thread.
            unsafe { d.borrow_mut().service(l) };
        }
    }

    /// Whether the attached debugger has sent `ready` (its breakpoints are set), or none is
    /// attached.
    pub fn debugger_ready(&self) -> bool {
        self.debugger.as_ref().is_none_or(|d| d.borrow().ready())
    }

    /// Wall time the game spent stopped in the debugger since the last call: a host that
    /// measures frame times takes it out, so a stop does not turn into a jump in game time.
    pub fn take_stopped_time(&mut self) -> Duration {
        self.debugger
            .as_ref()
            .map_or(Duration::ZERO, |d| d.borrow_mut().take_stopped_time())
    }

    /// The prelude's inspector functions (`dev/inspect.rs`): the script paths per entity,
    /// and an entity's script components.
    pub(crate) fn inspect_fns(&self) -> (&Function, &Function) {
        (&self.calls.inspect_scripts, &self.calls.inspect_components)
    }

    /// The ids of every live entity, in order.
    pub(crate) fn entity_ids(&self) -> Vec<u64> {
        self.shared.borrow().ids.keys().copied().collect()
    }

    fn main_state(&self) -> *mut ffi::lua_State {
        self.mains.last().copied().unwrap_or_default() as *mut ffi::lua_State
    }

    /// The slices recorded since the last call, in the order they ended (a callback before
    /// its phase, a phase before its frame); empty when tracing is off.
    pub fn take_trace(&mut self) -> Vec<TraceSlice> {
        self.trace.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Moves what the prelude recorded during the frame into `self.trace`.
    fn collect_trace(&mut self, frame_start: f64) {
        if self.trace.is_none() {
            return;
        }
        let gc = self.gc_phase();
        let end = host::clock();
        let taken = self.calls.take_trace.call::<(Table, i64, Table)>(());
        let mut slices = Vec::new();
        if let Ok((list, n, names)) = taken {
            let n = n.max(0) as usize;
            // Five numbers a slice (start, end, name index, script index, entity), read
            // straight off the table: an mlua call per value cost more than the callbacks.
            let mut raw = vec![0.0f64; n * 5];
            let known = self.trace_names.len();
            let mut fresh: Vec<std::sync::Arc<str>> = Vec::new();
            // SAFETY: reads numbers and strings of the two tables pushed as arguments; the
            // stack is left as found.
            let read = unsafe {
                self.lua.exec_raw::<()>((list, names), |l| {
                    for (k, slot) in raw.iter_mut().enumerate() {
                        ffi::lua_rawgeti(l, 1, k as ffi::lua_Integer + 1);
                        *slot = ffi::lua_tonumberx(l, -1, std::ptr::null_mut());
                        ffi::lua_settop(l, -2);
                    }
                    let total = ffi::lua_rawlen(l, 2);
                    for k in known..total {
                        ffi::lua_rawgeti(l, 2, k as ffi::lua_Integer + 1);
                        let mut len = 0usize;
                        let p = ffi::lua_tolstring(l, -1, &mut len);
                        let text = if p.is_null() {
                            String::new()
                        } else {
                            let bytes = std::slice::from_raw_parts(p as *const u8, len);
                            String::from_utf8_lossy(bytes).into_owned()
                        };
                        fresh.push(text.into());
                        ffi::lua_settop(l, -2);
                    }
                    ffi::lua_settop(l, 0);
                })
            };
            if read.is_ok() {
                self.trace_names.extend(fresh);
                let name_of = |i: f64| -> Option<std::sync::Arc<str>> {
                    let i = i as usize;
                    (i >= 1)
                        .then(|| self.trace_names.get(i - 1).cloned())
                        .flatten()
                };
                slices.reserve(n + 1);
                for s in raw.chunks_exact(5) {
                    let (t0, t1) = (s[0], s[1]);
                    slices.push(TraceSlice {
                        name: name_of(s[2]).unwrap_or_else(|| "?".into()),
                        start: t0,
                        duration: (t1 - t0).max(0.0),
                        script: name_of(s[3]).map(|path| (path, s[4] as u64)),
                        frame: false,
                        collected: None,
                    });
                }
            }
        }
        slices.extend(gc);
        slices.push(TraceSlice {
            name: format!("frame {}", self.frames).into(),
            start: frame_start,
            duration: (end - frame_start).max(0.0),
            script: None,
            frame: true,
            collected: None,
        });
        if let Some(trace) = self.trace.as_mut() {
            trace.extend(slices);
        }
    }

    /// The collector's end-of-frame step while tracing, as a `gc` slice (`gc.rs`); `None`
    /// when the frame added nothing to collect.
    fn gc_phase(&mut self) -> Option<TraceSlice> {
        let pacer = self.gc.as_mut()?;
        let start = host::clock();
        let step = pacer.step(&self.lua)?;
        Some(TraceSlice {
            name: "gc".into(),
            start,
            duration: (host::clock() - start).max(0.0),
            script: None,
            frame: false,
            collected: Some((step.before, step.after)),
        })
    }

    /// Runs one whole frame: inits of new instances, fixed steps (each followed by event
    /// delivery), update, tasks, events, with despawns at the end of each phase. Never fails:
    /// script errors fault their instance and are reported as events.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// rt.frame(1.0 / 60.0);
    /// assert_eq!(rt.report().frames, 2); // `world` ran one frame already
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn frame(&mut self, dt: f64) {
        if self.shut_down {
            return;
        }
        let start = Instant::now();
        let traced_from = self.trace.is_some().then(host::clock);
        let dt = if dt.is_finite() && dt > 0.0 { dt } else { 0.0 };
        let fixed_dt = 1.0 / fixed_hz(&self.config);
        self.accumulator += dt;
        let mut steps: u32 = 0;
        while self.accumulator + 1e-9 >= fixed_dt && steps < self.config.max_fixed_steps {
            self.accumulator -= fixed_dt;
            steps += 1;
        }
        if self.accumulator >= fixed_dt {
            // Spiral-of-death guard: drop what could not be simulated.
            self.accumulator %= fixed_dt;
        }
        if self.accumulator < 0.0 {
            self.accumulator = 0.0;
        }
        self.deliver_input();
        self.debug_service();
        self.guard.begin(&self.mains);
        let r =
            self.calls
                .frame
                .call::<()>((dt, steps, fixed_dt, self.config.event_pass_limit.max(1)));
        self.guard.end();
        if let Some(d) = &self.debugger {
            // SAFETY: the main state, idle between calls, on this thread.
            unsafe { d.borrow_mut().after_frame(self.main_state()) };
        }
        if let Err(e) = r {
            let message = format!("frame {}: {}", self.frames, lua_error_text(&e));
            tracing::error!(target: "crescent::engine", "{message}");
            self.shared.borrow_mut().events.push(Event::Log {
                level: "error".into(),
                message,
                path: String::new(),
                line: 0,
            });
            let _ = self.lua.gc_collect();
        }
        if let Some(from) = traced_from {
            self.collect_trace(from);
        }
        self.frames += 1;
        self.frame_ms = start.elapsed().as_secs_f64() * 1000.0;
        self.window.0 += 1;
        self.window.1 += self.frame_ms;
        self.window.2 = self.window.2.max(self.frame_ms);
    }

    /// Re-reads a script (or module) from disk and swaps its code in; see
    /// [`Runtime::reload_script_source`].
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// // The file did not change: nothing to do.
    /// assert!(matches!(rt.reload_script("scripts/c.lua"), crescent_runtime::ReloadOutcome::Unchanged));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reload_script(&mut self, path: &str) -> ReloadOutcome {
        let root = self.shared.borrow().root.clone();
        let file = match crate::paths::script(&root, path) {
            Ok(f) => f,
            Err(_) => {
                self.shared.borrow_mut().events.push(Event::Log {
                    level: "warn".into(),
                    message: format!("{path} is gone; the old code keeps running"),
                    path: path.to_string(),
                    line: 0,
                });
                return ReloadOutcome::Missing;
            }
        };
        match std::fs::read(&file) {
            Ok(src) => self.reload_script_bytes(path, &src),
            Err(_) => ReloadOutcome::Missing,
        }
    }

    /// Swaps a script's code for `source`: `self` tables are kept, the top level runs again in
    /// the script's environment, callbacks are swapped, faulted instances run again and
    /// `on_reload` is called. For a module, the module runs again and every script that
    /// requires it (transitively) is reloaded so it sees the new value.
    /// ```
    /// use crescent_runtime::ReloadOutcome;
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/n.lua", "function update(self) self.n = (self.n or 0) + 1 end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "scripts": ["scripts/n.lua"]}]}"#),
    /// # ])?;
    /// let outcome = rt.reload_script_source("scripts/n.lua", "function update(self) self.n = self.n + 10 end");
    /// assert!(matches!(outcome, ReloadOutcome::Reloaded { .. }));
    /// rt.frame(1.0 / 60.0);
    /// // The instance kept its state and runs the new code: 1 from the first frame, then + 10.
    /// assert_eq!(rt.instance_self(rt.find("c").unwrap(), "scripts/n.lua")?["n"], 11);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reload_script_source(&mut self, path: &str, source: &str) -> ReloadOutcome {
        self.reload_script_bytes(path, source.as_bytes())
    }

    /// [`Runtime::reload_script_source`] for a source given as bytes: Lua takes any bytes (a
    /// script's string literals may hold Latin-1 text or binary data), so a script need not be
    /// UTF-8.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let outcome = rt.reload_script_bytes("scripts/c.lua", b"function update(self) end");
    /// assert!(matches!(outcome, crescent_runtime::ReloadOutcome::Reloaded { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reload_script_bytes(&mut self, path: &str, source: &[u8]) -> ReloadOutcome {
        let path = match crate::scene::normalize_script_path(path) {
            Ok(p) => p,
            Err(m) => {
                return self.reload_failed(path, 0, 0, format!("invalid script path: {m}"));
            }
        };
        let start = Instant::now();
        let hash = fnv1a(source);
        if self.shared.borrow().sources.get(&path) == Some(&hash) {
            return ReloadOutcome::Unchanged;
        }
        let env: Option<Table> = match self.calls.env_of.call(path.as_str()) {
            Ok(e) => e,
            Err(e) => return self.reload_failed(&path, 0, 0, lua_error_text(&e)),
        };
        let Some(env) = env else {
            // Not loaded yet: remember the source for when it is.
            if let Some(ce) = crate::compile_check(&path, source) {
                return self.reload_failed(&path, ce.line, ce.column, ce.message);
            }
            let mut sh = self.shared.borrow_mut();
            sh.overrides.insert(path.clone(), source.to_vec());
            return ReloadOutcome::Reloaded { instances: 0 };
        };
        let f = match host::compile(&self.lua, &path, source, env) {
            Ok(f) => f,
            Err(raw) => {
                let ce = parse_lua_error(&path, &raw, &String::from_utf8_lossy(source));
                return self.reload_failed(&path, ce.line, ce.column, ce.message);
            }
        };
        let (old_override, old_hash) = {
            let mut sh = self.shared.borrow_mut();
            (
                sh.overrides.insert(path.clone(), source.to_vec()),
                sh.sources.insert(path.clone(), hash),
            )
        };
        self.guard.begin(&self.mains);
        let r: mlua::Result<(bool, Value)> = self.calls.reload.call((path.as_str(), f));
        self.guard.end();
        let mut instances = match r {
            Ok((true, Value::Integer(n))) => n as usize,
            Ok((true, _)) => 0,
            Ok((false, msg)) => {
                let raw = match msg {
                    Value::String(s) => s.to_string_lossy().to_string(),
                    _ => "reload failed".into(),
                };
                // The old code keeps running: remember it as what runs, so saving the same
                // broken text again is retried rather than reported as unchanged.
                let mut sh = self.shared.borrow_mut();
                match old_override {
                    Some(o) => sh.overrides.insert(path.clone(), o),
                    None => sh.overrides.remove(&path),
                };
                match old_hash {
                    Some(h) => sh.sources.insert(path.clone(), h),
                    None => sh.sources.remove(&path),
                };
                drop(sh);
                let (line, message) = split_position(&path, &raw);
                return self.reload_failed(&path, line, 0, message);
            }
            Err(e) => return self.reload_failed(&path, 0, 0, lua_error_text(&e)),
        };
        // A module: re-run the scripts (and modules) that depend on it.
        for dep in self.dependents(&path) {
            let src = host::read_script(&self.shared.borrow(), &dep);
            let Ok(src) = src else { continue };
            let env: Option<Table> = self.calls.env_of.call(dep.as_str()).ok().flatten();
            let Some(env) = env else { continue };
            let Ok(f) = host::compile(&self.lua, &dep, &src, env) else {
                continue;
            };
            self.guard.begin(&self.mains);
            let r: mlua::Result<(bool, Value)> = self.calls.reload.call((dep.as_str(), f));
            self.guard.end();
            if let Ok((true, Value::Integer(n))) = r {
                instances += n as usize;
            }
        }
        if let Some(d) = &self.debugger {
            // SAFETY: the main state, idle between calls, on this thread.
            unsafe { d.borrow_mut().reloaded(self.main_state(), &path, source) };
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        self.shared.borrow_mut().events.push(Event::Reloaded {
            path: path.clone(),
            ms,
            instances,
        });
        ReloadOutcome::Reloaded { instances }
    }

    fn reload_failed(
        &mut self,
        path: &str,
        line: u32,
        column: u32,
        message: String,
    ) -> ReloadOutcome {
        self.shared.borrow_mut().events.push(Event::ReloadFailed {
            path: path.to_string(),
            line,
            column,
            message: message.clone(),
        });
        ReloadOutcome::Failed {
            line,
            column,
            message,
        }
    }

    /// Every loaded script and module (project-relative paths, sorted).
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// assert!(rt.script_paths().contains(&"scripts/c.lua".to_string()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn script_paths(&self) -> Vec<String> {
        self.shared.borrow().sources.keys().cloned().collect()
    }

    /// The scripts and modules that require `module_path`, directly or through other modules.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// assert_eq!(rt.dependents("scripts/lib/m.lua"), ["scripts/u.lua"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dependents(&self, module_path: &str) -> Vec<String> {
        let sh = self.shared.borrow();
        let mut out: BTreeSet<String> = BTreeSet::new();
        let mut todo = vec![module_path.to_string()];
        while let Some(m) = todo.pop() {
            for (from, tos) in &sh.deps {
                if tos.contains(&m) && from != module_path && out.insert(from.clone()) {
                    todo.push(from.clone());
                }
            }
        }
        out.into_iter().collect()
    }

    /// Everything that happened since the last drain, in order.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let logs: Vec<String> = rt
    ///     .drain_events()
    ///     .into_iter()
    ///     .filter_map(|e| match e {
    ///         crescent_runtime::Event::Log { message, .. } => Some(message),
    ///         _ => None,
    ///     })
    ///     .collect();
    /// assert_eq!(logs, ["n 1"]);
    /// assert!(rt.drain_events().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.shared.borrow_mut().events)
    }

    /// A stable 64-bit hash (FNV-1a) of the whole world: frame count, every entity in id order
    /// with every component (floats by bits, tables with sorted keys), every instance's `self`.
    /// ```
    /// # let files = [
    /// #     ("scripts/r.lua", "function update(self) self.x = math.random(100) end"),
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/r.lua"]}]}"#),
    /// # ];
    /// let (_a, a) = crescent_runtime::doc_support::world(&files)?;
    /// let (_b, b) = crescent_runtime::doc_support::world(&files)?;
    /// assert_eq!(a.world_hash(), b.world_hash()); // same project, same frames: same world
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn world_hash(&self) -> u64 {
        let mut out: Vec<u8> = Vec::with_capacity(4096);
        out.extend_from_slice(&self.frames.to_le_bytes());
        let view: mlua::Result<(Table, Table, Table, i64, Function)> =
            self.calls.hash_view.call(());
        let Ok((stores, selves, hid, _, unpack)) = view else {
            return fnv1a(&out);
        };
        let canon = Canon {
            hid: &hid,
            unpack: &unpack,
        };
        let mut store_names: Vec<String> = stores
            .pairs::<String, Table>()
            .filter_map(|p| p.ok().map(|(k, _)| k))
            .collect();
        store_names.sort();
        {
            let sh = self.shared.borrow();
            for (&id, &e) in &sh.ids {
                out.push(b'E');
                out.extend_from_slice(&id.to_le_bytes());
                for (name, ops) in &sh.comps {
                    if let Some(v) = (ops.to_json)(&sh.world, e) {
                        out.push(b'C');
                        canon_str(&mut out, name);
                        canon_json(&mut out, &v);
                    }
                }
                for name in &store_names {
                    let Ok(store) = stores.raw_get::<Table>(name.as_str()) else {
                        continue;
                    };
                    let v: Value = store.raw_get(id as i64).unwrap_or(Value::Nil);
                    if !v.is_nil() {
                        out.push(b'S');
                        canon_str(&mut out, name);
                        canon.value(&mut out, &v, &mut HashSet::new());
                    }
                }
            }
        }
        for entry in selves.sequence_values::<Table>().flatten() {
            let path: String = entry.raw_get(1).unwrap_or_default();
            let entity: i64 = entry.raw_get(2).unwrap_or(0);
            let this: Value = entry.raw_get(3).unwrap_or(Value::Nil);
            out.push(b'I');
            canon_str(&mut out, &path);
            out.extend_from_slice(&entity.to_le_bytes());
            canon.value(&mut out, &this, &mut HashSet::new());
        }
        fnv1a(&out)
    }

    /// The `--report json` shape: frames, entities, world hash and every instance.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let report = rt.report();
    /// assert_eq!(report.frames, 1);
    /// assert_eq!(report.scripts[0].calls["update"], 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report(&self) -> Report {
        let mut scripts = Vec::new();
        if let Ok(list) = self.calls.report.call::<Table>(()) {
            for t in list.sequence_values::<Table>().flatten() {
                let calls_t: Option<Table> = t.get("calls").ok();
                let mut calls = BTreeMap::new();
                if let Some(c) = calls_t {
                    for name in [
                        "init",
                        "update",
                        "fixed_update",
                        "on_event",
                        "on_reload",
                        "destroy",
                    ] {
                        calls.insert(name.to_string(), c.get::<u64>(name).unwrap_or(0));
                    }
                }
                let mut errors = Vec::new();
                if let Ok(errs) = t.get::<Table>("errors") {
                    for e in errs.sequence_values::<Table>().flatten() {
                        let frames = crate::fault::frames(e.get("frames").ok());
                        errors.push(ErrorReport {
                            phase: e.get("phase").unwrap_or_default(),
                            path: crate::fault::text(&e, "path"),
                            line: e.get("line").unwrap_or(0),
                            column: e.get("column").unwrap_or(0),
                            message: crate::fault::text(&e, "message"),
                            traceback: crate::fault::traceback(&frames),
                            frames,
                        });
                    }
                }
                let faulted: bool = t.get("faulted").unwrap_or(false);
                let despawned: bool = t.get("despawned").unwrap_or(false);
                let status = match (despawned, faulted) {
                    (true, _) => "despawned",
                    (false, true) => "faulted",
                    (false, false) => "running",
                };
                scripts.push(ScriptReport {
                    path: t.get("path").unwrap_or_default(),
                    entity: t.get::<i64>("entity").unwrap_or(0) as u64,
                    status: status.into(),
                    calls,
                    errors,
                    time_ms: t.get("time_ms").unwrap_or(0.0),
                    alloc_kib: t.get("alloc_kib").unwrap_or(0.0),
                });
            }
        }
        Report {
            frames: self.frames,
            entities: self.shared.borrow().ids.len(),
            world_hash: format!("{:016x}", self.world_hash()),
            scripts,
        }
    }

    /// Counters for a live status line.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// assert_eq!(rt.stats().faulted, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stats(&self) -> Stats {
        let (scripts, faulted): (usize, usize) = self.calls.counts.call(()).unwrap_or((0, 0));
        Stats {
            frames: self.frames,
            entities: self.shared.borrow().ids.len(),
            scripts,
            faulted,
            frame_ms: self.frame_ms,
        }
    }

    /// A live sample for tools (the dev channel's `stats`): the frames since the previous
    /// call (their mean and longest wall time), counts, the Lua state's memory, and per script
    /// its live instances with their cumulative calls and time. Costs one pass over the
    /// instances; `crescent run` takes one at most ten times a second, and only while a tool
    /// has subscribed.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 end"),
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/c.lua"]}, {"scripts": ["scripts/c.lua"]}]}"#),
    /// # ])?;
    /// rt.frame(1.0 / 60.0);
    /// let stats = rt.live_stats();
    /// assert_eq!(stats.frames, 2); // `world` ran one frame already
    /// assert_eq!(stats.scripts[0].path, "scripts/c.lua");
    /// assert_eq!(stats.scripts[0].instances, 2);
    /// assert_eq!(stats.scripts[0].calls["update"], 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn live_stats(&mut self) -> crate::api::dev::GameStats {
        let (frames, sum, max) = std::mem::take(&mut self.window);
        let counts = self.stats();
        let mut scripts = Vec::new();
        let mut errors = 0;
        if let Ok((list, n)) = self.calls.script_stats.call::<(Table, u64)>(()) {
            errors = n;
            for t in list.sequence_values::<Table>().flatten() {
                let calls = t
                    .get::<Table>("calls")
                    .map(|c| {
                        c.pairs::<String, u64>()
                            .flatten()
                            .collect::<BTreeMap<String, u64>>()
                    })
                    .unwrap_or_default();
                scripts.push(crate::api::dev::ScriptStats {
                    path: t.get("path").unwrap_or_default(),
                    instances: t.get("instances").unwrap_or(0),
                    calls,
                    ms: t.get::<f64>("time").unwrap_or(0.0) * 1000.0,
                    alloc_kib: t.get::<f64>("alloc").unwrap_or(0.0) / 1024.0,
                });
            }
        }
        crate::api::dev::GameStats {
            frame: self.frames,
            frames,
            frame_ms: if frames > 0 { sum / frames as f64 } else { 0.0 },
            frame_ms_max: max,
            entities: counts.entities,
            instances: counts.scripts,
            faulted: counts.faulted,
            lua_kib: self.lua.used_memory() as f64 / 1024.0,
            errors,
            scripts,
        }
    }

    /// Runs every instance's `destroy` (in phase order) and stops tasks; later frames do
    /// nothing. Calling it again does nothing.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// rt.shutdown(); // destroy callbacks run; later frames do nothing
    /// rt.frame(1.0 / 60.0);
    /// assert_eq!(rt.report().frames, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown(&mut self) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        self.guard.begin(&self.mains);
        let r = self.calls.shutdown.call::<()>(());
        self.guard.end();
        if let Err(e) = r {
            tracing::error!(target: "crescent::engine", "shutdown: {}", lua_error_text(&e));
        }
    }

    /// Writes the API description to `.crescent/api.json` in the project (for the language
    /// server) and returns the file's path.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder or file cannot be written.
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// let path = rt.write_api_json()?;
    /// assert!(path.ends_with(".crescent/api.json"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_api_json(&self) -> Result<PathBuf> {
        let dir = self.shared.borrow().root.join(".crescent");
        std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
            path: dir.clone(),
            message: e.to_string(),
        })?;
        let file = dir.join("api.json");
        std::fs::write(&file, self.api.to_json()).map_err(|e| Error::Io {
            path: file.clone(),
            message: e.to_string(),
        })?;
        Ok(file)
    }

    /// Every name a script environment offers: globals, `namespace.function` for engine
    /// namespaces and `Type:method` for engine types (used to check nothing undescribed is bound).
    /// ```
    /// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
    /// #     ("scripts/c.lua", "function update(self) self.n = (self.n or 0) + 1 log.info('n ' .. self.n) end"),
    /// #     ("scripts/lib/m.lua", "return { k = 1 }"),
    /// #     ("scripts/u.lua", "local m = require('lib.m')\nfunction update(self) end"),
    /// #     ("scene.json", r#"{"entities": [{"name": "c", "components": {"Transform": {}}, "scripts": ["scripts/c.lua", "scripts/u.lua"]}]}"#),
    /// # ])?;
    /// assert!(rt.script_environment_names().contains(&"world".to_string()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn script_environment_names(&self) -> Vec<String> {
        let f: mlua::Result<Function> = self
            .calls
            .env_names
            .clone()
            .ok_or(mlua::Error::runtime("no env_names"));
        f.and_then(|f| f.call(())).unwrap_or_default()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // The hook must not reach the debugger once its box is gone (a clone of the `Lua`
        // may still run code).
        self.guard.set_debugger(std::ptr::null());
        // SAFETY: `self.lua` keeps the state open; a clone of the `Lua` may outlive this
        // Runtime, and goes on without the world's limit.
        unsafe { crate::memory::release(self.limiter) };
        self.guard.shutdown();
        if let Some(w) = self.watchdog.take() {
            w.thread().unpark();
            let _ = w.join();
        }
    }
}

fn fixed_hz(config: &Config) -> f64 {
    if config.fixed_hz.is_finite() && config.fixed_hz > 0.0 {
        config.fixed_hz
    } else {
        60.0
    }
}

/// The text of a Lua error without mlua's decorations.
pub(crate) fn lua_error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::RuntimeError(m) => match m.find("\nstack traceback:") {
            Some(i) => m[..i].to_string(),
            None => m.clone(),
        },
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::CallbackError { cause, .. } => lua_error_text(cause),
        mlua::Error::MemoryError(m) => format!("not enough memory ({m})"),
        other => other.to_string(),
    }
}

fn canon_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn canon_json(out: &mut Vec<u8>, v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => out.push(b'n'),
        serde_json::Value::Bool(b) => out.extend_from_slice(if *b { b"t" } else { b"f" }),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push(b'i');
                out.extend_from_slice(&i.to_le_bytes());
            } else {
                out.push(b'd');
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_bits().to_le_bytes());
            }
        }
        serde_json::Value::String(s) => {
            out.push(b's');
            canon_str(out, s);
        }
        serde_json::Value::Array(a) => {
            out.push(b'[');
            for x in a {
                canon_json(out, x);
            }
            out.push(b']');
        }
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            out.push(b'{');
            for k in keys {
                canon_str(out, k);
                canon_json(out, &o[k]);
            }
            out.push(b'}');
        }
    }
}

/// What the world hash needs to read Lua values canonically: the handle -> id map and the
/// prelude's `unpack` of vectors (userdata whose numbers Rust cannot see otherwise).
struct Canon<'a> {
    hid: &'a Table,
    unpack: &'a Function,
}

impl Canon<'_> {
    /// The entity id of a handle.
    fn handle_id(&self, v: &Value) -> Option<i64> {
        self.hid.raw_get::<Option<i64>>(v).ok().flatten()
    }

    fn key_bytes(&self, v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        self.value(&mut out, v, &mut HashSet::new());
        out
    }

    /// Canonical bytes of a Lua value: tables by sorted keys, cycles marked, vectors by their
    /// numbers, functions and threads by kind only, entity handles by id.
    fn value(&self, out: &mut Vec<u8>, v: &Value, seen: &mut HashSet<usize>) {
        match v {
            Value::Nil => out.push(b'n'),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"t" } else { b"f" }),
            Value::Integer(i) => {
                out.push(b'i');
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Number(n) => {
                out.push(b'd');
                out.extend_from_slice(&n.to_bits().to_le_bytes());
            }
            Value::String(s) => {
                out.push(b's');
                let b = s.as_bytes();
                out.extend_from_slice(&(b.len() as u64).to_le_bytes());
                out.extend_from_slice(&b);
            }
            Value::Table(t) => {
                let p = t.to_pointer() as usize;
                if !seen.insert(p) {
                    out.push(b'c');
                    return;
                }
                let mut entries: Vec<(Vec<u8>, Value)> = Vec::new();
                for (k, x) in t.pairs::<Value, Value>().flatten() {
                    entries.push((self.key_bytes(&k), x));
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                out.push(b'{');
                for (k, x) in &entries {
                    out.extend_from_slice(k);
                    self.value(out, x, seen);
                }
                out.push(b'}');
                seen.remove(&p);
            }
            Value::UserData(_) => {
                if let Some(id) = self.handle_id(v) {
                    out.push(b'e');
                    out.extend_from_slice(&id.to_le_bytes());
                    return;
                }
                let nums: mlua::Variadic<f64> = self.unpack.call(v.clone()).unwrap_or_default();
                out.push(b'v');
                out.push(nums.len() as u8);
                for n in nums.iter() {
                    out.extend_from_slice(&n.to_bits().to_le_bytes());
                }
            }
            Value::Function(_) => out.push(b'F'),
            Value::Thread(_) => out.push(b'T'),
            _ => out.push(b'u'),
        }
    }
}

/// The result of a prelude write for the host (`host_set_self`, `host_set`): `(true)`, or
/// `(false, why)` as an entity error.
fn host_write_result(id: u64, answer: mlua::Result<(bool, Option<String>)>) -> Result<()> {
    match answer.map_err(|e| Error::Lua(lua_error_text(&e)))? {
        (true, _) => Ok(()),
        (false, why) => Err(Error::Entity {
            entity: id,
            message: why.unwrap_or_default(),
        }),
    }
}

fn no_entity(id: u64) -> Error {
    Error::Entity {
        entity: id,
        message: "no live entity has this id".into(),
    }
}
