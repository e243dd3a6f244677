//! The garbage collector as a phase of its own while tracing: the automatic collector is
//! stopped and the frame ends with the work it would have done, paced as Lua paces it.
//!
//! Lua 5.4 reports no collector steps, so with automatic collection its work hides inside
//! whichever callback happened to allocate. While a trace is recorded the runtime stops the
//! automatic collector and runs a `gc` phase at the end of each frame instead:
//!
//! - the work is what the incremental collector would do for the memory the frame added (a
//!   `LUA_GCSTEP` of that many KiB, at Lua's step multiplier);
//! - after a cycle ends, no work is done until memory has grown by the pause (Lua's default
//!   200%: the heap may double before the next cycle starts), as Lua waits too;
//! - a script that passes the memory limit gets a full collection at once, before the guard
//!   would raise its memory error (`guard.rs`), so no frame runs out of memory that automatic
//!   collection would have saved.
//!
//! Ending the trace restarts the automatic collector where this left it.

use mlua::{ffi, Lua};

/// Lua 5.4's default pause (`LUAI_GCPAUSE`): a cycle starts once memory reaches this share
/// of what the last one left, in percent. The runtime never changes it.
const PAUSE: i64 = 200;

/// Paces the collector's steps between frames.
#[derive(Debug)]
pub(crate) struct FramePacer {
    /// Bytes of growth the collector owes work for; negative during a pause.
    debt: i64,
    /// The Lua state's bytes after the last step (or when pacing began).
    last: usize,
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    /// The Lua state's bytes before and after.
    pub before: usize,
    pub after: usize,
    /// Whether the step finished a collection cycle.
    pub cycle_ended: bool,
}

impl FramePacer {
    /// Stops the automatic collector and starts pacing from the memory in use now.
    pub(crate) fn start(lua: &Lua) -> Self {
        lua.gc_stop();
        FramePacer {
            debt: 0,
            last: lua.used_memory(),
        }
    }

    /// Hands collection back to Lua.
    pub(crate) fn stop(self, lua: &Lua) {
        lua.gc_restart();
    }

    /// The end-of-frame step: the work owed for the memory added since the last one, or
    /// nothing while the collector pauses. `None` when no work was owed.
    pub(crate) fn step(&mut self, lua: &Lua) -> Option<Step> {
        let before = lua.used_memory();
        self.debt += before as i64 - self.last as i64;
        self.last = before;
        if self.debt <= 0 {
            return None;
        }
        let kib = (self.debt / 1024).clamp(1, i64::from(i32::MAX)) as i32;
        let mut cycle_ended = false;
        // SAFETY: a collector step on the main state, idle between frames on this thread;
        // `exec_raw` runs it protected, so a finalizer's error cannot unwind through Rust.
        let ran = unsafe {
            lua.exec_raw::<()>((), |l| {
                cycle_ended = ffi::lua_gc(l, ffi::LUA_GCSTEP, kib) != 0;
            })
        };
        if ran.is_err() {
            return None;
        }
        let after = lua.used_memory();
        self.last = after;
        // After a cycle the collector pauses until memory grows by the pause; within one,
        // the next step owes what the next frames add.
        self.debt = if cycle_ended {
            -(after as i64) * (PAUSE - 100) / 100
        } else {
            0
        };
        Some(Step {
            before,
            after,
            cycle_ended,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Garbage made between steps is collected by the steps alone, and memory stays near
    /// what is live: the pacer keeps up with a steady allocator.
    #[test]
    fn steps_alone_keep_a_steady_allocator_bounded() {
        let lua = Lua::new();
        let mut pacer = FramePacer::start(&lua);
        assert!(!lua.gc_is_running());
        let churn = lua
            .load("return function() local t = {} for i = 1, 2000 do t[i] = { i } end end")
            .eval::<mlua::Function>()
            .unwrap();
        let mut cycles = 0;
        let mut peak = 0;
        for _ in 0..2000 {
            churn.call::<()>(()).unwrap();
            if let Some(s) = pacer.step(&lua) {
                cycles += usize::from(s.cycle_ended);
            }
            peak = peak.max(lua.used_memory());
        }
        // 2,000 frames of ~100 KiB of garbage each is ~200 MiB in all.
        assert!(cycles > 10, "only {cycles} cycles");
        assert!(peak < 16 << 20, "peak {peak} bytes");
        pacer.stop(&lua);
        assert!(lua.gc_is_running());
    }

    /// A frame that allocates nothing owes nothing: no step runs.
    #[test]
    fn an_idle_frame_costs_no_step() {
        let lua = Lua::new();
        let mut pacer = FramePacer::start(&lua);
        assert_eq!(pacer.step(&lua), None);
        assert_eq!(pacer.step(&lua), None);
        pacer.stop(&lua);
    }
}
