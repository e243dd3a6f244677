//! Helpers for the raw Lua C functions on the hot paths (vectors, Transform access): argument
//! reading and errors raised so that no Rust value with a destructor is alive when Lua jumps out.

use mlua::ffi;
use std::ffi::{c_char, c_int};

/// A Lua state pointer, as every raw C function receives it.
pub(crate) type State = *mut ffi::lua_State;

/// Pushes a Rust string (Lua copies it).
pub(crate) unsafe fn push_str(l: State, s: &str) {
    ffi::lua_pushlstring(l, s.as_ptr() as *const c_char, s.len());
}

/// Raises `message` as a Lua error, prefixed with the calling script's `path:line:` like
/// `error(message, 1)` in the script would be.
///
/// The message is moved in and dropped before Lua jumps, so callers must hold nothing else with
/// a destructor (they return `raise(...)` directly).
pub(crate) unsafe fn raise(l: State, message: String) -> c_int {
    ffi::luaL_where(l, 1);
    push_str(l, &message);
    drop(message);
    ffi::lua_concat(l, 2);
    ffi::lua_error(l)
}

/// Turns a C function's result into its return: the count of results, or the error raised
/// (the message moves into [`raise`], so nothing with a destructor is left alive).
pub(crate) unsafe fn finish(l: State, r: Result<c_int, String>) -> c_int {
    match r {
        Ok(n) => n,
        Err(message) => raise(l, message),
    }
}

/// A table key for a message: `'name'` (at most 60 bytes) for a string, else its type.
pub(crate) unsafe fn key_text(l: State, idx: c_int) -> String {
    if ffi::lua_type(l, idx) == ffi::LUA_TSTRING {
        let mut len = 0usize;
        let s = ffi::lua_tolstring(l, idx, &mut len);
        let bytes = std::slice::from_raw_parts(s as *const u8, len.min(60));
        format!("'{}'", String::from_utf8_lossy(bytes))
    } else {
        format!("of type {}", type_name(l, idx))
    }
}

/// The number at `idx`, or None when it is not a number (strings are not converted).
pub(crate) unsafe fn number(l: State, idx: c_int) -> Option<f64> {
    if ffi::lua_type(l, idx) != ffi::LUA_TNUMBER {
        return None;
    }
    Some(ffi::lua_tonumberx(l, idx, std::ptr::null_mut()))
}

/// Lua's type name of the value at `idx`, honouring `__name` (so a vector says `vec3`).
pub(crate) unsafe fn type_name(l: State, idx: c_int) -> String {
    let kind = ffi::luaL_getmetafield(l, idx, c"__name".as_ptr());
    if kind == ffi::LUA_TSTRING {
        let mut len = 0usize;
        let s = ffi::lua_tolstring(l, -1, &mut len);
        let out =
            String::from_utf8_lossy(std::slice::from_raw_parts(s as *const u8, len)).into_owned();
        ffi::lua_settop(l, -2);
        return out;
    }
    if kind != ffi::LUA_TNIL {
        ffi::lua_settop(l, -2);
    }
    let p = ffi::luaL_typename(l, idx);
    std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
}
