//! The script frames of a Lua stack, for error reports: where each frame is and what Lua calls
//! its function, engine (prelude) and C frames left out.
//!
//! Frames are pushed as a Lua sequence of `{ path, line, name }` tables, innermost first; a
//! stack deeper than [`HEAD`] + [`TAIL`] frames keeps its innermost and outermost frames and a
//! `{ skipped = n }` entry between them, so a stack overflow's report stays small (and is
//! built in time linear in the kept frames, not the stack's depth).

use mlua::ffi;
use std::ffi::{c_char, c_int, CStr};

/// Innermost frames kept.
const HEAD: c_int = 16;
/// Outermost frames kept.
const TAIL: c_int = 4;

/// The number of levels on `co`'s stack (levels `0..depth` exist).
pub(crate) unsafe fn depth(co: *mut ffi::lua_State) -> c_int {
    let mut ar: ffi::lua_Debug = std::mem::zeroed();
    // Exponential search for a level that does not exist, then a binary search below it
    // (each `lua_getstack` walks the stack, so probing every level would be quadratic).
    let (mut lo, mut hi) = (0, 1);
    while ffi::lua_getstack(co, hi, &mut ar) != 0 {
        lo = hi;
        hi = hi.saturating_mul(2);
    }
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if ffi::lua_getstack(co, mid, &mut ar) != 0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if ffi::lua_getstack(co, 0, &mut ar) == 0 {
        0
    } else {
        lo + 1
    }
}

unsafe fn text(p: *const c_char) -> Option<&'static [u8]> {
    (!p.is_null()).then(|| CStr::from_ptr(p).to_bytes())
}

/// Pushes one frame of `co` at `level` onto `l` as a table, or nothing (returns false) when
/// the frame is not script code.
unsafe fn push_frame(l: *mut ffi::lua_State, co: *mut ffi::lua_State, level: c_int) -> bool {
    let mut ar: ffi::lua_Debug = std::mem::zeroed();
    if ffi::lua_getstack(co, level, &mut ar) == 0
        || ffi::lua_getinfo(co, c"Sln".as_ptr(), &mut ar) == 0
    {
        return false;
    }
    let what = text(ar.what).unwrap_or_default();
    let source = text(ar.source).unwrap_or_default();
    // Script chunks are named `=scripts/...` (and `=(load) ...` for `load`); the prelude is
    // `=crescent/...`.
    if what == b"C" || !source.starts_with(b"=") || source.starts_with(b"=crescent/") {
        return false;
    }
    ffi::lua_createtable(l, 0, 3);
    ffi::lua_pushlstring(l, source[1..].as_ptr() as *const c_char, source.len() - 1);
    ffi::lua_setfield(l, -2, c"path".as_ptr());
    ffi::lua_pushinteger(l, ar.currentline.max(0) as ffi::lua_Integer);
    ffi::lua_setfield(l, -2, c"line".as_ptr());
    match function_name(&ar) {
        Some(shown) => {
            ffi::lua_pushlstring(l, shown.as_ptr() as *const c_char, shown.len());
            ffi::lua_setfield(l, -2, c"name".as_ptr());
        }
        // Unnamed: the reader names it (the outermost frame is the callback of its phase).
        None => {
            ffi::lua_pushinteger(l, ar.linedefined as ffi::lua_Integer);
            ffi::lua_setfield(l, -2, c"defined".as_ptr());
        }
    }
    true
}

/// What Lua calls the function of a frame filled with `"Sn"`: `main chunk`, `method 'hit'`,
/// `function 'name'`, `local 'name'`; `None` when Lua does not know.
///
/// # Safety
/// `ar` was filled by `lua_getinfo` and the state is still on that frame.
pub(crate) unsafe fn function_name(ar: &ffi::lua_Debug) -> Option<String> {
    let what = text(ar.what).unwrap_or_default();
    if what == b"main" {
        return Some("main chunk".into());
    }
    let name = String::from_utf8_lossy(text(ar.name).filter(|n| *n != b"?")?);
    Some(match text(ar.namewhat).unwrap_or_default() {
        b"method" => format!("method '{name}'"),
        b"local" | b"upvalue" => format!("local '{name}'"),
        _ => format!("function '{name}'"),
    })
}

/// Pushes onto `l` the script frames of `co` from `level` outwards, as a sequence.
///
/// # Safety
/// `l` and `co` are threads of the same Lua state, and `l` has room for a few values (the
/// message handler and C functions always do).
pub(crate) unsafe fn push_frames(l: *mut ffi::lua_State, co: *mut ffi::lua_State, level: c_int) {
    let depth = depth(co);
    ffi::lua_createtable(l, 8, 0);
    if ffi::lua_checkstack(l, 4) == 0 {
        return;
    }
    let mut n: ffi::lua_Integer = 0;
    // The innermost script frames.
    let mut at = level;
    let mut kept = 0;
    while at < depth && kept < HEAD {
        if push_frame(l, co, at) {
            n += 1;
            kept += 1;
            ffi::lua_rawseti(l, -2, n);
        }
        at += 1;
    }
    // The outermost script frames, looked for among the last levels (the engine's frames and
    // C calls sit below the callback).
    let mut tail = Vec::new();
    let mut back = depth - 1;
    while back >= at && back >= depth - 8 * TAIL && (tail.len() as c_int) < TAIL {
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        if ffi::lua_getstack(co, back, &mut ar) != 0
            && ffi::lua_getinfo(co, c"S".as_ptr(), &mut ar) != 0
        {
            let what = text(ar.what).unwrap_or_default();
            let source = text(ar.source).unwrap_or_default();
            if what != b"C" && source.starts_with(b"=") && !source.starts_with(b"=crescent/") {
                tail.push(back);
            }
        }
        back -= 1;
    }
    tail.reverse();
    // The levels between the two parts are counted, not shown (counting only the script
    // frames among them would walk a deep stack once per level).
    let skipped = match tail.first() {
        Some(&first) => first - at,
        None if depth - at > 8 * TAIL => depth - at,
        None => 0,
    };
    if skipped > 0 {
        ffi::lua_createtable(l, 0, 1);
        ffi::lua_pushinteger(l, skipped as ffi::lua_Integer);
        ffi::lua_setfield(l, -2, c"skipped".as_ptr());
        n += 1;
        ffi::lua_rawseti(l, -2, n);
    }
    for level in tail {
        if push_frame(l, co, level) {
            n += 1;
            ffi::lua_rawseti(l, -2, n);
        }
    }
}
