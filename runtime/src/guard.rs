//! The time budget: a watchdog thread that arms a Lua count hook only once a call into Lua
//! has run longer than half the budget, so well-behaved frames pay nothing.
//!
//! The Lua side writes a sequence number into `W[1]` before every callback (0 between
//! callbacks). Once armed, the hook runs every [`HOOK_COUNT`] instructions on the main state and
//! on every coroutine being resumed; it remembers when it first saw the current sequence number
//! and raises "script exceeded its time budget" once that number has been running for the whole
//! budget. While that callback runs the hook stays armed, so an endless loop around a `pcall`
//! keeps getting the error until it reaches the engine's runner. Once the hook sees another
//! callback, the call is merely long (a big world), not stuck: it disarms itself and the
//! watchdog waits another half budget, so long frames of short callbacks run unhooked.
//!
//! The debugger (`debug/`) shares the hook: [`hook`] takes count events for the budget and
//! line events for the debugger, and every `lua_sethook` here keeps the other's mask.

use mlua::ffi;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Instructions between two hook calls once armed.
pub(crate) const HOOK_COUNT: c_int = 1000;

/// `last_seq` before the hook has seen a callback in the current armed period.
const UNSEEN: i64 = -1;

/// Registry key holding a light userdata pointer to the [`Guard`].
pub(crate) const REGISTRY_KEY: &CStr = c"crescent.guard";

pub(crate) struct Guard {
    pub budget: Duration,
    epoch: Instant,
    pub armed: AtomicBool,
    last_seq: AtomicI64,
    first_seen: AtomicU64,
    pub w_ref: AtomicI32,
    escalated: AtomicBool,
    /// Set by the allocator (`memory.rs`) while memory is past the limit: the hook then raises
    /// the memory error at the next script instruction.
    memory_over: AtomicBool,
    /// The limit, in bytes, for the message.
    pub memory_limit: AtomicU64,
    /// The debugger's hook mask (0 or `LUA_MASKLINE`), kept on every state the guard hooks.
    debug_mask: AtomicI32,
    /// The attached debugger, or null.
    debugger: AtomicPtr<crate::debug::DebugCell>,
    state: Mutex<GuardState>,
}

#[derive(Default)]
struct GuardState {
    active: bool,
    since_ns: u64,
    main: Vec<usize>,
    threads: Vec<usize>,
    shutdown: bool,
}

impl Guard {
    pub fn new(budget: Duration) -> Guard {
        Guard {
            budget,
            epoch: Instant::now(),
            armed: AtomicBool::new(false),
            last_seq: AtomicI64::new(0),
            first_seen: AtomicU64::new(0),
            w_ref: AtomicI32::new(0),
            escalated: AtomicBool::new(false),
            memory_over: AtomicBool::new(false),
            memory_limit: AtomicU64::new(0),
            debug_mask: AtomicI32::new(0),
            debugger: AtomicPtr::new(std::ptr::null_mut()),
            state: Mutex::new(GuardState::default()),
        }
    }

    fn now_ns(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    fn lock(&self) -> MutexGuard<'_, GuardState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn enabled(&self) -> bool {
        !self.budget.is_zero()
    }

    /// Whether the states being run are tracked: for the budget, or for a debugger.
    fn tracking(&self) -> bool {
        self.enabled() || !self.debugger().is_null()
    }

    /// The attached debugger, or null.
    pub fn debugger(&self) -> *const crate::debug::DebugCell {
        self.debugger.load(Ordering::Acquire)
    }

    /// Attaches (or with null, detaches) the debugger the line hook serves.
    pub fn set_debugger(&self, d: *const crate::debug::DebugCell) {
        self.debugger.store(d as *mut _, Ordering::Release);
        if d.is_null() {
            self.set_debug_mask(0);
        }
    }

    /// Sets the debugger's mask on every state being run, keeping the budget's count hook.
    pub fn set_debug_mask(&self, mask: c_int) {
        if self.debug_mask.swap(mask, Ordering::Relaxed) == mask {
            return;
        }
        let st = self.lock();
        let count = self.current_count();
        for &l in st.main.iter().chain(st.threads.iter()) {
            // SAFETY: on the Lua thread; the main states live as long as the guard's Lua
            // state, the threads while they are being resumed.
            unsafe { self.apply(l as *mut ffi::lua_State, count) };
        }
    }

    /// The count the budget's hook runs with now (0: off).
    fn current_count(&self) -> c_int {
        if self.memory_over.load(Ordering::Relaxed) || self.escalated.load(Ordering::Relaxed) {
            1
        } else if self.armed.load(Ordering::Relaxed) {
            HOOK_COUNT
        } else {
            0
        }
    }

    /// Sets `l`'s hook: the budget's count (0: none) and the debugger's mask.
    ///
    /// # Safety
    /// `l` is a live state of this guard's Lua state (`lua_sethook` may be called from another
    /// thread: lua.c does it from a signal handler).
    unsafe fn apply(&self, l: *mut ffi::lua_State, count: c_int) {
        let mask = self.debug_mask.load(Ordering::Relaxed)
            | if count > 0 { ffi::LUA_MASKCOUNT } else { 0 };
        if mask == 0 {
            ffi::lua_sethook(l, None, 0, 0);
        } else {
            ffi::lua_sethook(l, Some(hook), mask, count.max(0));
        }
    }

    /// A debugger stopped the game: the stopped callback is not overrunning, so the watchdog
    /// leaves it alone until [`Guard::resume`].
    pub fn suspend(&self) {
        self.lock().active = false;
    }

    /// The stopped game runs again: the running callback's budget starts over.
    pub fn resume(&self) {
        let mut st = self.lock();
        st.active = true;
        st.since_ns = self.now_ns();
        self.first_seen.store(self.now_ns(), Ordering::Relaxed);
    }

    /// `W[1]`: the sequence number of the callback running now (0: none).
    ///
    /// # Safety
    /// `l` is a thread of this guard's Lua state, on the Lua thread, with a free stack slot.
    pub unsafe fn running_seq(&self, l: *mut ffi::lua_State) -> i64 {
        running_seq(l, self)
    }

    /// Called on the Lua thread before Rust calls into Lua; `main` are the states Rust calls on.
    pub fn begin(&self, main: &[usize]) {
        if !self.tracking() {
            return;
        }
        let mut st = self.lock();
        st.active = true;
        st.since_ns = self.now_ns();
        st.main.clear();
        st.main.extend_from_slice(main);
        st.threads.clear();
        if self.memory_over.load(Ordering::SeqCst) {
            self.hook_all(&st, 1);
        } else if self.debug_mask.load(Ordering::Relaxed) != 0 {
            // The debugger's hook, set while no call was under way.
            self.hook_all(&st, self.current_count());
        }
    }

    /// From the allocator: memory is past the limit. Hooks every state being run at every
    /// instruction, so the running script gets the error at its line.
    pub fn memory_over(&self) {
        if !self.enabled() || self.memory_over.swap(true, Ordering::SeqCst) {
            return;
        }
        let st = self.lock();
        if st.active {
            self.hook_all(&st, 1);
        }
    }

    /// From the allocator: memory is under the limit again.
    pub fn memory_back(&self) {
        if self.memory_over.load(Ordering::Relaxed) {
            self.memory_over.store(false, Ordering::SeqCst);
        }
    }

    /// Called on the Lua thread after the call into Lua returned: disarms the hook.
    pub fn end(&self) {
        if !self.tracking() {
            return;
        }
        let mut st = self.lock();
        st.active = false;
        self.escalated.store(false, Ordering::SeqCst);
        if self.armed.swap(false, Ordering::SeqCst) {
            for &l in st.main.iter().chain(st.threads.iter()) {
                // SAFETY: these states belong to the Lua state this guard serves; we are on the
                // thread that runs it, between calls.
                unsafe { self.apply(l as *mut ffi::lua_State, 0) };
            }
        }
        st.threads.clear();
    }

    fn arm_if_overrun(&self) -> bool {
        let st = self.lock();
        if st.shutdown {
            return false;
        }
        if st.active
            && !self.armed.load(Ordering::SeqCst)
            && self.now_ns().saturating_sub(st.since_ns) >= (self.budget.as_nanos() as u64) / 2
        {
            // The hook has seen no callback yet in this armed period.
            self.last_seq.store(UNSEEN, Ordering::SeqCst);
            self.armed.store(true, Ordering::SeqCst);
            // The states stay alive while `active` is set, which we hold the lock of.
            self.hook_all(&st, HOOK_COUNT);
        }
        true
    }

    /// Re-arms the hook with `count` on every state being run (from the hook, Lua thread).
    fn set_count(&self, count: c_int) {
        let st = self.lock();
        for &l in st.main.iter().chain(st.threads.iter()) {
            // SAFETY: on the Lua thread, with states that are running or being resumed.
            unsafe { self.apply(l as *mut ffi::lua_State, count) };
        }
    }

    /// Lua thread, from the hook: the callback seen when the hook was armed has finished, so
    /// the call into Lua is long (a big world) but no callback is stuck. Disarms the hook and
    /// restarts the watchdog's half-budget wait, so long frames of short callbacks run unhooked.
    fn disarm_on_progress(&self) {
        let mut st = self.lock();
        self.escalated.store(false, Ordering::SeqCst);
        if self.armed.swap(false, Ordering::SeqCst) {
            for &l in st.main.iter().chain(st.threads.iter()) {
                // SAFETY: on the Lua thread, with states that are running or being resumed.
                unsafe { self.apply(l as *mut ffi::lua_State, 0) };
            }
        }
        st.since_ns = self.now_ns();
    }

    pub fn shutdown(&self) {
        self.lock().shutdown = true;
    }

    fn enter_thread(&self, l: *mut ffi::lua_State) {
        let mut st = self.lock();
        st.threads.push(l as usize);
        // Always set: a coroutine starts with the hook its creator had then.
        // SAFETY: called on the Lua thread with a live coroutine about to be resumed.
        unsafe { self.apply(l, self.current_count()) };
    }

    fn leave_thread(&self) {
        let mut st = self.lock();
        st.threads.pop();
    }

    fn depth(&self) -> usize {
        self.lock().threads.len()
    }
}

impl Guard {
    /// Sets the hook with `count` on every state being run.
    fn hook_all(&self, st: &GuardState, count: c_int) {
        for &l in st.main.iter().chain(st.threads.iter()) {
            // SAFETY: lua_sethook may be called asynchronously (lua.c does it from a signal
            // handler); the states are alive while the guard is active.
            unsafe { self.apply(l as *mut ffi::lua_State, count) };
        }
    }
}

/// Starts the watchdog thread; it ends when [`Guard::shutdown`] is called and it is unparked.
pub(crate) fn spawn_watchdog(guard: Arc<Guard>) -> Option<std::thread::JoinHandle<()>> {
    if !guard.enabled() {
        return None;
    }
    let poll = (guard.budget / 8).clamp(Duration::from_micros(500), Duration::from_millis(10));
    std::thread::Builder::new()
        .name("crescent-watchdog".into())
        .spawn(move || {
            while guard.arm_if_overrun() {
                std::thread::park_timeout(poll);
            }
        })
        .ok()
}

/// `W[1]`: the sequence number of the callback running now (0: none).
unsafe fn running_seq(l: *mut ffi::lua_State, g: &Guard) -> i64 {
    ffi::lua_rawgeti(
        l,
        ffi::LUA_REGISTRYINDEX,
        g.w_ref.load(Ordering::Relaxed) as ffi::lua_Integer,
    );
    ffi::lua_rawgeti(l, -1, 1);
    let seq = ffi::lua_tointegerx(l, -1, std::ptr::null_mut());
    ffi::lua_pop(l, 2);
    seq
}

unsafe fn guard_from_registry(l: *mut ffi::lua_State) -> *const Guard {
    ffi::lua_getfield(l, ffi::LUA_REGISTRYINDEX, REGISTRY_KEY.as_ptr());
    let p = ffi::lua_touserdata(l, -1) as *const Guard;
    ffi::lua_pop(l, 1);
    p
}

/// The hook: line events go to the debugger; count events raise the budget error once the
/// running callback has had its budget.
unsafe extern "C-unwind" fn hook(l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug) {
    let g = guard_from_registry(l);
    if g.is_null() {
        ffi::lua_sethook(l, None, 0, 0);
        return;
    }
    let g = &*g;
    if (*ar).event != ffi::LUA_HOOKCOUNT {
        crate::debug::line_event(l, ar, g);
        return;
    }
    if g.memory_over.load(Ordering::Relaxed) {
        if ffi::lua_gc(l, ffi::LUA_GCISRUNNING) == 0 {
            // The automatic collector is stopped while tracing (`gc.rs`): the garbage it
            // would have collected by now is still there. Collect it before blaming the script;
            // the frees clear the flag when memory is back under the limit.
            ffi::lua_gc(l, ffi::LUA_GCCOLLECT);
            if !g.memory_over.load(Ordering::Relaxed) {
                return;
            }
        }
        memory_error(l, g, ar);
        return;
    }
    if !g.armed.load(Ordering::Relaxed) {
        g.apply(l, 0);
        return;
    }
    let seq = running_seq(l, g);
    if seq == 0 {
        if g.escalated.swap(false, Ordering::Relaxed) {
            g.set_count(HOOK_COUNT);
        }
        return;
    }
    let now = g.now_ns();
    let last = g.last_seq.swap(seq, Ordering::Relaxed);
    if last == UNSEEN {
        g.first_seen.store(now, Ordering::Relaxed);
        return;
    }
    if last != seq {
        g.disarm_on_progress();
        return;
    }
    if now.saturating_sub(g.first_seen.load(Ordering::Relaxed)) < g.budget.as_nanos() as u64 {
        return;
    }
    // The engine's own Lua code (the prelude) is never interrupted: it is finite, and an error
    // raised there would escape the runner that attributes errors to instances.
    ffi::lua_getinfo(l, c"Sl".as_ptr(), ar);
    if !(*ar).source.is_null()
        && CStr::from_ptr((*ar).source)
            .to_bytes()
            .starts_with(b"=crescent/")
    {
        return;
    }
    // From now on the hook runs at every instruction, so a `pcall` around the loop cannot
    // swallow the error: the first instruction after it returns raises it again.
    if !g.escalated.swap(true, Ordering::Relaxed) {
        g.set_count(1);
    }
    // Build the message in a scope of its own: nothing with a destructor may be alive when
    // lua_error jumps out of this function.
    {
        let src = CStr::from_ptr((*ar).short_src.as_ptr()).to_string_lossy();
        let msg = format!(
            "{}:{}: script exceeded its time budget of {} ms",
            src,
            (*ar).currentline,
            g.budget.as_millis()
        );
        ffi::lua_pushlstring(l, msg.as_ptr() as *const c_char, msg.len());
    }
    ffi::lua_error(l);
}

/// The memory error, at the script's line; nothing in the engine's own code (the prelude runs
/// on: it collects the faulted instance's garbage, which brings memory back under the limit).
unsafe fn memory_error(l: *mut ffi::lua_State, g: &Guard, ar: *mut ffi::lua_Debug) {
    ffi::lua_getinfo(l, c"Sl".as_ptr(), ar);
    if (*ar).source.is_null()
        || CStr::from_ptr((*ar).source)
            .to_bytes()
            .starts_with(b"=crescent/")
    {
        return;
    }
    {
        let src = CStr::from_ptr((*ar).short_src.as_ptr()).to_string_lossy();
        let mib = g.memory_limit.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
        let msg = format!(
            "{}:{}: not enough memory: the world's scripts reached their memory limit of {} MiB (Config::memory_limit)",
            src,
            (*ar).currentline,
            mib
        );
        ffi::lua_pushlstring(l, msg.as_ptr() as *const c_char, msg.len());
    }
    ffi::lua_error(l);
}

/// For long C functions of the engine (pattern matching): whether the running callback has had
/// its whole budget, with the message to raise. The same test the count hook makes, for code
/// where no hook can fire: it acts only once the watchdog has armed the guard.
pub(crate) unsafe fn c_call_overran(l: *mut ffi::lua_State) -> Option<String> {
    let g = guard_from_registry(l);
    if g.is_null() {
        return None;
    }
    let g = &*g;
    if !g.armed.load(Ordering::Relaxed) {
        return None;
    }
    let seq = running_seq(l, g);
    if seq == 0 {
        return None;
    }
    let now = g.now_ns();
    let last = g.last_seq.swap(seq, Ordering::Relaxed);
    if last == UNSEEN || last != seq {
        // The callback seen last has finished (or none was seen yet): this one starts its
        // count now, as the hook would.
        g.first_seen.store(now, Ordering::Relaxed);
        return None;
    }
    if now.saturating_sub(g.first_seen.load(Ordering::Relaxed)) < g.budget.as_nanos() as u64 {
        return None;
    }
    Some(format!(
        "script exceeded its time budget of {} ms",
        g.budget.as_millis()
    ))
}

/// `H.guard_enter(co)`: records a coroutine about to be resumed (and hooks it when armed).
/// The coroutine is also anchored in `W[2][depth]`, so a pointer in the guard's list always
/// names a live coroutine even if an error skips `guard_leave`.
pub(crate) unsafe extern "C-unwind" fn guard_enter(l: *mut ffi::lua_State) -> c_int {
    let g = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Guard;
    let co = ffi::lua_tothread(l, 1);
    if g.is_null() || co.is_null() || !(*g).tracking() {
        return 0;
    }
    let depth = (*g).depth() + 1;
    // Anchor first: this may raise a memory error, and nothing is recorded yet.
    ffi::lua_rawgeti(
        l,
        ffi::LUA_REGISTRYINDEX,
        (*g).w_ref.load(Ordering::Relaxed) as ffi::lua_Integer,
    );
    ffi::lua_rawgeti(l, -1, 2);
    ffi::lua_pushvalue(l, 1);
    ffi::lua_rawseti(l, -2, depth as ffi::lua_Integer);
    ffi::lua_pop(l, 2);
    (*g).enter_thread(co);
    0
}

/// `H.guard_leave([seq])`: the coroutine resumed last has yielded or finished. With `seq`,
/// also sets `W[1] = seq` before any Lua instruction runs, so the task scheduler can leave a
/// task that overran without the hook firing again in the scheduler's own code.
pub(crate) unsafe extern "C-unwind" fn guard_leave(l: *mut ffi::lua_State) -> c_int {
    let g = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Guard;
    if g.is_null() {
        return 0;
    }
    if (*g).tracking() {
        (*g).leave_thread();
    }
    let mut isnum: c_int = 0;
    let seq = ffi::lua_tointegerx(l, 1, &mut isnum);
    if isnum != 0 {
        ffi::lua_rawgeti(
            l,
            ffi::LUA_REGISTRYINDEX,
            (*g).w_ref.load(Ordering::Relaxed) as ffi::lua_Integer,
        );
        ffi::lua_pushinteger(l, seq);
        ffi::lua_rawseti(l, -2, 1);
        ffi::lua_pop(l, 1);
    }
    0
}

/// The message handler of the runner's `xpcall`: `{ error value, script frames }` (see
/// `stack.rs`), and `W[1] = 0`
/// so the budget hook stops firing once the error has reached the runner.
pub(crate) unsafe extern "C-unwind" fn handler(l: *mut ffi::lua_State) -> c_int {
    let g = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Guard;
    if !g.is_null() {
        // A debugger breaking on errors stops here, on the frames that raised it.
        crate::debug::error_event(l, &*g, 1);
        ffi::lua_rawgeti(
            l,
            ffi::LUA_REGISTRYINDEX,
            (*g).w_ref.load(Ordering::Relaxed) as ffi::lua_Integer,
        );
        ffi::lua_pushinteger(l, 0);
        ffi::lua_rawseti(l, -2, 1);
        ffi::lua_pop(l, 1);
    }
    ffi::lua_createtable(l, 2, 0);
    ffi::lua_pushvalue(l, 1);
    ffi::lua_rawseti(l, -2, 1);
    crate::stack::push_frames(l, l, 1);
    ffi::lua_rawseti(l, -2, 2);
    1
}

pub(crate) fn as_ptr(g: &Arc<Guard>) -> *mut c_void {
    Arc::as_ptr(g) as *mut c_void
}
