//! The world's memory limit, enforced so that a script that exhausts it gets an error at its
//! own line, like any other error.
//!
//! Lua raises its memory error from the allocation that failed, without a message handler and
//! so without a position. Instead, the allocator (a wrapper around mlua's) lets an allocation
//! past the limit through, up to a slack of a sixteenth of the limit, and asks the guard to
//! raise `not enough memory` at the script's next instruction, where the hook can name the
//! line (`guard.rs`). Only an allocation past the slack, one that a single C call makes
//! (`string.rep` of a gigabyte), fails as Lua's does. Once memory is back under the limit
//! (the faulted instance's garbage collected), the flag is cleared.

use crate::guard::Guard;
use mlua::ffi;
use std::ffi::c_void;
use std::sync::Arc;

/// The allocator's state: the allocator it wraps, and what it counts.
pub(crate) struct Limiter {
    inner: ffi::lua_Alloc,
    inner_ud: *mut c_void,
    used: usize,
    limit: usize,
    hard: usize,
    guard: Arc<Guard>,
}

unsafe extern "C" fn alloc(
    ud: *mut c_void,
    ptr: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    let lim = &mut *(ud as *mut Limiter);
    // For a new block, `osize` is a type tag, not a size.
    let old = if ptr.is_null() { 0 } else { osize };
    if nsize > old {
        let after = lim.used.saturating_add(nsize - old);
        if after > lim.hard {
            return std::ptr::null_mut();
        }
        if after > lim.limit {
            lim.guard.memory_over();
        }
    }
    let p = (lim.inner)(lim.inner_ud, ptr, osize, nsize);
    if nsize == 0 || !p.is_null() {
        lim.used = lim.used.saturating_sub(old).saturating_add(nsize);
        if lim.used <= lim.limit {
            lim.guard.memory_back();
        }
    }
    p
}

/// Installs the limiter on the state `l`, counting from the memory in use now.
///
/// # Safety
/// `l` is the main state of a Lua state; the returned box must stay alive until
/// [`uninstall`] restores the inner allocator (before the box is dropped).
pub(crate) unsafe fn install(
    l: *mut ffi::lua_State,
    limit: usize,
    in_use: usize,
    guard: Arc<Guard>,
) -> Box<Limiter> {
    let mut inner_ud = std::ptr::null_mut();
    let inner = ffi::lua_getallocf(l, &mut inner_ud);
    let mut lim = Box::new(Limiter {
        inner,
        inner_ud,
        used: in_use,
        limit,
        // Without a time budget no hook is tracking the states: the limit is then hard.
        hard: if guard.enabled() {
            limit.saturating_add((limit / 16).max(1 << 20))
        } else {
            limit
        },
        guard,
    });
    ffi::lua_setallocf(l, alloc, &mut *lim as *mut Limiter as *mut c_void);
    lim
}

/// Puts the wrapped allocator back: blocks are the inner allocator's, so the state keeps
/// working (a clone of the `Lua` may outlive the runtime) without the limit.
///
/// # Safety
/// `l` is the state [`install`] was called on, and `lim` its box.
pub(crate) unsafe fn uninstall(l: *mut ffi::lua_State, lim: &Limiter) {
    ffi::lua_setallocf(l, lim.inner, lim.inner_ud);
}
