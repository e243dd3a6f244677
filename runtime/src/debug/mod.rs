//! The debugger's game side: line breakpoints (conditions, hit counts, logpoints), stepping,
//! pause, break on script errors, and the stopped state (stack, scopes, variables, evaluate),
//! served to one debugger over a [`DebugLink`] (the dev channel's, for `crescent dap`).
//!
//! Cost: nothing while no breakpoint is set. With breakpoints, the runner turns the line hook
//! on only around the callbacks of scripts that can reach one (the file itself and the scripts
//! that require a module holding one); every other callback runs unhooked. A step or a pause
//! hooks every callback until it ends. The hook is the time budget's (`guard.rs`): one function,
//! both masks combined, so neither removes the other's.
//!
//! Stopping blocks the Lua thread where it stopped (in the line hook, in the runner's error
//! handler, or between frames) and serves the debugger's requests until it continues: game time
//! does not advance, the time budget is suspended, and saves wait until the frame has finished.

pub(crate) mod lines;

use crate::guard::Guard;
use crate::host::SharedRef;
use crescent_api::dev::{
    BreakpointSpec, BreakpointState, DebugFrame, DebugRequest, DebugResult, DebugScope,
    DebugVariable, FromGame, StepKind, StopReason,
};
use crescent_api::Event;
use mlua::ffi;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The Lua side: rendering, expanding and compiling in a frame's scope.
pub(crate) const INSPECT: &str = include_str!("inspect.lua");

/// How long an `evaluate`, a condition or a logpoint expression may run.
const EVAL_BUDGET: Duration = Duration::from_millis(500);

/// How often a stopped game checks that its debugger is still there.
const STOPPED_POLL: Duration = Duration::from_millis(250);

/// Where a debugger's requests come from and its answers go. The dev channel makes one
/// (`DevChannel::debug_link`); a host with its own transport makes one with [`DebugLink::new`].
pub struct DebugLink {
    incoming: Receiver<DebugIncoming>,
    out: Box<Sink>,
    quit: Option<Arc<AtomicBool>>,
}

/// Sends a message to one connection.
type Sink = dyn Fn(u64, &FromGame) + Send;

/// A message for the game's debugger.
#[derive(Debug)]
pub enum DebugIncoming {
    /// A request from the connection `client`, to be answered with `id`.
    Request {
        /// The connection.
        client: u64,
        /// Echoed in the `debug_reply`.
        id: u64,
        /// What it asks.
        request: DebugRequest,
    },
    /// The connection `client` closed: if it was the debugger, its breakpoints go and a
    /// stopped game continues.
    Gone {
        /// The connection.
        client: u64,
    },
}

impl DebugLink {
    /// A link reading requests from `incoming` and sending what the game says to a connection
    /// with `out(client, message)`.
    pub fn new(
        incoming: Receiver<DebugIncoming>,
        out: impl Fn(u64, &FromGame) + Send + 'static,
    ) -> DebugLink {
        DebugLink {
            incoming,
            out: Box::new(out),
            quit: None,
        }
    }

    /// A game that is asked to end (Ctrl-C) sets `flag`: a stopped game then lets the
    /// debugger go (breakpoints cleared, as on a detach) and runs on to its end instead of
    /// waiting for a `continue` that may never come.
    pub fn quit_when(mut self, flag: Arc<AtomicBool>) -> DebugLink {
        self.quit = Some(flag);
        self
    }
}

struct Bp {
    spec: BreakpointSpec,
    state: BreakpointState,
    hits: u32,
}

struct Step {
    kind: StepKind,
    /// The state the step began on.
    thread: usize,
    /// Its stack depth then.
    depth: c_int,
    /// The callback running then (`W[1]`): once another runs, the step began has ended.
    seq: i64,
    /// A registry reference anchoring `thread` when it is a coroutine (a task).
    anchor: c_int,
}

/// What a reference of the stopped state stands for.
#[derive(Clone, Copy)]
enum Target {
    Locals(c_int),
    Upvalues(c_int),
    /// A value anchored at this index of the stop's anchor table.
    Value(ffi::lua_Integer),
}

/// The current stop.
struct Stopped {
    l: *mut ffi::lua_State,
    targets: Vec<Target>,
    /// Registry reference of a table anchoring expanded values.
    anchors: c_int,
}

/// The debugger's state, owned by the [`crate::Runtime`] and reached from the hook through
/// the [`Guard`].
pub(crate) struct Debugger {
    link: DebugLink,
    client: Option<u64>,
    ready: bool,
    break_on_errors: bool,
    files: BTreeMap<String, Vec<Bp>>,
    pause: bool,
    step: Option<Step>,
    root: PathBuf,
    /// Registry references: the inspect helper table, the prelude's `DBG` table.
    helper: c_int,
    dbg: c_int,
    guard: Arc<Guard>,
    shared: SharedRef,
    stopped: Option<Stopped>,
    /// Wall time spent stopped since [`Debugger::take_stopped_time`].
    stopped_for: Duration,
}

/// The box the [`Guard`] points at.
pub(crate) type DebugCell = RefCell<Debugger>;

impl Debugger {
    pub(crate) fn new(
        link: DebugLink,
        root: PathBuf,
        helper: c_int,
        dbg: c_int,
        guard: Arc<Guard>,
        shared: SharedRef,
    ) -> Debugger {
        Debugger {
            link,
            client: None,
            ready: false,
            break_on_errors: false,
            files: BTreeMap::new(),
            pause: false,
            step: None,
            root,
            helper,
            dbg,
            guard,
            shared,
            stopped: None,
            stopped_for: Duration::ZERO,
        }
    }

    /// Wall time spent stopped since the last call.
    pub(crate) fn take_stopped_time(&mut self) -> Duration {
        std::mem::take(&mut self.stopped_for)
    }

    /// Whether a game started with `--wait-for-debugger` may begin.
    pub(crate) fn ready(&self) -> bool {
        self.ready
    }

    fn send(&self, message: &FromGame) {
        if let Some(client) = self.client {
            (self.link.out)(client, message);
        }
    }

    fn reply(&self, client: u64, id: u64, result: DebugResult) {
        (self.link.out)(client, &FromGame::DebugReply { id, result });
    }

    /// Between frames, on the Lua thread with no Lua running: serves what arrived.
    ///
    /// # Safety
    /// `l` is the main state of the Lua state this debugger serves, idle.
    pub(crate) unsafe fn service(&mut self, l: *mut ffi::lua_State) {
        while let Ok(message) = self.link.incoming.try_recv() {
            self.handle(l, message, false);
        }
    }

    /// After a frame: a pause that no script line took stops here, between frames.
    ///
    /// # Safety
    /// As [`Debugger::service`].
    pub(crate) unsafe fn after_frame(&mut self, l: *mut ffi::lua_State) {
        if self.pause && self.client.is_some() {
            self.pause = false;
            self.stop(l, StopReason::Pause, String::new());
        }
    }

    /// Handles one message; returns true when a stopped game should run again.
    unsafe fn handle(
        &mut self,
        l: *mut ffi::lua_State,
        message: DebugIncoming,
        stopped: bool,
    ) -> bool {
        let (client, id, request) = match message {
            DebugIncoming::Gone { client } => {
                if self.client == Some(client) {
                    self.detach(l);
                    return true;
                }
                return false;
            }
            DebugIncoming::Request {
                client,
                id,
                request,
            } => (client, id, request),
        };
        if !matches!(request, DebugRequest::Attach { .. }) && self.client != Some(client) {
            self.reply(
                client,
                id,
                error("this connection is not the game's debugger: send attach first"),
            );
            return false;
        }
        let mut resume = false;
        let result = match request {
            DebugRequest::Attach { break_on_errors } => {
                self.client = Some(client);
                self.break_on_errors = break_on_errors;
                DebugResult::Ok
            }
            DebugRequest::Ready => {
                self.ready = true;
                DebugResult::Ok
            }
            DebugRequest::SetBreakpoints { path, breakpoints } => {
                let result = self.set_breakpoints(l, &path, breakpoints);
                self.sync(l);
                result
            }
            DebugRequest::SetBreakOnErrors { on } => {
                self.break_on_errors = on;
                DebugResult::Ok
            }
            DebugRequest::Pause => {
                if !stopped {
                    self.pause = true;
                    self.sync(l);
                }
                DebugResult::Ok
            }
            DebugRequest::Continue => {
                resume = stopped;
                DebugResult::Ok
            }
            DebugRequest::Step { kind } => {
                if stopped {
                    self.begin_step(kind);
                    resume = true;
                    DebugResult::Ok
                } else {
                    error("the game is running: pause it first")
                }
            }
            DebugRequest::Detach => {
                self.detach(l);
                resume = stopped;
                DebugResult::Ok
            }
            DebugRequest::Stack => match &self.stopped {
                Some(s) => DebugResult::Stack {
                    frames: self.frames(s.l),
                },
                None => error("the game is running"),
            },
            DebugRequest::Scopes { frame } => self.scopes(frame as c_int),
            DebugRequest::Variables { reference } => self.variables(reference),
            DebugRequest::SetVariable {
                reference,
                name,
                value,
            } => self.set_variable(reference, &name, &value),
            DebugRequest::Evaluate { frame, expression } => {
                let frame = frame.map(|f| f as c_int).or_else(|| {
                    let s = self.stopped.as_ref()?;
                    stack(s.l).first().map(|f| f.id as c_int)
                });
                self.evaluate(frame.unwrap_or(0), &expression)
            }
        };
        self.reply(client, id, result);
        resume
    }

    fn detach(&mut self, l: *mut ffi::lua_State) {
        self.client = None;
        self.files.clear();
        self.pause = false;
        self.break_on_errors = false;
        self.ready = true;
        if let Some(step) = self.step.take() {
            // SAFETY: `l` is a thread of this state, on the Lua thread.
            unsafe { unref(l, step.anchor) };
        }
        // SAFETY: as above.
        unsafe { self.sync(l) };
    }

    /// Binds a file's breakpoints to the lines with code of its source on disk.
    unsafe fn set_breakpoints(
        &mut self,
        l: *mut ffi::lua_State,
        path: &str,
        specs: Vec<BreakpointSpec>,
    ) -> DebugResult {
        let path = match crate::normalize_script_path(path) {
            Ok(p) => p,
            Err(e) => return error(format!("{path}: {e}")),
        };
        let lines = std::fs::read(self.root.join(&path))
            .map_err(|e| format!("cannot read {path}: {e}"))
            .and_then(|source| chunk_lines(l, &path, &source));
        let bps: Vec<Bp> = specs
            .into_iter()
            .map(|spec| Bp {
                state: bind(&lines, spec.line),
                spec,
                hits: 0,
            })
            .collect();
        let states = bps.iter().map(|b| b.state.clone()).collect();
        if bps.is_empty() {
            self.files.remove(&path);
        } else {
            self.files.insert(path, bps);
        }
        DebugResult::Breakpoints {
            breakpoints: states,
        }
    }

    /// A script reloaded: its breakpoints bind again to the new source's lines.
    pub(crate) unsafe fn reloaded(&mut self, l: *mut ffi::lua_State, path: &str, source: &[u8]) {
        let Some(bps) = self.files.get_mut(path) else {
            return;
        };
        let lines = chunk_lines(l, path, source);
        let mut changed = false;
        for bp in bps.iter_mut() {
            let state = bind(&lines, bp.spec.line);
            changed |= state != bp.state;
            bp.state = state;
        }
        if changed {
            let breakpoints = bps.iter().map(|b| b.state.clone()).collect();
            self.send(&FromGame::BreakpointsChanged {
                path: path.to_string(),
                breakpoints,
            });
        }
    }

    /// Tells the runner which callbacks to hook (`DBG` in the prelude).
    unsafe fn sync(&self, l: *mut ffi::lua_State) {
        let all = self.pause || self.step.is_some();
        let on = all || !self.files.is_empty();
        let mut hot: BTreeSet<String> = self.files.keys().cloned().collect();
        if let Ok(shared) = self.shared.try_borrow() {
            // A module's functions run in the callbacks of the scripts that require it.
            let mut todo: Vec<String> = hot.iter().cloned().collect();
            while let Some(m) = todo.pop() {
                for (from, tos) in &shared.deps {
                    if tos.contains(&m) && hot.insert(from.clone()) {
                        todo.push(from.clone());
                    }
                }
            }
        }
        if ffi::lua_checkstack(l, 4) == 0 {
            return;
        }
        ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, self.dbg as ffi::lua_Integer);
        ffi::lua_pushboolean(l, on as c_int);
        ffi::lua_setfield(l, -2, c"on".as_ptr());
        ffi::lua_pushboolean(l, all as c_int);
        ffi::lua_setfield(l, -2, c"all".as_ptr());
        ffi::lua_createtable(l, 0, hot.len() as c_int);
        for path in &hot {
            ffi::lua_pushlstring(l, path.as_ptr() as *const c_char, path.len());
            ffi::lua_pushboolean(l, 1);
            ffi::lua_rawset(l, -3);
        }
        ffi::lua_setfield(l, -2, c"hot".as_ptr());
        ffi::lua_getfield(l, -1, c"version".as_ptr());
        let version = ffi::lua_tointegerx(l, -1, std::ptr::null_mut());
        ffi::lua_pop(l, 1);
        ffi::lua_pushinteger(l, version.wrapping_add(1));
        ffi::lua_setfield(l, -2, c"version".as_ptr());
        // The running list's hook flags are rewritten in place.
        ffi::lua_getfield(l, -1, c"refresh".as_ptr());
        if ffi::lua_pcall(l, 0, 0, 0) != ffi::LUA_OK {
            ffi::lua_pop(l, 1);
        }
        if !on {
            ffi::lua_pushboolean(l, 0);
            ffi::lua_setfield(l, -2, c"hooked".as_ptr());
            self.guard.set_debug_mask(0);
        } else if all {
            // The running callback too, not only the next ones.
            ffi::lua_pushboolean(l, 1);
            ffi::lua_setfield(l, -2, c"hooked".as_ptr());
            self.guard.set_debug_mask(ffi::LUA_MASKLINE);
        }
        ffi::lua_pop(l, 1);
    }

    fn begin_step(&mut self, kind: StepKind) {
        let Some(s) = &self.stopped else { return };
        let l = s.l;
        // SAFETY: `l` is the stopped state, on the Lua thread.
        unsafe {
            let anchor = if ffi::lua_pushthread(l) == 1 {
                ffi::lua_pop(l, 1);
                ffi::LUA_NOREF
            } else {
                ffi::luaL_ref(l, ffi::LUA_REGISTRYINDEX)
            };
            self.step = Some(Step {
                kind,
                thread: l as usize,
                depth: crate::stack::depth(l),
                seq: self.guard.running_seq(l),
                anchor,
            });
        }
    }

    /// Whether the step under way ends at this line of `l`.
    unsafe fn step_ends(&self, l: *mut ffi::lua_State, step: &Step) -> bool {
        if step.kind == StepKind::In {
            return true;
        }
        let same_callback = self.guard.running_seq(l) == step.seq;
        if l as usize == step.thread {
            let depth = crate::stack::depth(l);
            let limit = match step.kind {
                StepKind::Out => step.depth - 1,
                _ => step.depth,
            };
            return depth <= limit || (step.anchor == ffi::LUA_NOREF && !same_callback);
        }
        if step.anchor != ffi::LUA_NOREF {
            // Stepping in a task: its next line, after a `task.wait`, is the one wanted,
            // unless the task has ended.
            let co = step.thread as *mut ffi::lua_State;
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            let status = ffi::lua_status(co);
            return status != ffi::LUA_YIELD
                && !(status == ffi::LUA_OK && ffi::lua_getstack(co, 0, &mut ar) != 0);
        }
        // Stepping in the main state and a task runs: a new callback.
        true
    }

    /// The line hook.
    unsafe fn on_line(&mut self, l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug) {
        if self.client.is_none() || ffi::lua_getinfo(l, c"Sl".as_ptr(), ar) == 0 {
            return;
        }
        let Some(path) = script_path((*ar).source) else {
            return;
        };
        let line = (*ar).currentline.max(0) as u32;
        if let Some(step) = &self.step {
            if self.step_ends(l, step) {
                if let Some(step) = self.step.take() {
                    unref(l, step.anchor);
                }
                self.stop(l, StopReason::Step, String::new());
                return;
            }
        }
        if self.pause {
            self.pause = false;
            self.stop(l, StopReason::Pause, String::new());
            return;
        }
        let Some(bps) = self.files.get(path) else {
            return;
        };
        let Some(at) = bps
            .iter()
            .position(|b| b.state.verified && b.state.line == line)
        else {
            return;
        };
        let path = path.to_string();
        let spec = {
            let Some(bp) = self.files.get_mut(&path).and_then(|b| b.get_mut(at)) else {
                return;
            };
            bp.hits += 1;
            if !hit_matches(bp.spec.hit_condition.as_deref(), bp.hits) {
                return;
            }
            bp.spec.clone()
        };
        if let Some(condition) = spec.condition.as_deref().filter(|c| !c.trim().is_empty()) {
            match self.eval_truthy(l, 0, condition) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    self.log(
                        &path,
                        line,
                        "warn",
                        &format!("breakpoint condition `{condition}`: {e}"),
                    );
                    return;
                }
            }
        }
        if let Some(message) = spec.log_message.as_deref() {
            let text = self.interpolate(l, message);
            self.log(&path, line, "info", &text);
            return;
        }
        self.stop(l, StopReason::Breakpoint, String::new());
    }

    fn log(&self, path: &str, line: u32, level: &str, message: &str) {
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            shared.events.push(Event::Log {
                level: level.into(),
                message: message.into(),
                path: path.into(),
                line,
            });
        }
    }

    /// A logpoint's text with each `{expr}` replaced by its value.
    unsafe fn interpolate(&mut self, l: *mut ffi::lua_State, message: &str) -> String {
        let mut out = String::new();
        let mut rest = message;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let expr = &rest[open + 1..open + close];
            match self.eval_text(l, 0, expr) {
                Ok(v) => out.push_str(
                    v.strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(&v),
                ),
                Err(e) => out.push_str(&format!("{{error: {e}}}")),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// From the runner's error handler (`in_hook` false) or a failed task: a script error, with
    /// `l` still on the frames that raised it.
    pub(crate) unsafe fn on_error(&mut self, l: *mut ffi::lua_State, message: String) {
        if self.client.is_none() || !self.break_on_errors {
            return;
        }
        if message.contains("exceeded its time budget") || message.contains("not enough memory") {
            return;
        }
        self.stop(l, StopReason::Error, message);
    }

    /// Stops: tells the debugger, then serves it until it continues.
    unsafe fn stop(&mut self, l: *mut ffi::lua_State, reason: StopReason, text: String) {
        if ffi::lua_checkstack(l, 8) == 0 {
            return;
        }
        self.guard.suspend();
        let since = Instant::now();
        ffi::lua_createtable(l, 0, 0);
        let anchors = ffi::luaL_ref(l, ffi::LUA_REGISTRYINDEX);
        self.stopped = Some(Stopped {
            l,
            targets: Vec::new(),
            anchors,
        });
        let (path, line) = stack(l)
            .first()
            .map(|f| (f.path.clone(), f.line))
            .unwrap_or_default();
        let thread = self.thread_name(l);
        self.send(&FromGame::Stopped {
            reason,
            thread,
            path,
            line,
            text,
        });
        loop {
            match self.link.incoming.recv_timeout(STOPPED_POLL) {
                Ok(message) => {
                    if self.handle(l, message, true) {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.client.is_none() {
                        break;
                    }
                    if self
                        .link
                        .quit
                        .as_ref()
                        .is_some_and(|q| q.load(Ordering::SeqCst))
                    {
                        self.detach(l);
                        break;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.detach(l);
                    break;
                }
            }
        }
        if let Some(s) = self.stopped.take() {
            unref(l, s.anchors);
        }
        self.sync(l);
        self.send(&FromGame::Continued);
        self.stopped_for += since.elapsed();
        self.guard.resume();
    }

    /// The script frames of `l` ([`stack`]), a function Lua has no name for named after the
    /// script global it is (`update`: the engine calls callbacks from a table).
    unsafe fn frames(&self, l: *mut ffi::lua_State) -> Vec<DebugFrame> {
        let mut frames = stack(l);
        for f in frames
            .iter_mut()
            .filter(|f| f.name.starts_with("function <"))
        {
            let top = ffi::lua_gettop(l);
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            if ffi::lua_getstack(l, f.id as c_int, &mut ar) != 0
                && self.push_helper(l, c"name_in")
                && ffi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0
            {
                ffi::lua_pushlstring(l, f.path.as_ptr() as *const c_char, f.path.len());
                if ffi::lua_pcall(l, 2, 1, 0) == ffi::LUA_OK {
                    if let Some(name) = lua_text(l, -1) {
                        f.name = name;
                    }
                }
            }
            ffi::lua_settop(l, top);
        }
        frames
    }

    /// `scripts/enemy.lua #12` for the instance running, or `game`.
    unsafe fn thread_name(&self, l: *mut ffi::lua_State) -> String {
        let top = ffi::lua_gettop(l);
        let mut name = "game".to_string();
        if self.push_helper(l, c"current") && ffi::lua_pcall(l, 0, 2, 0) == ffi::LUA_OK {
            if let Some(path) = lua_text(l, -2) {
                let entity = ffi::lua_tointegerx(l, -1, std::ptr::null_mut());
                name = format!("{path} #{entity}");
            }
        }
        ffi::lua_settop(l, top);
        name
    }

    /// Pushes `D[name]` (true) or nothing (false).
    unsafe fn push_helper(&self, l: *mut ffi::lua_State, name: &CStr) -> bool {
        ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, self.helper as ffi::lua_Integer);
        ffi::lua_getfield(l, -1, name.as_ptr());
        ffi::lua_remove(l, -2);
        if ffi::lua_type(l, -1) != ffi::LUA_TFUNCTION {
            ffi::lua_pop(l, 1);
            return false;
        }
        true
    }

    fn stopped_state(&self) -> Result<*mut ffi::lua_State, DebugResult> {
        self.stopped
            .as_ref()
            .map(|s| s.l)
            .ok_or_else(|| error("the game is running: pause it first"))
    }

    /// What `reference` (1-based, of this stop) stands for.
    fn target(&self, reference: u32) -> Option<Target> {
        let s = self.stopped.as_ref()?;
        s.targets.get((reference as usize).checked_sub(1)?).copied()
    }

    fn new_ref(&mut self, target: Target) -> u32 {
        match &mut self.stopped {
            Some(s) => {
                s.targets.push(target);
                s.targets.len() as u32
            }
            None => 0,
        }
    }

    unsafe fn scopes(&mut self, frame: c_int) -> DebugResult {
        let l = match self.stopped_state() {
            Ok(l) => l,
            Err(e) => return e,
        };
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        if ffi::lua_getstack(l, frame, &mut ar) == 0
            || ffi::lua_getinfo(l, c"Su".as_ptr(), &mut ar) == 0
        {
            return error(format!("no frame {frame}"));
        }
        let path = script_path(ar.source).unwrap_or_default().to_string();
        let nups = ar.nups;
        let mut scopes = vec![DebugScope {
            name: "Locals".into(),
            reference: self.new_ref(Target::Locals(frame)),
        }];
        // `self`, when the frame has it.
        let top = ffi::lua_gettop(l);
        for (i, name) in local_names(l, &ar) {
            ffi::lua_getlocal(l, &ar, i);
            if name == "self" && ffi::lua_type(l, -1) == ffi::LUA_TTABLE {
                let reference = self.anchor_top(l);
                scopes.push(DebugScope {
                    name: "self".into(),
                    reference,
                });
            }
            ffi::lua_settop(l, top);
        }
        if nups > 0 && has_upvalues(l, &mut ar) {
            scopes.push(DebugScope {
                name: "Upvalues".into(),
                reference: self.new_ref(Target::Upvalues(frame)),
            });
        }
        if !path.is_empty() && self.push_env(l, &path) {
            let reference = self.anchor_top(l);
            scopes.push(DebugScope {
                name: "Script globals".into(),
                reference,
            });
        }
        ffi::lua_settop(l, top);
        DebugResult::Scopes { scopes }
    }

    /// Pushes the environment table of script `path` (true), or nothing.
    unsafe fn push_env(&self, l: *mut ffi::lua_State, path: &str) -> bool {
        let top = ffi::lua_gettop(l);
        if !self.push_helper(l, c"env_of") {
            return false;
        }
        ffi::lua_pushlstring(l, path.as_ptr() as *const c_char, path.len());
        if ffi::lua_pcall(l, 1, 1, 0) != ffi::LUA_OK || ffi::lua_type(l, -1) != ffi::LUA_TTABLE {
            ffi::lua_settop(l, top);
            return false;
        }
        true
    }

    /// Anchors the value on top of `l` (popping it) and returns its reference.
    unsafe fn anchor_top(&mut self, l: *mut ffi::lua_State) -> u32 {
        let Some(s) = &self.stopped else {
            ffi::lua_pop(l, 1);
            return 0;
        };
        ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, s.anchors as ffi::lua_Integer);
        let n = ffi::lua_rawlen(l, -1) as ffi::lua_Integer + 1;
        ffi::lua_rotate(l, -2, 1);
        ffi::lua_rawseti(l, -2, n);
        ffi::lua_pop(l, 1);
        self.new_ref(Target::Value(n))
    }

    /// Describes the value on top of `l` (leaving it there).
    unsafe fn describe_top(&mut self, l: *mut ffi::lua_State, name: String) -> DebugVariable {
        let top = ffi::lua_gettop(l);
        let mut var = DebugVariable {
            name,
            value: "?".into(),
            type_name: "?".into(),
            reference: 0,
        };
        if self.push_helper(l, c"render") {
            ffi::lua_pushvalue(l, top);
            if ffi::lua_pcall(l, 1, 3, 0) == ffi::LUA_OK {
                var.value = lua_text(l, -3).unwrap_or_default();
                var.type_name = lua_text(l, -2).unwrap_or_default();
                let expandable = ffi::lua_toboolean(l, -1) != 0;
                ffi::lua_settop(l, top);
                if expandable {
                    ffi::lua_pushvalue(l, top);
                    var.reference = self.anchor_top(l);
                }
            }
        }
        ffi::lua_settop(l, top);
        var
    }

    unsafe fn variables(&mut self, reference: u32) -> DebugResult {
        let l = match self.stopped_state() {
            Ok(l) => l,
            Err(e) => return e,
        };
        if ffi::lua_checkstack(l, 16) == 0 {
            return error("no stack space");
        }
        let Some(target) = self.target(reference) else {
            return error(format!("no variables {reference}"));
        };
        let top = ffi::lua_gettop(l);
        let mut variables = Vec::new();
        match target {
            Target::Locals(frame) => {
                let mut ar: ffi::lua_Debug = std::mem::zeroed();
                if ffi::lua_getstack(l, frame, &mut ar) != 0 {
                    for (i, name) in local_names(l, &ar) {
                        ffi::lua_getlocal(l, &ar, i);
                        variables.push(self.describe_top(l, name));
                        ffi::lua_settop(l, top);
                    }
                }
            }
            Target::Upvalues(frame) => {
                let mut ar: ffi::lua_Debug = std::mem::zeroed();
                if ffi::lua_getstack(l, frame, &mut ar) != 0
                    && ffi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0
                {
                    let f = ffi::lua_gettop(l);
                    for (i, name) in upvalue_names(l, f) {
                        if name != "_ENV" {
                            ffi::lua_getupvalue(l, f, i);
                            variables.push(self.describe_top(l, name));
                            ffi::lua_settop(l, f);
                        }
                    }
                }
            }
            Target::Value(n) => {
                if self.push_anchor(l, n) && self.push_helper(l, c"children") {
                    ffi::lua_pushvalue(l, -2);
                    if ffi::lua_pcall(l, 1, 1, 0) == ffi::LUA_OK {
                        let list = ffi::lua_gettop(l);
                        let len = ffi::lua_rawlen(l, list) as ffi::lua_Integer;
                        let mut k = 1;
                        while k < len {
                            ffi::lua_rawgeti(l, list, k);
                            let name = lua_text(l, -1).unwrap_or_default();
                            ffi::lua_pop(l, 1);
                            ffi::lua_rawgeti(l, list, k + 1);
                            variables.push(self.describe_top(l, name));
                            ffi::lua_settop(l, list);
                            k += 2;
                        }
                    }
                }
            }
        }
        ffi::lua_settop(l, top);
        DebugResult::Variables { variables }
    }

    unsafe fn push_anchor(&self, l: *mut ffi::lua_State, n: ffi::lua_Integer) -> bool {
        let Some(s) = &self.stopped else { return false };
        ffi::lua_rawgeti(l, ffi::LUA_REGISTRYINDEX, s.anchors as ffi::lua_Integer);
        ffi::lua_rawgeti(l, -1, n);
        ffi::lua_remove(l, -2);
        true
    }

    unsafe fn set_variable(&mut self, reference: u32, name: &str, value: &str) -> DebugResult {
        let l = match self.stopped_state() {
            Ok(l) => l,
            Err(e) => return e,
        };
        let Some(target) = self.target(reference) else {
            return error(format!("no variables {reference}"));
        };
        let frame = match target {
            Target::Locals(f) | Target::Upvalues(f) => f,
            Target::Value(_) => 0,
        };
        let top = ffi::lua_gettop(l);
        if let Err(e) = self.eval(l, frame, value) {
            return error(e);
        }
        let var = self.describe_top(l, name.to_string());
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let done = match target {
            Target::Locals(frame) => {
                let mut done = false;
                if ffi::lua_getstack(l, frame, &mut ar) != 0 {
                    // The last local of that name is the one in scope.
                    let found = local_names(l, &ar)
                        .into_iter()
                        .rev()
                        .find(|(_, n)| n == name);
                    if let Some((i, _)) = found {
                        ffi::lua_pushvalue(l, top + 1);
                        done = !ffi::lua_setlocal(l, &ar, i).is_null();
                    }
                }
                done
            }
            Target::Upvalues(frame) => {
                let mut done = false;
                if ffi::lua_getstack(l, frame, &mut ar) != 0
                    && ffi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0
                {
                    let f = ffi::lua_gettop(l);
                    if let Some((i, _)) = upvalue_names(l, f).into_iter().find(|(_, n)| n == name) {
                        ffi::lua_pushvalue(l, top + 1);
                        done = !ffi::lua_setupvalue(l, f, i).is_null();
                    }
                }
                done
            }
            Target::Value(n) => {
                let mut done = false;
                if self.push_anchor(l, n) && ffi::lua_type(l, -1) == ffi::LUA_TTABLE {
                    let t = ffi::lua_gettop(l);
                    if self.push_helper(l, c"key_of") {
                        ffi::lua_pushvalue(l, t);
                        ffi::lua_pushlstring(l, name.as_ptr() as *const c_char, name.len());
                        if ffi::lua_pcall(l, 2, 1, 0) == ffi::LUA_OK {
                            ffi::lua_pushvalue(l, top + 1);
                            ffi::lua_rawset(l, t);
                            done = true;
                        }
                    }
                }
                done
            }
        };
        ffi::lua_settop(l, top);
        if done {
            DebugResult::Value { value: var }
        } else {
            error(format!("cannot set {name}"))
        }
    }

    unsafe fn evaluate(&mut self, frame: c_int, expression: &str) -> DebugResult {
        let l = match self.stopped_state() {
            Ok(l) => l,
            Err(e) => return e,
        };
        let top = ffi::lua_gettop(l);
        let result = match self.eval(l, frame, expression) {
            Ok(()) => DebugResult::Value {
                value: self.describe_top(l, expression.to_string()),
            },
            Err(e) => error(e),
        };
        ffi::lua_settop(l, top);
        result
    }

    unsafe fn eval_truthy(
        &mut self,
        l: *mut ffi::lua_State,
        frame: c_int,
        expr: &str,
    ) -> Result<bool, String> {
        let top = ffi::lua_gettop(l);
        let r = self
            .eval(l, frame, expr)
            .map(|()| ffi::lua_toboolean(l, -1) != 0);
        ffi::lua_settop(l, top);
        r
    }

    unsafe fn eval_text(
        &mut self,
        l: *mut ffi::lua_State,
        frame: c_int,
        expr: &str,
    ) -> Result<String, String> {
        let top = ffi::lua_gettop(l);
        let r = self.eval(l, frame, expr).map(|()| {
            let stopped = self.stopped.is_some();
            if stopped {
                self.describe_top(l, String::new()).value
            } else {
                // A logpoint outside a stop: describe without anchoring.
                self.render_plain(l)
            }
        });
        ffi::lua_settop(l, top);
        r
    }

    unsafe fn render_plain(&self, l: *mut ffi::lua_State) -> String {
        let top = ffi::lua_gettop(l);
        let mut text = "?".to_string();
        if self.push_helper(l, c"render") {
            ffi::lua_pushvalue(l, top);
            if ffi::lua_pcall(l, 1, 1, 0) == ffi::LUA_OK {
                text = lua_text(l, -1).unwrap_or_default();
            }
        }
        ffi::lua_settop(l, top);
        text
    }

    /// Evaluates `expr` in frame `frame` of `l` and pushes its value; on error pushes nothing.
    /// The expression runs in a coroutine of its own, with a count hook that stops it after
    /// [`EVAL_BUDGET`] (the stopped state's own hooks are off while it is in a hook).
    unsafe fn eval(
        &mut self,
        l: *mut ffi::lua_State,
        frame: c_int,
        expr: &str,
    ) -> Result<(), String> {
        if ffi::lua_checkstack(l, 16) == 0 {
            return Err("no stack space".into());
        }
        let top = ffi::lua_gettop(l);
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let have_frame = ffi::lua_getstack(l, frame, &mut ar) != 0
            && ffi::lua_getinfo(l, c"S".as_ptr(), &mut ar) != 0;
        let path = if have_frame {
            script_path(ar.source).unwrap_or_default().to_string()
        } else {
            String::new()
        };
        if !self.push_helper(l, c"compile") {
            return Err("the debugger's helper is missing".into());
        }
        ffi::lua_pushlstring(l, expr.as_ptr() as *const c_char, expr.len());
        // vars: name -> { value }, locals over upvalues, inner locals over outer ones.
        ffi::lua_createtable(l, 0, 8);
        let vars = ffi::lua_gettop(l);
        if have_frame {
            if ffi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0 {
                let f = ffi::lua_gettop(l);
                for (i, name) in upvalue_names(l, f) {
                    ffi::lua_getupvalue(l, f, i);
                    slot(l, vars, &name);
                }
                ffi::lua_settop(l, vars);
            }
            for (i, name) in local_names(l, &ar) {
                ffi::lua_getlocal(l, &ar, i);
                slot(l, vars, &name);
            }
        }
        ffi::lua_pushlstring(l, path.as_ptr() as *const c_char, path.len());
        if ffi::lua_pcall(l, 3, 1, 0) != ffi::LUA_OK {
            let e = lua_text(l, -1).unwrap_or_default();
            ffi::lua_settop(l, top);
            return Err(e);
        }
        // Run it in a coroutine with a deadline.
        let co = ffi::lua_newthread(l);
        ffi::lua_pushvalue(l, -2);
        ffi::lua_xmove(l, co, 1);
        EVAL_DEADLINE.with(|d| d.set(Some(Instant::now() + EVAL_BUDGET)));
        ffi::lua_sethook(co, Some(eval_hook), ffi::LUA_MASKCOUNT, 1000);
        let mut nres: c_int = 0;
        let status = ffi::lua_resume(co, l, 0, &mut nres);
        EVAL_DEADLINE.with(|d| d.set(None));
        let result = match status {
            ffi::LUA_OK => {
                if nres > 0 {
                    ffi::lua_settop(co, 1);
                    ffi::lua_xmove(co, l, 1);
                } else {
                    ffi::lua_pushnil(l);
                }
                Ok(())
            }
            ffi::LUA_YIELD => Err("the expression yielded".to_string()),
            _ => Err(lua_text(co, -1).unwrap_or_else(|| "error".into())),
        };
        match result {
            Ok(()) => {
                // Keep only the value.
                ffi::lua_replace(l, top + 1);
                ffi::lua_settop(l, top + 1);
                Ok(())
            }
            Err(e) => {
                ffi::lua_settop(l, top);
                Err(e)
            }
        }
    }
}

/// Whether the function of the frame `ar` has an upvalue other than `_ENV`.
unsafe fn has_upvalues(l: *mut ffi::lua_State, ar: &mut ffi::lua_Debug) -> bool {
    let top = ffi::lua_gettop(l);
    let found = ffi::lua_getinfo(l, c"f".as_ptr(), ar) != 0
        && upvalue_names(l, ffi::lua_gettop(l))
            .iter()
            .any(|(_, n)| n != "_ENV");
    ffi::lua_settop(l, top);
    found
}

/// The locals of the frame `ar` by index, Lua's temporaries (`(for state)`, ...) left out.
unsafe fn local_names(l: *mut ffi::lua_State, ar: &ffi::lua_Debug) -> Vec<(c_int, String)> {
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        let name = ffi::lua_getlocal(l, ar, i);
        if name.is_null() {
            return out;
        }
        ffi::lua_pop(l, 1);
        let name = CStr::from_ptr(name).to_string_lossy().into_owned();
        if !name.starts_with('(') {
            out.push((i, name));
        }
        i += 1;
    }
}

/// The upvalues of the function at stack index `f`, by index (`_ENV` included).
unsafe fn upvalue_names(l: *mut ffi::lua_State, f: c_int) -> Vec<(c_int, String)> {
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        let name = ffi::lua_getupvalue(l, f, i);
        if name.is_null() {
            return out;
        }
        ffi::lua_pop(l, 1);
        out.push((i, CStr::from_ptr(name).to_string_lossy().into_owned()));
        i += 1;
    }
}

/// `vars[name] = { value }` for the value on top of `l` (popped).
unsafe fn slot(l: *mut ffi::lua_State, vars: c_int, name: &str) {
    ffi::lua_createtable(l, 1, 0);
    ffi::lua_rotate(l, -2, 1);
    ffi::lua_rawseti(l, -2, 1);
    ffi::lua_pushlstring(l, name.as_ptr() as *const c_char, name.len());
    ffi::lua_rotate(l, -2, 1);
    ffi::lua_rawset(l, vars);
}

thread_local! {
    static EVAL_DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

unsafe extern "C-unwind" fn eval_hook(l: *mut ffi::lua_State, _ar: *mut ffi::lua_Debug) {
    let over = EVAL_DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() >= t));
    if over {
        ffi::lua_pushstring(l, c"the expression ran too long (500 ms)".as_ptr());
        ffi::lua_error(l);
    }
}

fn error(message: impl Into<String>) -> DebugResult {
    DebugResult::Error {
        message: message.into(),
    }
}

/// The project path of a script chunk's source (`=scripts/a.lua`), or `None` for the engine's
/// own chunks, C and `load`ed code.
unsafe fn script_path<'a>(source: *const c_char) -> Option<&'a str> {
    if source.is_null() {
        return None;
    }
    let s = CStr::from_ptr(source).to_bytes().strip_prefix(b"=")?;
    if !s.starts_with(b"scripts/") {
        return None;
    }
    std::str::from_utf8(s).ok()
}

unsafe fn lua_text(l: *mut ffi::lua_State, idx: c_int) -> Option<String> {
    if ffi::lua_type(l, idx) != ffi::LUA_TSTRING && ffi::lua_type(l, idx) != ffi::LUA_TNUMBER {
        return None;
    }
    let mut len = 0usize;
    let p = ffi::lua_tolstring(l, idx, &mut len);
    if p.is_null() {
        return None;
    }
    Some(String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned())
}

unsafe fn unref(l: *mut ffi::lua_State, r: c_int) {
    if r != ffi::LUA_NOREF && r != ffi::LUA_REFNIL {
        ffi::luaL_unref(l, ffi::LUA_REGISTRYINDEX, r);
    }
}

/// The script frames of `l`, innermost first; a frame's `id` is its stack level.
unsafe fn stack(l: *mut ffi::lua_State) -> Vec<DebugFrame> {
    let mut frames = Vec::new();
    let depth = crate::stack::depth(l);
    for level in 0..depth {
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        if ffi::lua_getstack(l, level, &mut ar) == 0
            || ffi::lua_getinfo(l, c"Sln".as_ptr(), &mut ar) == 0
        {
            continue;
        }
        let Some(path) = script_path(ar.source) else {
            continue;
        };
        let name = crate::stack::function_name(&ar)
            .unwrap_or_else(|| format!("function <{path}:{}>", ar.linedefined));
        frames.push(DebugFrame {
            id: level as u32,
            name,
            path: path.to_string(),
            line: ar.currentline.max(0) as u32,
        });
    }
    frames
}

/// Whether the `hits`-th hit stops, for a hit condition `5`, `== 5`, `>= 5`, `> 5`, `< 5`,
/// `<= 5` or `% 5`. An unreadable condition never stops.
fn hit_matches(condition: Option<&str>, hits: u32) -> bool {
    let Some(c) = condition.map(str::trim).filter(|c| !c.is_empty()) else {
        return true;
    };
    let (op, n) = ["==", ">=", "<=", ">", "<", "%", "="]
        .iter()
        .find_map(|op| c.strip_prefix(op).map(|n| (*op, n)))
        .unwrap_or(("==", c));
    let Ok(n) = n.trim().parse::<u32>() else {
        return false;
    };
    match op {
        ">=" => hits >= n,
        "<=" => hits <= n,
        ">" => hits > n,
        "<" => hits < n,
        "%" => n > 0 && hits.is_multiple_of(n),
        _ => hits == n,
    }
}

/// The lines with code of a script's source, compiled as the runtime names it.
unsafe fn chunk_lines(
    l: *mut ffi::lua_State,
    path: &str,
    source: &[u8],
) -> Result<BTreeSet<u32>, String> {
    if ffi::lua_checkstack(l, 4) == 0 {
        return Err("no stack space".into());
    }
    let top = ffi::lua_gettop(l);
    let name = format!("={path}\0");
    let status = ffi::luaL_loadbufferx(
        l,
        source.as_ptr() as *const c_char,
        source.len(),
        name.as_ptr() as *const c_char,
        c"t".as_ptr(),
    );
    if status != ffi::LUA_OK {
        let e = lua_text(l, -1).unwrap_or_default();
        ffi::lua_settop(l, top);
        return Err(format!("{path} does not compile: {e}"));
    }
    let mut dump: Vec<u8> = Vec::new();
    ffi::lua_dump(l, dump_writer, &mut dump as *mut Vec<u8> as *mut c_void, 0);
    ffi::lua_settop(l, top);
    lines::code_lines(&dump)
}

unsafe extern "C-unwind" fn dump_writer(
    _l: *mut ffi::lua_State,
    p: *const c_void,
    sz: usize,
    ud: *mut c_void,
) -> c_int {
    let out = &mut *(ud as *mut Vec<u8>);
    out.extend_from_slice(std::slice::from_raw_parts(p as *const u8, sz));
    0
}

/// A breakpoint asked on `requested`, bound to the first line with code at or after it.
fn bind(lines: &Result<BTreeSet<u32>, String>, requested: u32) -> BreakpointState {
    match lines {
        Err(e) => BreakpointState {
            requested,
            line: requested,
            verified: false,
            message: Some(e.clone()),
        },
        Ok(lines) => match lines.range(requested.max(1)..).next() {
            Some(&line) => BreakpointState {
                requested,
                line,
                verified: true,
                message: (line != requested)
                    .then(|| format!("moved to line {line}, the next line with code")),
            },
            None => BreakpointState {
                requested,
                line: requested,
                verified: false,
                message: Some(format!("no code at or after line {requested}")),
            },
        },
    }
}

/// The line hook's entry (from `guard::hook` for line events).
///
/// # Safety
/// Called by Lua with the hooked state.
pub(crate) unsafe fn line_event(l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug, g: &Guard) {
    let p = g.debugger();
    if p.is_null() {
        return;
    }
    if let Ok(mut d) = (*p).try_borrow_mut() {
        d.on_line(l, ar);
    }
}

/// From the runner's message handler and failed tasks: a script error, before it is reported.
///
/// # Safety
/// `l` is a thread of the state, on the Lua thread; `message_at` an index on it.
pub(crate) unsafe fn error_event(l: *mut ffi::lua_State, g: &Guard, message_at: c_int) {
    let p = g.debugger();
    if p.is_null() {
        return;
    }
    if let Ok(mut d) = (*p).try_borrow_mut() {
        if d.client.is_none() || !d.break_on_errors {
            return;
        }
        let message = lua_text(l, message_at).unwrap_or_else(|| "error".into());
        d.on_error(l, message);
    }
}

/// `H.debug_hook(on)`: the runner turns the line hook on or off around a callback.
pub(crate) unsafe extern "C-unwind" fn debug_hook(l: *mut ffi::lua_State) -> c_int {
    let g = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Guard;
    if !g.is_null() {
        let on = ffi::lua_toboolean(l, 1) != 0;
        (*g).set_debug_mask(if on { ffi::LUA_MASKLINE } else { 0 });
    }
    0
}

/// `H.debug_error(co, message)`: a task failed; stop on its frames when breaking on errors.
pub(crate) unsafe extern "C-unwind" fn debug_error(l: *mut ffi::lua_State) -> c_int {
    let g = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Guard;
    let co = ffi::lua_tothread(l, 1);
    if !g.is_null() && !co.is_null() {
        ffi::lua_pushvalue(l, 2);
        ffi::lua_xmove(l, co, 1);
        error_event(co, &*g, -1);
        ffi::lua_pop(co, 1);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_conditions() {
        assert!(hit_matches(None, 1));
        assert!(hit_matches(Some("3"), 3) && !hit_matches(Some("3"), 2));
        assert!(hit_matches(Some(">= 2"), 2) && !hit_matches(Some(">= 2"), 1));
        assert!(hit_matches(Some("% 5"), 10) && !hit_matches(Some("%5"), 6));
        assert!(!hit_matches(Some("often"), 1));
    }

    #[test]
    fn breakpoints_bind_to_the_next_line_with_code() {
        let lua = mlua::Lua::new();
        let source = b"-- a comment\n\nlocal x = 1\n\nfunction update(self)\n  -- inside\n  x = x + 1\nend\n";
        // SAFETY: a fresh state, on this thread.
        let lines = unsafe {
            lua.exec_raw::<()>((), |l| {
                let lines = chunk_lines(l, "scripts/a.lua", source).expect("compiles");
                assert_eq!(lines.into_iter().collect::<Vec<_>>(), [3, 5, 7, 8]);
            })
        };
        lines.expect("exec");
        let ok: Result<BTreeSet<u32>, String> = Ok([3, 5, 7, 8].into_iter().collect());
        assert_eq!(bind(&ok, 1).line, 3);
        assert!(bind(&ok, 6).message.is_some_and(|m| m.contains("line 7")));
        assert!(!bind(&ok, 9).verified);
        assert!(bind(&ok, 7).message.is_none());
    }
}
