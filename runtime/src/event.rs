//! What the runtime tells its host and tools: events, reload outcomes, reports and statistics.

use serde::Serialize;
use std::collections::BTreeMap;

/// Something that happened in the world: the dev channel's runtime-to-tool objects, defined
/// once in `crescent-api` so the runtime and the tools read and write the same shape.
pub use crescent_api::Event;

/// What a reload did.
#[derive(Clone, Debug, PartialEq)]
pub enum ReloadOutcome {
    /// The new code runs in this many instances.
    Reloaded {
        /// Instances of the script (for a module: of the scripts that depend on it).
        instances: usize,
    },
    /// Same content hash as what is running: nothing done.
    Unchanged,
    /// The new code does not compile or its top level failed; the old code keeps running.
    Failed {
        /// 1-based line.
        line: u32,
        /// 1-based column, 0 when unknown.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// The file is gone; the old code keeps running.
    Missing,
}

/// The `--report json` shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Frames run.
    pub frames: u64,
    /// Live entities.
    pub entities: usize,
    /// [`crate::Runtime::world_hash`] as 16 hex digits.
    pub world_hash: String,
    /// Every live script instance, in phase order.
    pub scripts: Vec<ScriptReport>,
}

/// One script instance in a [`Report`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScriptReport {
    /// Project-relative script path.
    pub path: String,
    /// Owning entity id; 0 for the row that sums a script's despawned instances without errors.
    pub entity: u64,
    /// `running`, `faulted`, or `despawned` (an instance whose entity is gone; its errors, if
    /// any, are kept).
    pub status: String,
    /// Calls per lifecycle function: init, update, fixed_update, on_event, on_reload, destroy.
    pub calls: BTreeMap<String, u64>,
    /// Errors raised by this instance (at most 32 kept).
    pub errors: Vec<ErrorReport>,
    /// Time spent in this instance's callbacks, in milliseconds (sampled: see docs/determinism.md).
    pub time_ms: f64,
    /// Memory this instance's callbacks asked for, in KiB: every block and growth, whether
    /// collected since or not (sampled as `time_ms` is; 0 without the runtime's allocator).
    pub alloc_kib: f64,
}

/// One error in a [`ScriptReport`]: the fields of [`Event::ScriptError`] that are not the
/// instance's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorReport {
    /// Phase of the failed call.
    pub phase: String,
    /// Where the error was raised (the script, or a module it called into).
    pub path: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column of what the error is about, 0 when unknown.
    pub column: u32,
    /// The message, without its position.
    pub message: String,
    /// Script frames, innermost first.
    pub frames: Vec<crescent_api::Frame>,
    /// The frames as text.
    pub traceback: String,
}

/// Counters for a live status line.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Frames run.
    pub frames: u64,
    /// Live entities.
    pub entities: usize,
    /// Live script instances.
    pub scripts: usize,
    /// Faulted script instances.
    pub faulted: usize,
    /// Wall time of the last frame, in milliseconds.
    pub frame_ms: f64,
}

/// One slice of a traced frame ([`crate::Runtime::set_tracing`]): a whole frame, one of its
/// phases, or one script callback, with its start and length in seconds on one clock.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TraceSlice {
    /// `frame 12`, a phase (`update`, `events`, `tasks`, `init`, `fixed_update`,
    /// `despawns`), or for a callback the phase it ran in. Names are shared between slices.
    pub name: std::sync::Arc<str>,
    /// Seconds since the clock's start.
    pub start: f64,
    /// Seconds.
    pub duration: f64,
    /// For a callback: the script and the entity it ran for.
    pub script: Option<(std::sync::Arc<str>, u64)>,
    /// Whether this is a whole frame.
    pub frame: bool,
    /// For the collector's phase (`gc`, while tracing): the Lua state's bytes before and
    /// after it.
    pub collected: Option<(usize, usize)>,
}
