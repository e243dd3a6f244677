//! `table.sort` as Lua 5.4's (`ltablib.c`: the same quicksort, comparisons, messages and
//! metamethods), with two differences that matter to a game: the time budget can stop it, and
//! it is deterministic.
//!
//! Lua's C sort of a large table never returns to a point where the budget's hook runs when it
//! has no comparator (sorting 16 million numbers, what the memory limit allows, takes seconds).
//! This port makes the hook's test itself every few thousand comparisons (as the pattern
//! functions do, `pattern.rs`). And where Lua picks a pivot from the clock when a partition is
//! badly unbalanced, this one draws it from a fixed sequence, so the same input is sorted the
//! same way on every run (which matters for ties under a comparator).

use crate::guard;
use crate::raw::{self, State};
use mlua::ffi;
use std::ffi::c_int;

/// Comparisons between two tests of the time budget.
const CHECK_EVERY: u32 = 4096;
/// Intervals shorter than this use the middle element as the pivot.
const RANLIMIT: u32 = 100;

struct Sorter {
    l: State,
    has_comp: bool,
    compares: u32,
    rnd: u32,
}

/// Why sorting stopped early.
enum Stop {
    Budget(String),
    Invalid,
}

type Res<T> = Result<T, Stop>;

impl Sorter {
    /// `a < b` for the values at stack indices `a` and `b` (negative, relative to the top).
    unsafe fn less(&mut self, a: c_int, b: c_int) -> Res<bool> {
        self.compares = self.compares.wrapping_add(1);
        if self.compares.is_multiple_of(CHECK_EVERY) {
            if let Some(msg) = guard::c_call_overran(self.l) {
                return Err(Stop::Budget(msg));
            }
        }
        let l = self.l;
        if !self.has_comp {
            return Ok(ffi::lua_compare(l, a, b, ffi::LUA_OPLT) != 0);
        }
        ffi::lua_pushvalue(l, 2);
        ffi::lua_pushvalue(l, a - 1);
        ffi::lua_pushvalue(l, b - 2);
        ffi::lua_call(l, 2, 1);
        let r = ffi::lua_toboolean(l, -1) != 0;
        ffi::lua_pop(l, 1);
        Ok(r)
    }

    unsafe fn get(&self, i: u32) {
        ffi::lua_geti(self.l, 1, i as ffi::lua_Integer);
    }

    /// Pops two values into `t[i]` and `t[j]`.
    unsafe fn set2(&self, i: u32, j: u32) {
        ffi::lua_seti(self.l, 1, i as ffi::lua_Integer);
        ffi::lua_seti(self.l, 1, j as ffi::lua_Integer);
    }

    unsafe fn partition(&mut self, lo: u32, up: u32) -> Res<u32> {
        let mut i = lo;
        let mut j = up - 1;
        loop {
            loop {
                i = i.wrapping_add(1);
                self.get(i);
                if !self.less(-1, -2)? {
                    break;
                }
                if i == up - 1 {
                    return Err(Stop::Invalid);
                }
                ffi::lua_pop(self.l, 1);
            }
            loop {
                j = j.wrapping_sub(1);
                self.get(j);
                if !self.less(-3, -1)? {
                    break;
                }
                if j < i {
                    return Err(Stop::Invalid);
                }
                ffi::lua_pop(self.l, 1);
            }
            if j < i {
                ffi::lua_pop(self.l, 1);
                self.set2(up - 1, i);
                return Ok(i);
            }
            self.set2(i, j);
        }
    }

    /// The next pivot seed: a fixed xorshift sequence where Lua reads the clock.
    fn randomize(&mut self) -> u32 {
        let mut x = if self.rnd == 0 { 0x9e37_79b9 } else { self.rnd };
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    }

    unsafe fn auxsort(&mut self, mut lo: u32, mut up: u32) -> Res<()> {
        let l = self.l;
        while lo < up {
            self.get(lo);
            self.get(up);
            if self.less(-1, -2)? {
                self.set2(lo, up);
            } else {
                ffi::lua_pop(l, 2);
            }
            if up - lo == 1 {
                break;
            }
            let mut p = if up - lo < RANLIMIT || self.rnd == 0 {
                lo + (up - lo) / 2
            } else {
                let r4 = (up - lo) / 4;
                self.rnd % (r4 * 2) + (lo + r4)
            };
            self.get(p);
            self.get(lo);
            if self.less(-2, -1)? {
                self.set2(p, lo);
            } else {
                ffi::lua_pop(l, 1);
                self.get(up);
                if self.less(-1, -2)? {
                    self.set2(p, up);
                } else {
                    ffi::lua_pop(l, 2);
                }
            }
            if up - lo == 2 {
                break;
            }
            self.get(p);
            ffi::lua_pushvalue(l, -1);
            self.get(up - 1);
            self.set2(p, up - 1);
            p = self.partition(lo, up)?;
            let n;
            if p - lo < up - p {
                self.auxsort(lo, p - 1)?;
                n = p - lo;
                lo = p + 1;
            } else {
                self.auxsort(p + 1, up)?;
                n = up - p;
                up = p - 1;
            }
            if (up.wrapping_sub(lo)) / 128 > n {
                self.rnd = self.randomize();
            }
        }
        Ok(())
    }
}

/// `table.sort(list [, comp])`.
unsafe extern "C-unwind" fn sort(l: State) -> c_int {
    // As Lua's `checktab`: a table, or anything whose metatable reads, writes and measures.
    if ffi::lua_type(l, 1) != ffi::LUA_TTABLE {
        let mut ok = ffi::lua_getmetatable(l, 1) != 0;
        for field in [c"__index", c"__newindex", c"__len"] {
            if ok {
                ok = ffi::lua_getfield(l, -1, field.as_ptr()) != ffi::LUA_TNIL;
                ffi::lua_pop(l, 1);
            }
        }
        if ok {
            ffi::lua_pop(l, 1);
        } else {
            ffi::luaL_checktype(l, 1, ffi::LUA_TTABLE);
        }
    }
    let n = ffi::luaL_len(l, 1);
    if n > 1 {
        if n >= c_int::MAX as ffi::lua_Integer {
            return ffi::luaL_argerror(l, 1, c"array too big".as_ptr());
        }
        let has_comp = ffi::lua_type(l, 2) > ffi::LUA_TNIL;
        if has_comp {
            ffi::luaL_checktype(l, 2, ffi::LUA_TFUNCTION);
        }
        ffi::lua_settop(l, 2);
        let mut s = Sorter {
            l,
            has_comp,
            compares: 0,
            rnd: 0,
        };
        match s.auxsort(1, n as u32) {
            Ok(()) => {}
            Err(Stop::Budget(msg)) => return raw::raise(l, msg),
            Err(Stop::Invalid) => {
                return raw::raise(l, "invalid order function for sorting".to_string())
            }
        }
    }
    0
}

/// Puts the port in the real `table` library (scripts reach it through the read-only proxy).
pub(crate) fn install(lua: &mlua::Lua, table: &mlua::Table) -> mlua::Result<()> {
    // SAFETY: the function follows the C API's protocol and holds no Rust value with a
    // destructor where Lua may raise.
    let f = unsafe { lua.create_c_function(sort)? };
    table.raw_set("sort", f)
}
