//! Crescent's runtime: Lua 5.4 scripts attached to entities, run in a deterministic order in a
//! sandbox, with hot reload and a dev channel to tools.
//!
//! # Design
//! - One `mlua::Lua` per [`Runtime`]. A Lua prelude (`prelude.lua`) owns the hot loops: Rust
//!   calls it once per frame, and each phase's loop over instances runs inside Lua, in one
//!   `xpcall` that resumes after a faulting instance. The update and fixed_update lists keep
//!   callback functions, `self` tables and call counters in parallel arrays, rebuilt only when
//!   instances change.
//! - `vec3` and `quat` are userdata with raw C metamethods (no mlua trampoline, no table to
//!   build or collect); the Entity's Transform methods (`translate`, `set_position`, ...) write
//!   the hecs component in place, and `get("Transform")` makes one userdata whose fields are
//!   views into it. Script components live in Lua-side stores keyed by entity id; Name and host
//!   components live in hecs and cross through serde.
//! - The time budget costs nothing until a call overruns half of it: a watchdog thread then arms
//!   a count hook (see `guard.rs`).
//! - Script-visible names are copied from the implementations by walking the API registry
//!   (`bindings.rs`), so nothing is bound without being described.
//!
//! # Example
//! ```
//! use crescent_runtime::{Config, Registry, Runtime, Scene};
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir_all(dir.path().join("scripts"))?;
//! std::fs::write(dir.path().join("scripts/count.lua"), "function update(self) self.n = (self.n or 0) + 1 end")?;
//! std::fs::write(dir.path().join("scene.json"), r#"{"entities": [{"scripts": ["scripts/count.lua"]}]}"#)?;
//! let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new())?;
//! rt.load_scene(&Scene::load(dir.path())?)?;
//! rt.frame(1.0 / 60.0);
//! assert_eq!(rt.report().scripts[0].calls["update"], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]
// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod bindings;
mod compile;
mod components;
mod debug;
mod dev;
#[doc(hidden)]
pub mod doc_support;
mod error;
mod event;
mod fault;
mod gc;
mod guard;
mod host;
mod input;
mod memory;
mod paths;
mod pattern;
mod raw;
mod runtime;
mod scene;
mod sort;
mod stack;
mod trace_file;
mod transform;
mod typed;
mod vector;

pub use compile::{compile_check, CompileError};
pub use components::{Name, Registry, Transform};
pub use crescent_api as api;
pub use debug::{DebugIncoming, DebugLink};
pub use error::{Error, Result};

/// The README's Rust code compiles, as a doc test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use event::{ErrorReport, Event, ReloadOutcome, Report, ScriptReport, Stats, TraceSlice};
pub use input::{Input, InputStep, InputTrack};
pub use runtime::{Config, Runtime};
pub use scene::{normalize_script_path, EntityDef, Scene, SceneError, ScriptRef};
pub use trace_file::TraceWriter;
pub use typed::{Args, LuaType, Results};

/// The math types of [`Transform`], re-exported so hosts use the same version.
pub use glam;
/// The entity-component world the runtime keeps (see [`Runtime::world`]).
pub use hecs;
/// Lua through mlua, re-exported so hosts use the same version for [`Registry::function`].
pub use mlua;

pub use dev::{
    apply_reloads, event_json, is_watched_path, ChangeKind, DevChannel, DevEvent, DevHost,
    DevOptions, DevRequest, FileChange, ProjectWatcher, SessionInfo, DEFAULT_CLIENT_QUEUE,
    PROTOCOL_VERSION, REMOVAL_GRACE,
};
