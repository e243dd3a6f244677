//! The Lua state's allocator: the world's memory limit, enforced so that a script that
//! exhausts it gets an error at its own line, and a pool that serves the small blocks scripts
//! make every frame.
//!
//! Lua raises its memory error from the allocation that failed, without a message handler and
//! so without a position. Instead, the allocator (a wrapper around mlua's) lets an allocation
//! past the limit through, up to a slack of a sixteenth of the limit, and asks the guard to
//! raise `not enough memory` at the script's next instruction, where the hook can name the
//! line (`guard.rs`). Only an allocation past the slack, one that a single C call makes
//! (`string.rep` of a gigabyte), fails as Lua's does. Once memory is back under the limit
//! (the faulted instance's garbage collected), the flag is cleared.
//!
//! Blocks of up to [`SMALL`] bytes (tables, closures, short strings, vectors, component
//! values: nearly everything a frame allocates) come from one reserved range of address
//! space ([`Pool`]): new blocks are carved one after the other, so what one entity's script
//! makes lies together, and a freed block goes on its size class's free list, to be reused
//! by the next block of that class. Lua passes a block's size when it frees or resizes it,
//! so blocks carry no header. With glibc's `malloc`, allocation and free were a quarter of a
//! frame of the get/set idiom (`BENCHMARKS.md`). The range is reserved, not committed: the
//! system gives it pages as they are first touched, and keeps them for the state's life.
//!
//! The allocator stays installed until the state closes (a clone of the `Lua` may outlive the
//! [`Runtime`](crate::Runtime), and its blocks must be freed where they came from): it sees
//! the free of the state's main block, the last thing `lua_close` does, and releases the
//! range and itself there.

use crate::guard::Guard;
use mlua::ffi;
use std::ffi::c_void;
use std::sync::Arc;

/// The largest block the pool serves; larger ones go to the inner allocator.
const SMALL: usize = 256;
/// The pool's size classes are multiples of this (and so is every block's alignment).
const GRAIN: usize = 16;
const CLASSES: usize = SMALL / GRAIN;
/// The most address space a pool reserves (less if the memory limit is lower).
const MAX_RANGE: usize = 4 << 30;

/// The size class of a block of `n` bytes, `1 <= n <= SMALL`.
#[inline]
fn class(n: usize) -> usize {
    (n - 1) / GRAIN
}

/// Small blocks in one reserved range: a bump pointer for new blocks and a free list per size
/// class (each free block's first word points at the next).
struct Pool {
    base: usize,
    len: usize,
    top: usize,
    free: [*mut u8; CLASSES],
}

impl Pool {
    /// Reserves `len` bytes of address space; an empty pool (which owns nothing and serves
    /// nothing) where that is not possible.
    fn reserve(len: usize) -> Pool {
        let base = reserve_range(len);
        Pool {
            base,
            len: if base == 0 { 0 } else { len },
            top: base,
            free: [std::ptr::null_mut(); CLASSES],
        }
    }

    #[inline]
    fn owns(&self, p: *mut c_void) -> bool {
        (p as usize).wrapping_sub(self.base) < self.len
    }

    /// A block for `n <= SMALL` bytes, or null when the range is used up.
    #[inline]
    unsafe fn take(&mut self, n: usize) -> *mut c_void {
        let c = class(n);
        let head = self.free[c];
        if !head.is_null() {
            self.free[c] = *(head as *mut *mut u8);
            return head as *mut c_void;
        }
        let size = (c + 1) * GRAIN;
        if self.base + self.len - self.top >= size {
            let p = self.top;
            self.top += size;
            return p as *mut c_void;
        }
        std::ptr::null_mut()
    }

    /// Returns a block the pool owns that Lua knows as `n` bytes (a block shrunk in place is
    /// filed under its smaller size, which it can still serve).
    #[inline]
    unsafe fn give(&mut self, p: *mut c_void, n: usize) {
        let c = class(n.max(1));
        *(p as *mut *mut u8) = self.free[c];
        self.free[c] = p as *mut u8;
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        release_range(self.base, self.len);
    }
}

#[cfg(unix)]
fn reserve_range(len: usize) -> usize {
    // SAFETY: an anonymous private mapping at an address of the system's choice; pages are
    // committed as they are first written.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        0
    } else {
        p as usize
    }
}

#[cfg(unix)]
fn release_range(base: usize, len: usize) {
    if base != 0 {
        // SAFETY: the range `reserve_range` mapped, with nothing in it used any more.
        unsafe { libc::munmap(base as *mut c_void, len) };
    }
}

// Elsewhere every block goes to the inner allocator.
#[cfg(not(unix))]
fn reserve_range(_len: usize) -> usize {
    0
}

#[cfg(not(unix))]
fn release_range(_base: usize, _len: usize) {}

/// mlua 0.12's allocator state (`mlua::memory::MemoryState`, `#[repr(C)]`, without Luau), so
/// that it can be freed when the state closes: mlua frees it only if its own allocator is
/// still installed then. `tests::mlua_memory_state_layout` checks the layout.
#[repr(C)]
struct MluaMemoryState {
    used_memory: isize,
    _memory_limit: isize,
    _ignore_limit: bool,
}

/// The allocator's state: the allocator it wraps, what it counts, and its pool.
pub(crate) struct Limiter {
    inner: ffi::lua_Alloc,
    inner_ud: *mut c_void,
    /// Whether `inner_ud` is mlua's [`MluaMemoryState`], freed with the state.
    inner_is_mlua: bool,
    /// The state's main block, whose free is the last thing `lua_close` does.
    main_block: *mut c_void,
    used: usize,
    /// Bytes asked for since the state opened (every new block and every growth; frees not
    /// subtracted): what a script's callbacks allocate is the growth of this across them.
    allocated: u64,
    limit: usize,
    hard: usize,
    guard: Arc<Guard>,
    pool: Pool,
}

/// `H.allocated()`: the bytes the state has asked for since it opened (see
/// [`Limiter::allocated`]), as a number; 0 when the state's allocator is not this module's.
pub(crate) unsafe extern "C-unwind" fn allocated(l: *mut ffi::lua_State) -> std::ffi::c_int {
    let mut ud: *mut c_void = std::ptr::null_mut();
    let f = ffi::lua_getallocf(l, &mut ud);
    let ours: ffi::lua_Alloc = alloc;
    let bytes = if f as usize == ours as usize && !ud.is_null() {
        (*(ud as *const Limiter)).allocated
    } else {
        0
    };
    ffi::lua_pushnumber(l, bytes as f64);
    1
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
        lim.allocated = lim.allocated.wrapping_add((nsize - old) as u64);
        let after = lim.used.saturating_add(nsize - old);
        if after > lim.hard {
            return std::ptr::null_mut();
        }
        if after > lim.limit {
            lim.guard.memory_over();
        }
    }
    let p = if nsize == 0 {
        if ptr.is_null() {
            // Nothing to free.
        } else if lim.pool.owns(ptr) {
            lim.pool.give(ptr, osize);
        } else {
            (lim.inner)(lim.inner_ud, ptr, osize, 0);
            if ptr == lim.main_block {
                close(ud as *mut Limiter);
                return std::ptr::null_mut();
            }
        }
        std::ptr::null_mut()
    } else if ptr.is_null() {
        let p = if nsize <= SMALL {
            lim.pool.take(nsize)
        } else {
            std::ptr::null_mut()
        };
        if p.is_null() {
            (lim.inner)(lim.inner_ud, ptr, osize, nsize)
        } else {
            p
        }
    } else if lim.pool.owns(ptr) {
        if nsize <= osize || class(nsize.min(SMALL)) == class(osize) && nsize <= SMALL {
            // Shrinking, or growing within the block's class: the block serves as it is.
            ptr
        } else {
            let q = if nsize <= SMALL {
                lim.pool.take(nsize)
            } else {
                std::ptr::null_mut()
            };
            let q = if q.is_null() {
                (lim.inner)(lim.inner_ud, std::ptr::null_mut(), 0, nsize)
            } else {
                q
            };
            if !q.is_null() {
                std::ptr::copy_nonoverlapping(ptr as *const u8, q as *mut u8, osize);
                lim.pool.give(ptr, osize);
            }
            q
        }
    } else {
        (lim.inner)(lim.inner_ud, ptr, osize, nsize)
    };
    if nsize == 0 || !p.is_null() {
        lim.used = lim.used.saturating_sub(old).saturating_add(nsize);
        if lim.used <= lim.limit {
            lim.guard.memory_back();
        }
    }
    p
}

/// The state has closed: frees what the allocator held.
unsafe fn close(lim: *mut Limiter) {
    let lim = Box::from_raw(lim);
    if lim.inner_is_mlua {
        drop(Box::from_raw(lim.inner_ud as *mut MluaMemoryState));
    }
    drop(lim);
}

/// Installs the allocator on `lua`'s state, counting from the memory in use now. The
/// allocator frees itself when the state closes; the pointer it returns stays valid until
/// then (for [`release`]).
///
/// # Safety
/// Nothing else replaces the state's allocator.
pub(crate) unsafe fn install(
    lua: &mlua::Lua,
    limit: usize,
    guard: Arc<Guard>,
) -> mlua::Result<*mut Limiter> {
    // The main thread, whose block is the state's main block.
    let l = lua
        .exec_raw::<mlua::LightUserData>((), |l| {
            ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_MAINTHREAD);
            let m = ffi::lua_tothread(l, -1);
            ffi::lua_pop(l, 1);
            ffi::lua_pushlightuserdata(l, m as *mut c_void);
        })?
        .0 as *mut ffi::lua_State;
    let in_use = lua.used_memory();
    // mlua can set a limit only with its own allocator installed, whose state it then frees
    // in `Drop`, unless another allocator has replaced it by then.
    let inner_is_mlua = lua.set_memory_limit(0).is_ok();
    let mut inner_ud = std::ptr::null_mut();
    let inner = ffi::lua_getallocf(l, &mut inner_ud);
    // Without a time budget no hook is tracking the states: the limit is then hard.
    let hard = if guard.enabled() {
        limit.saturating_add((limit / 16).max(1 << 20))
    } else {
        limit
    };
    let range = hard.min(MAX_RANGE).next_multiple_of(1 << 16);
    let lim = Box::into_raw(Box::new(Limiter {
        inner,
        inner_ud,
        inner_is_mlua,
        // Lua 5.4's `lua_newstate` makes the main thread and the global state in one block
        // (`LG`), which starts `LUA_EXTRASPACE` (a pointer) before the thread.
        main_block: (l as *mut u8).wrapping_sub(std::mem::size_of::<*mut c_void>()) as *mut c_void,
        used: in_use,
        allocated: 0,
        limit,
        hard,
        guard,
        pool: Pool::reserve(range),
    }));
    ffi::lua_setallocf(l, alloc, lim as *mut c_void);
    Ok(lim)
}

/// Lifts the limit: the runtime is going, a clone of the `Lua` may go on without it.
///
/// # Safety
/// `lim` is what [`install`] returned, and the state is still open.
pub(crate) unsafe fn release(lim: *mut Limiter) {
    (*lim).limit = usize::MAX;
    (*lim).hard = usize::MAX;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlua_memory_state_layout() {
        let lua = mlua::Lua::new();
        lua.load("local t = {} for i = 1, 100 do t[i] = {i} end")
            .exec()
            .unwrap();
        let mut ud = std::ptr::null_mut();
        // SAFETY: reads the state's allocator and, through it, mlua's counter.
        let used = unsafe {
            let l = lua.exec_raw::<mlua::LightUserData>((), |l| {
                ffi::lua_pushlightuserdata(l, l as *mut c_void);
            });
            let l = l.unwrap().0 as *mut ffi::lua_State;
            ffi::lua_getallocf(l, &mut ud);
            (*(ud as *mut MluaMemoryState)).used_memory
        };
        assert_eq!(used as usize, lua.used_memory());
        assert!(lua.set_memory_limit(0).is_ok());
    }

    #[test]
    fn size_classes() {
        assert_eq!(class(1), 0);
        assert_eq!(class(16), 0);
        assert_eq!(class(17), 1);
        assert_eq!(class(SMALL), CLASSES - 1);
    }
}
