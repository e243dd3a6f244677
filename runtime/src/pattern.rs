//! Lua 5.4's pattern matching (`string.find`, `match`, `gmatch`, `gsub`), ported from
//! `lstrlib.c` so the time budget reaches inside it.
//!
//! The C matcher backtracks without bound: `("a"):rep(40):find(("a*"):rep(40) .. "b")` runs
//! for hours inside one C call, where no hook can fire. This port keeps the C code's structure,
//! messages and results, and every few thousand steps asks the guard whether the running
//! callback has had its budget (the same test the count hook makes), raising
//! `script exceeded its time budget` at the script's line if so.

use crate::guard;
use crate::raw::{self, State};
use mlua::ffi;
use std::ffi::{c_char, c_int};

const MAXCAPTURES: usize = 32;
const MAXCCALLS: i32 = 200;
const CAP_UNFINISHED: isize = -1;
const CAP_POSITION: isize = -2;
const L_ESC: u8 = b'%';
const SPECIALS: &[u8] = b"^$*+?.([%-";
/// Matcher steps between two looks at the budget (a look costs a clock read).
const CHECK_EVERY: u32 = 1 << 12;

/// Why a match stopped with an error: small, so the matcher's results fit in registers; the
/// message is made only when it is raised.
#[derive(Debug)]
enum Fail {
    /// A fixed message.
    Msg(&'static str),
    /// `invalid capture index %N`.
    CaptureIndex(isize),
    /// The guard's message: the callback has had its budget.
    Budget(String),
    /// A message made at the point of failure (rare paths outside the matcher).
    Text(String),
}

impl Fail {
    fn message(self) -> String {
        match self {
            Fail::Msg(m) => m.to_string(),
            Fail::CaptureIndex(i) => format!("invalid capture index %{i}"),
            Fail::Budget(m) | Fail::Text(m) => m,
        }
    }
}

type Res<T> = Result<T, Fail>;

struct MatchState<'a> {
    l: State,
    src: &'a [u8],
    pat: &'a [u8],
    depth: i32,
    level: usize,
    /// Captures `0..level` are written (`set_capture`) before they are read.
    capture: [std::mem::MaybeUninit<(usize, isize)>; MAXCAPTURES],
    steps: u32,
}

impl<'a> MatchState<'a> {
    fn new(l: State, src: &'a [u8], pat: &'a [u8]) -> Self {
        MatchState {
            l,
            src,
            pat,
            depth: MAXCCALLS,
            level: 0,
            capture: [std::mem::MaybeUninit::uninit(); MAXCAPTURES],
            steps: 0,
        }
    }

    fn cap(&self, i: usize) -> (usize, isize) {
        debug_assert!(i < self.level);
        // SAFETY: every capture below `level` was written when it was opened.
        unsafe { self.capture[i].assume_init() }
    }

    fn set_capture(&mut self, i: usize, v: (usize, isize)) {
        self.capture[i] = std::mem::MaybeUninit::new(v);
    }

    fn reprep(&mut self) {
        self.depth = MAXCCALLS;
        self.level = 0;
    }

    /// The pattern byte at `i`, 0 past the end (the C code reads the terminating NUL).
    fn p(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    /// The source byte at `i`, 0 past the end.
    fn s(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn step(&mut self) -> Res<()> {
        self.steps = self.steps.wrapping_add(1);
        if self.steps.is_multiple_of(CHECK_EVERY) {
            // SAFETY: the state is the one running this C function.
            if let Some(msg) = unsafe { guard::c_call_overran(self.l) } {
                return Err(Fail::Budget(msg));
            }
        }
        Ok(())
    }

    fn check_capture(&self, l: u8) -> Res<usize> {
        let i = l as isize - b'1' as isize;
        if i < 0 || i as usize >= self.level || self.cap(i as usize).1 == CAP_UNFINISHED {
            return Err(Fail::CaptureIndex(i + 1));
        }
        Ok(i as usize)
    }

    fn capture_to_close(&self) -> Res<usize> {
        (0..self.level)
            .rev()
            .find(|&i| self.cap(i).1 == CAP_UNFINISHED)
            .ok_or(Fail::Msg("invalid pattern capture"))
    }

    fn classend(&self, mut p: usize) -> Res<usize> {
        let c = self.p(p);
        p += 1;
        match c {
            L_ESC => {
                if p >= self.pat.len() {
                    return Err(Fail::Msg("malformed pattern (ends with '%')"));
                }
                Ok(p + 1)
            }
            b'[' => {
                if self.p(p) == b'^' {
                    p += 1;
                }
                loop {
                    if p >= self.pat.len() {
                        return Err(Fail::Msg("malformed pattern (missing ']')"));
                    }
                    let c = self.p(p);
                    p += 1;
                    if c == L_ESC && p < self.pat.len() {
                        p += 1;
                    }
                    if self.p(p) == b']' {
                        break;
                    }
                }
                Ok(p + 1)
            }
            _ => Ok(p),
        }
    }

    /// `p` at '[', `ec` at the closing ']'.
    fn matchbracketclass(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.p(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                break;
            }
            if self.p(p) == L_ESC {
                p += 1;
                if match_class(c, self.p(p)) {
                    return sig;
                }
            } else if self.p(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if self.p(p - 2) <= c && c <= self.p(p) {
                    return sig;
                }
            } else if self.p(p) == c {
                return sig;
            }
        }
        !sig
    }

    fn singlematch(&self, s: usize, p: usize, ep: usize) -> bool {
        if s >= self.src.len() {
            return false;
        }
        let c = self.src[s];
        match self.p(p) {
            b'.' => true,
            L_ESC => match_class(c, self.p(p + 1)),
            b'[' => self.matchbracketclass(c, p, ep - 1),
            pc => pc == c,
        }
    }

    fn matchbalance(&self, s: usize, p: usize) -> Res<Option<usize>> {
        if p + 1 >= self.pat.len() {
            return Err(Fail::Msg("malformed pattern (missing arguments to '%b')"));
        }
        if self.s(s) != self.p(p) {
            return Ok(None);
        }
        let (b, e) = (self.p(p), self.p(p + 1));
        let mut cont = 1;
        let mut s = s;
        loop {
            s += 1;
            if s >= self.src.len() {
                return Ok(None);
            }
            let c = self.src[s];
            if c == e {
                cont -= 1;
                if cont == 0 {
                    return Ok(Some(s + 1));
                }
            } else if c == b {
                cont += 1;
            }
        }
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Res<Option<usize>> {
        let mut i = 0usize;
        while self.singlematch(s + i, p, ep) {
            i += 1;
        }
        loop {
            self.step()?;
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> Res<Option<usize>> {
        loop {
            self.step()?;
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if self.singlematch(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, what: isize) -> Res<Option<usize>> {
        let level = self.level;
        if level >= MAXCAPTURES {
            return Err(Fail::Msg("too many captures"));
        }
        self.set_capture(level, (s, what));
        self.level = level + 1;
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.level -= 1;
        }
        Ok(res)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Res<Option<usize>> {
        let l = self.capture_to_close()?;
        let init = self.cap(l).0;
        self.set_capture(l, (init, (s - init) as isize));
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.set_capture(l, (init, CAP_UNFINISHED));
        }
        Ok(res)
    }

    fn match_capture(&self, s: usize, l: u8) -> Res<Option<usize>> {
        let l = self.check_capture(l)?;
        let (init, len) = self.cap(l);
        let len = len as usize;
        if self.src.len() - s >= len && self.src[init..init + len] == self.src[s..s + len] {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }

    /// `match` of lstrlib.c: the end of the match of `pat[p..]` at `src[s..]`, or None.
    fn do_match(&mut self, s: usize, p: usize) -> Res<Option<usize>> {
        self.depth -= 1;
        if self.depth < 0 {
            return Err(Fail::Msg("pattern too complex"));
        }
        self.step()?;
        let r = self.match_body(s, p);
        self.depth += 1;
        r
    }

    fn match_body(&mut self, mut s: usize, mut p: usize) -> Res<Option<usize>> {
        loop {
            if p == self.pat.len() {
                return Ok(Some(s));
            }
            match self.p(p) {
                b'(' => {
                    return if self.p(p + 1) == b')' {
                        self.start_capture(s, p + 2, CAP_POSITION)
                    } else {
                        self.start_capture(s, p + 1, CAP_UNFINISHED)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                L_ESC if self.p(p + 1) == b'b' => match self.matchbalance(s, p + 2)? {
                    Some(ns) => {
                        s = ns;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                L_ESC if self.p(p + 1) == b'f' => {
                    p += 2;
                    if self.p(p) != b'[' {
                        return Err(Fail::Msg("missing '[' after '%f' in pattern"));
                    }
                    let ep = self.classend(p)?;
                    let previous = if s == 0 { 0 } else { self.src[s - 1] };
                    if !self.matchbracketclass(previous, p, ep - 1)
                        && self.matchbracketclass(self.s(s), p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                L_ESC if self.p(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.p(p + 1))? {
                        Some(ns) => {
                            s = ns;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {
                    let ep = self.classend(p)?;
                    let suffix = self.p(ep);
                    if !self.singlematch(s, p, ep) {
                        if suffix == b'*' || suffix == b'?' || suffix == b'-' {
                            p = ep + 1;
                            continue;
                        }
                        return Ok(None);
                    }
                    match suffix {
                        b'?' => {
                            if let Some(r) = self.do_match(s + 1, ep + 1)? {
                                return Ok(Some(r));
                            }
                            p = ep + 1;
                            continue;
                        }
                        b'+' => return self.max_expand(s + 1, p, ep),
                        b'*' => return self.max_expand(s, p, ep),
                        b'-' => return self.min_expand(s, p, ep),
                        _ => {
                            s += 1;
                            p = ep;
                            continue;
                        }
                    }
                }
            }
        }
    }

    /// Pushes capture `i` (or the whole match `s..e` when there are none and `i` is 0).
    unsafe fn push_onecapture(&self, i: usize, s: usize, e: usize) -> Res<()> {
        if i >= self.level {
            if i != 0 {
                return Err(Fail::CaptureIndex(i as isize + 1));
            }
            push_bytes(self.l, &self.src[s..e]);
            return Ok(());
        }
        let (init, len) = self.cap(i);
        if len == CAP_UNFINISHED {
            return Err(Fail::Msg("unfinished capture"));
        }
        if len == CAP_POSITION {
            ffi::lua_pushinteger(self.l, init as ffi::lua_Integer + 1);
        } else {
            push_bytes(self.l, &self.src[init..init + len as usize]);
        }
        Ok(())
    }

    /// Pushes every capture (or the whole match when `whole` is given and there are none).
    unsafe fn push_captures(&self, whole: Option<(usize, usize)>) -> Res<c_int> {
        let n = if self.level == 0 && whole.is_some() {
            1
        } else {
            self.level
        };
        ffi::luaL_checkstack(self.l, n as c_int, c"too many captures".as_ptr());
        let (s, e) = whole.unwrap_or((0, 0));
        for i in 0..n {
            self.push_onecapture(i, s, e)?;
        }
        Ok(n as c_int)
    }
}

/// Lua's character classes, in the C locale (ASCII), as `match_class` of lstrlib.c.
fn match_class(c: u8, cl: u8) -> bool {
    let res = match cl.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c < 0x20 || c == 0x7f,
        b'd' => c.is_ascii_digit(),
        b'g' => (0x21..=0x7e).contains(&c),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => c == b' ' || (0x09..=0x0d).contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return cl == c,
    };
    if cl.is_ascii_lowercase() {
        res
    } else {
        !res
    }
}

unsafe fn push_bytes(l: State, b: &[u8]) {
    ffi::lua_pushlstring(l, b.as_ptr() as *const c_char, b.len());
}

/// The string argument at `arg` (numbers are converted, as `luaL_checklstring` does).
unsafe fn check_bytes<'a>(l: State, arg: c_int) -> &'a [u8] {
    let mut len = 0usize;
    let p = ffi::luaL_checklstring(l, arg, &mut len);
    std::slice::from_raw_parts(p as *const u8, len)
}

/// `posrelatI` of lstrlib.c: a 1-based start position clipped to the string.
fn posrelat_i(pos: ffi::lua_Integer, len: usize) -> usize {
    if pos > 0 {
        pos as usize
    } else if pos == 0 || pos < -(len as ffi::lua_Integer) {
        1
    } else {
        (len as ffi::lua_Integer + pos + 1) as usize
    }
}

/// A plain search in linear time (the C `lmemfind` is quadratic in the worst case, another way
/// to stay inside one C call for hours).
fn find_plain(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

unsafe fn finish(l: State, r: Res<c_int>) -> c_int {
    raw::finish(l, r.map_err(Fail::message))
}

unsafe fn find_aux(l: State, find: bool) -> c_int {
    let src = check_bytes(l, 1);
    let pat = check_bytes(l, 2);
    let init = posrelat_i(ffi::luaL_optinteger(l, 3, 1), src.len()) - 1;
    if init > src.len() {
        ffi::lua_pushnil(l);
        return 1;
    }
    if find && (ffi::lua_toboolean(l, 4) != 0 || !pat.iter().any(|c| SPECIALS.contains(c))) {
        if let Some(at) = find_plain(&src[init..], pat) {
            let start = init + at;
            ffi::lua_pushinteger(l, start as ffi::lua_Integer + 1);
            ffi::lua_pushinteger(l, (start + pat.len()) as ffi::lua_Integer);
            return 2;
        }
        ffi::lua_pushnil(l);
        return 1;
    }
    let anchor = pat.first() == Some(&b'^');
    let pat = if anchor { &pat[1..] } else { pat };
    let mut ms = MatchState::new(l, src, pat);
    let r = (|| {
        let mut s1 = init;
        loop {
            ms.reprep();
            if let Some(e) = ms.do_match(s1, 0)? {
                if find {
                    ffi::lua_pushinteger(l, s1 as ffi::lua_Integer + 1);
                    ffi::lua_pushinteger(l, e as ffi::lua_Integer);
                    return Ok(ms.push_captures(None)? + 2);
                }
                return ms.push_captures(Some((s1, e)));
            }
            s1 += 1;
            if s1 > src.len() || anchor {
                break;
            }
        }
        ffi::lua_pushnil(l);
        Ok(1)
    })();
    finish(l, r)
}

/// `string.find(s, pattern [, init [, plain]])`.
pub(crate) unsafe extern "C-unwind" fn find(l: State) -> c_int {
    find_aux(l, true)
}

/// `string.match(s, pattern [, init])`.
pub(crate) unsafe extern "C-unwind" fn str_match(l: State) -> c_int {
    find_aux(l, false)
}

/// Where a `gmatch` iterator is: the next start and the end of the last match.
#[repr(C)]
struct GMatch {
    src: usize,
    lastmatch: usize,
    has_last: bool,
}

/// The iterator `gmatch` returns: upvalues 1 the subject, 2 the pattern, 3 its position.
unsafe extern "C-unwind" fn gmatch_aux(l: State) -> c_int {
    let mut len = 0usize;
    let s = ffi::lua_tolstring(l, ffi::lua_upvalueindex(1), &mut len);
    let src = std::slice::from_raw_parts(s as *const u8, len);
    let p = ffi::lua_tolstring(l, ffi::lua_upvalueindex(2), &mut len);
    let pat = std::slice::from_raw_parts(p as *const u8, len);
    let gm = ffi::lua_touserdata(l, ffi::lua_upvalueindex(3)) as *mut GMatch;
    if gm.is_null() {
        return 0;
    }
    let mut ms = MatchState::new(l, src, pat);
    let r = (|| {
        let mut start = (*gm).src;
        while start <= src.len() {
            ms.reprep();
            if let Some(e) = ms.do_match(start, 0)? {
                if !((*gm).has_last && (*gm).lastmatch == e) {
                    (*gm).src = e;
                    (*gm).lastmatch = e;
                    (*gm).has_last = true;
                    return ms.push_captures(Some((start, e)));
                }
            }
            start += 1;
        }
        (*gm).src = start;
        Ok(0)
    })();
    finish(l, r)
}

/// `string.gmatch(s, pattern [, init])`.
pub(crate) unsafe extern "C-unwind" fn gmatch(l: State) -> c_int {
    let src = check_bytes(l, 1);
    check_bytes(l, 2);
    let mut init = posrelat_i(ffi::luaL_optinteger(l, 3, 1), src.len()) - 1;
    if init > src.len() {
        init = src.len() + 1;
    }
    ffi::lua_settop(l, 2);
    let gm = ffi::lua_newuserdatauv(l, std::mem::size_of::<GMatch>(), 0) as *mut GMatch;
    gm.write(GMatch {
        src: init,
        lastmatch: 0,
        has_last: false,
    });
    ffi::lua_pushcclosure(l, gmatch_aux, 3);
    1
}

/// Adds the replacement string (argument 3) for the match `s..e`, with `%0`-`%9` expanded.
unsafe fn add_s(ms: &MatchState, b: *mut ffi::luaL_Buffer, s: usize, e: usize) -> Res<()> {
    let l = ms.l;
    let mut len = 0usize;
    let news = ffi::lua_tolstring(l, 3, &mut len);
    let news = std::slice::from_raw_parts(news as *const u8, len);
    let mut i = 0;
    while i < news.len() {
        let Some(at) = news[i..].iter().position(|&c| c == L_ESC) else {
            break;
        };
        let esc = i + at;
        ffi::luaL_addlstring(b, news[i..].as_ptr() as *const c_char, at);
        let c = news.get(esc + 1).copied().unwrap_or(0);
        if c == L_ESC {
            ffi::luaL_addlstring(b, [L_ESC].as_ptr() as *const c_char, 1);
        } else if c == b'0' {
            ffi::luaL_addlstring(b, ms.src[s..].as_ptr() as *const c_char, e - s);
        } else if c.is_ascii_digit() {
            let idx = (c - b'1') as usize;
            ms.push_onecapture(idx, s, e)?;
            // A position was pushed as a number, a string as a string: both convert.
            ffi::luaL_addvalue(b);
        } else {
            return Err(Fail::Msg("invalid use of '%' in replacement string"));
        }
        i = esc + 2;
    }
    if i < news.len() {
        ffi::luaL_addlstring(b, news[i..].as_ptr() as *const c_char, news.len() - i);
    }
    Ok(())
}

/// Adds the replacement for the match `s..e`; true when the subject changed.
unsafe fn add_value(
    ms: &MatchState,
    b: *mut ffi::luaL_Buffer,
    s: usize,
    e: usize,
    tr: c_int,
) -> Res<bool> {
    let l = ms.l;
    match tr {
        ffi::LUA_TFUNCTION => {
            ffi::lua_pushvalue(l, 3);
            let n = ms.push_captures(Some((s, e)))?;
            ffi::lua_call(l, n, 1);
        }
        ffi::LUA_TTABLE => {
            ms.push_onecapture(0, s, e)?;
            ffi::lua_gettable(l, 3);
        }
        _ => {
            add_s(ms, b, s, e)?;
            return Ok(true);
        }
    }
    if ffi::lua_toboolean(l, -1) == 0 {
        ffi::lua_settop(l, -2);
        ffi::luaL_addlstring(b, ms.src[s..].as_ptr() as *const c_char, e - s);
        return Ok(false);
    }
    if ffi::lua_isstring(l, -1) == 0 {
        let msg = format!(
            "invalid replacement value (a {})",
            std::ffi::CStr::from_ptr(ffi::luaL_typename(l, -1)).to_string_lossy()
        );
        return Err(Fail::Text(msg));
    }
    ffi::luaL_addvalue(b);
    Ok(true)
}

/// `string.gsub(s, pattern, repl [, n])`.
pub(crate) unsafe extern "C-unwind" fn gsub(l: State) -> c_int {
    let src = check_bytes(l, 1);
    let pat = check_bytes(l, 2);
    let tr = ffi::lua_type(l, 3);
    let max_s = ffi::luaL_optinteger(l, 4, src.len() as ffi::lua_Integer + 1);
    if !matches!(
        tr,
        ffi::LUA_TNUMBER | ffi::LUA_TSTRING | ffi::LUA_TFUNCTION | ffi::LUA_TTABLE
    ) {
        return type_error(l, 3, "string/function/table");
    }
    let anchor = pat.first() == Some(&b'^');
    let pat = if anchor { &pat[1..] } else { pat };
    let mut b: ffi::luaL_Buffer = std::mem::zeroed();
    ffi::luaL_buffinit(l, &mut b);
    let mut ms = MatchState::new(l, src, pat);
    let r = (|| {
        let mut s = 0usize;
        // Bytes from here to `s` were skipped and are still to be copied (C copies them one
        // call at a time; one call per run of them is the same text).
        let mut kept = 0usize;
        let mut lastmatch: Option<usize> = None;
        let mut n: ffi::lua_Integer = 0;
        let mut changed = false;
        while n < max_s {
            ms.reprep();
            let e = ms.do_match(s, 0)?;
            match e {
                Some(e) if Some(e) != lastmatch => {
                    n += 1;
                    ffi::luaL_addlstring(&mut b, src[kept..].as_ptr() as *const c_char, s - kept);
                    changed |= add_value(&ms, &mut b, s, e, tr)?;
                    s = e;
                    kept = e;
                    lastmatch = Some(e);
                }
                _ if s < src.len() => s += 1,
                _ => break,
            }
            if anchor {
                break;
            }
        }
        if !changed {
            ffi::lua_pushvalue(l, 1);
        } else {
            ffi::luaL_addlstring(
                &mut b,
                src[kept..].as_ptr() as *const c_char,
                src.len() - kept,
            );
            ffi::luaL_pushresult(&mut b);
        }
        ffi::lua_pushinteger(l, n);
        Ok(2)
    })();
    finish(l, r)
}

/// `luaL_typeerror`: "bad argument #arg to 'f' (expected expected, got type)".
unsafe fn type_error(l: State, arg: c_int, expected: &str) -> c_int {
    let msg = format!("{expected} expected, got {}", raw::type_name(l, arg));
    raw::push_str(l, &msg);
    drop(msg);
    ffi::luaL_argerror(l, arg, ffi::lua_tolstring(l, -1, std::ptr::null_mut()))
}

/// Replaces `find`, `match`, `gmatch` and `gsub` of the real `string` table (which the
/// sandbox's `string` and the string metatable both read) with the ported functions.
pub(crate) fn install(lua: &mlua::Lua, string: &mlua::Table) -> mlua::Result<()> {
    for (name, f) in [
        ("find", find as ffi::lua_CFunction),
        ("match", str_match),
        ("gmatch", gmatch),
        ("gsub", gsub),
    ] {
        // SAFETY: the functions follow the C API's protocol; they hold no Rust value with a
        // destructor where Lua may raise.
        let f = unsafe { lua.create_c_function(f)? };
        string.raw_set(name, f)?;
    }
    Ok(())
}
