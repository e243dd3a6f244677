//! `crescent dap`: a Debug Adapter Protocol server on standard input and output, the form VS
//! Code, nvim-dap and other clients start. It joins a game running with `--watch` (`attach`)
//! or starts one under the debugger (`launch`), and turns DAP requests into the dev channel's
//! `debug` messages and the game's stops, logs and errors into DAP events.
//!
//! One thread reads DAP messages, one reads the game's socket and two read a launched game's
//! output; the main loop owns all state and answers in arrival order. The game holds the
//! debugger's state (breakpoints, the stopped frames); this side maps paths and ids.

use anyhow::{anyhow, Context, Result};
use crescent_runtime::api::dev::{
    BreakpointSpec, BreakpointState, DebugRequest, DebugResult, FromGame, SessionInfo, StepKind,
    StopReason, ToGame,
};
use crescent_runtime::api::Event;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitCode, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The one thread DAP clients see; its name is the instance the game stopped in.
const THREAD: i64 = 1;
/// How long `launch` waits for the game to open its dev channel.
const LAUNCH_WAIT: Duration = Duration::from_secs(30);

enum Input {
    Dap(Value),
    DapClosed,
    Game(FromGame),
    GameClosed,
    Output(String, &'static str),
}

/// What a pending game request answers.
enum Pending {
    /// A DAP request answered with an empty body, or an error.
    Plain(Value),
    SetBreakpoints(Value, String),
    Stack(Value),
    Scopes(Value),
    Variables(Value),
    Evaluate(Value),
    SetVariable(Value),
}

impl Pending {
    /// The DAP request it answers (null for the adapter's own requests).
    fn into_request(self) -> Value {
        match self {
            Pending::Plain(r)
            | Pending::SetBreakpoints(r, _)
            | Pending::Stack(r)
            | Pending::Scopes(r)
            | Pending::Variables(r)
            | Pending::Evaluate(r)
            | Pending::SetVariable(r) => r,
        }
    }
}

struct Game {
    stream: TcpStream,
    next: u64,
}

struct Adapter {
    out: std::io::Stdout,
    seq: i64,
    tx: Sender<Input>,
    game: Option<Game>,
    root: PathBuf,
    child: Option<Child>,
    pending: HashMap<u64, Pending>,
    thread_name: String,
    /// Breakpoint ids per script, in the order the client set them.
    breakpoint_ids: HashMap<String, Vec<i64>>,
    next_breakpoint: i64,
    break_on_errors: bool,
    done: bool,
}

/// Runs the adapter until the client disconnects.
pub fn dap() -> Result<ExitCode> {
    let (tx, rx) = channel();
    let reader_tx = tx.clone();
    std::thread::Builder::new()
        .name("dap-stdin".into())
        .spawn(move || read_dap(std::io::stdin().lock(), &reader_tx))?;
    let mut adapter = Adapter {
        out: std::io::stdout(),
        seq: 0,
        tx,
        game: None,
        root: PathBuf::new(),
        child: None,
        pending: HashMap::new(),
        thread_name: "game".into(),
        breakpoint_ids: HashMap::new(),
        next_breakpoint: 0,
        break_on_errors: true,
        done: false,
    };
    adapter.serve(&rx);
    if let Some(child) = adapter.child.take() {
        stop_game(child);
    }
    Ok(ExitCode::SUCCESS)
}

/// Ends a launched game as Ctrl-C would (so it runs `destroy` and removes its session file),
/// and kills it if it has not gone within two seconds.
fn stop_game(mut child: Child) {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) on the pid of a child this process started and has not reaped.
        let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) } == 0;
        let deadline = Instant::now() + Duration::from_secs(2);
        while sent && Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads `Content-Length`-framed messages; a message that is not JSON is skipped with a
/// warning, a broken frame ends the input.
fn read_dap(input: impl BufRead, tx: &Sender<Input>) {
    let mut input = input;
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Input::DapClosed);
                    return;
                }
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length.filter(|&n| n <= 64 << 20) else {
            let _ = tx.send(Input::DapClosed);
            return;
        };
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            let _ = tx.send(Input::DapClosed);
            return;
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => {
                if tx.send(Input::Dap(v)).is_err() {
                    return;
                }
            }
            Err(e) => tracing::warn!("dap: a message is not JSON: {e}"),
        }
    }
}

impl Adapter {
    fn serve(&mut self, rx: &Receiver<Input>) {
        while !self.done {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Input::Dap(message)) => self.dap_message(message),
                Ok(Input::DapClosed) => return,
                Ok(Input::Game(message)) => self.game_message(message),
                Ok(Input::GameClosed) => {
                    self.game = None;
                    self.event("terminated", json!({}));
                }
                Ok(Input::Output(text, category)) => {
                    self.event("output", json!({"category": category, "output": text}))
                }
                Err(RecvTimeoutError::Timeout) => self.check_child(),
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    fn check_child(&mut self) {
        let Some(child) = &mut self.child else { return };
        if let Ok(Some(status)) = child.try_wait() {
            let code = status.code().unwrap_or(1);
            self.child = None;
            self.event("exited", json!({"exitCode": code}));
            self.event("terminated", json!({}));
        }
    }

    fn send(&mut self, mut message: Value) {
        self.seq += 1;
        message["seq"] = json!(self.seq);
        let body = message.to_string();
        let mut out = self.out.lock();
        let _ = write!(out, "Content-Length: {}\r\n\r\n{}", body.len(), body);
        let _ = out.flush();
    }

    fn event(&mut self, event: &str, body: Value) {
        self.send(json!({"type": "event", "event": event, "body": body}));
    }

    fn respond(&mut self, request: &Value, body: Value) {
        self.send(json!({
            "type": "response",
            "request_seq": request["seq"],
            "command": request["command"],
            "success": true,
            "body": body,
        }));
    }

    fn fail(&mut self, request: &Value, message: impl Into<String>) {
        let message = message.into();
        self.send(json!({
            "type": "response",
            "request_seq": request["seq"],
            "command": request["command"],
            "success": false,
            "message": message,
            "body": {"error": {"id": 1, "format": message}},
        }));
    }

    /// Sends a debug request to the game; its reply completes `pending`.
    fn ask_game(&mut self, request: DebugRequest, pending: Pending) {
        let Some(game) = &mut self.game else {
            let r = pending.into_request();
            if !r.is_null() {
                self.fail(&r, "not connected to a game: launch or attach first");
            }
            return;
        };
        game.next += 1;
        let id = game.next;
        let line = serde_json::to_string(&ToGame::Debug { id, request }).unwrap_or_default() + "\n";
        if game.stream.write_all(line.as_bytes()).is_err() {
            self.game = None;
            self.event("terminated", json!({}));
            return;
        }
        self.pending.insert(id, pending);
    }

    fn dap_message(&mut self, m: Value) {
        if m["type"] != "request" {
            return;
        }
        let args = m["arguments"].clone();
        match m["command"].as_str().unwrap_or("") {
            "initialize" => {
                self.respond(
                    &m,
                    json!({
                        "supportsConfigurationDoneRequest": true,
                        "supportsConditionalBreakpoints": true,
                        "supportsHitConditionalBreakpoints": true,
                        "supportsLogPoints": true,
                        "supportsEvaluateForHovers": true,
                        "supportsSetVariable": true,
                        "supportsTerminateRequest": true,
                        "exceptionBreakpointFilters": [{
                            "filter": "errors",
                            "label": "Script errors",
                            "description": "Stop at the line that raised, before the instance is faulted",
                            "default": true,
                        }],
                    }),
                );
            }
            "launch" => match self.launch(&args) {
                Ok(()) => {
                    self.respond(&m, json!({}));
                    self.event("initialized", json!({}));
                }
                Err(e) => self.fail(&m, format!("{e:#}")),
            },
            "attach" => match self.attach(&args) {
                Ok(()) => {
                    self.respond(&m, json!({}));
                    self.event("initialized", json!({}));
                }
                Err(e) => self.fail(&m, format!("{e:#}")),
            },
            "setBreakpoints" => self.set_breakpoints(m, &args),
            "setExceptionBreakpoints" => {
                let on = args["filters"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f == "errors"));
                self.break_on_errors = on;
                self.ask_game(DebugRequest::SetBreakOnErrors { on }, Pending::Plain(m));
            }
            "configurationDone" => self.ask_game(DebugRequest::Ready, Pending::Plain(m)),
            "threads" => {
                let name = self.thread_name.clone();
                self.respond(&m, json!({"threads": [{"id": THREAD, "name": name}]}));
            }
            "stackTrace" => self.ask_game(DebugRequest::Stack, Pending::Stack(m)),
            "scopes" => {
                let frame = frame_of(&args["frameId"]);
                self.ask_game(DebugRequest::Scopes { frame }, Pending::Scopes(m));
            }
            "variables" => {
                let reference = args["variablesReference"].as_u64().unwrap_or(0) as u32;
                self.ask_game(DebugRequest::Variables { reference }, Pending::Variables(m));
            }
            "setVariable" => {
                let request = DebugRequest::SetVariable {
                    reference: args["variablesReference"].as_u64().unwrap_or(0) as u32,
                    name: args["name"].as_str().unwrap_or("").into(),
                    value: args["value"].as_str().unwrap_or("").into(),
                };
                self.ask_game(request, Pending::SetVariable(m));
            }
            "evaluate" => {
                let frame = args.get("frameId").filter(|f| !f.is_null()).map(frame_of);
                let request = DebugRequest::Evaluate {
                    frame,
                    expression: args["expression"].as_str().unwrap_or("").into(),
                };
                self.ask_game(request, Pending::Evaluate(m));
            }
            "continue" => self.ask_game(DebugRequest::Continue, Pending::Plain(m)),
            "next" => self.step(m, StepKind::Over),
            "stepIn" => self.step(m, StepKind::In),
            "stepOut" => self.step(m, StepKind::Out),
            "pause" => self.ask_game(DebugRequest::Pause, Pending::Plain(m)),
            "terminate" => {
                if let Some(child) = self.child.take() {
                    stop_game(child);
                    self.event("exited", json!({"exitCode": 0}));
                    self.event("terminated", json!({}));
                }
                self.respond(&m, json!({}));
            }
            "disconnect" => {
                if self.game.is_some() {
                    // Detach first: a stopped game runs on, without breakpoints.
                    self.ask_game(DebugRequest::Detach, Pending::Plain(Value::Null));
                    std::thread::sleep(Duration::from_millis(50));
                }
                let terminate = args["terminateDebuggee"].as_bool().unwrap_or(true);
                if let Some(child) = self.child.take() {
                    if terminate {
                        stop_game(child);
                    }
                }
                self.respond(&m, json!({}));
                self.done = true;
            }
            other => {
                let text = format!("crescent dap does not support `{other}`");
                self.fail(&m, text);
            }
        }
    }

    fn step(&mut self, m: Value, kind: StepKind) {
        self.ask_game(DebugRequest::Step { kind }, Pending::Plain(m));
    }

    fn project_of(args: &Value) -> Result<PathBuf> {
        let project = args["project"]
            .as_str()
            .or_else(|| args["cwd"].as_str())
            .ok_or_else(|| {
                anyhow!("the configuration needs \"project\": the folder holding scene.json")
            })?;
        let root = Path::new(project)
            .canonicalize()
            .with_context(|| format!("project {project}"))?;
        if !root.join("scene.json").is_file() {
            return Err(anyhow!("{} has no scene.json", root.display()));
        }
        Ok(root)
    }

    /// Starts `crescent run PROJECT --wait-for-debugger` and connects once its channel is up.
    fn launch(&mut self, args: &Value) -> Result<()> {
        let root = Self::project_of(args)?;
        let exe = std::env::current_exe().context("finding the crescent executable")?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("run").arg(&root).arg("--wait-for-debugger");
        if let Some(extra) = args["args"].as_array() {
            cmd.args(extra.iter().filter_map(Value::as_str));
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting the game")?;
        for (pipe, category) in [
            (
                child
                    .stdout
                    .take()
                    .map(|p| Box::new(p) as Box<dyn Read + Send>),
                "stdout",
            ),
            (
                child
                    .stderr
                    .take()
                    .map(|p| Box::new(p) as Box<dyn Read + Send>),
                "stderr",
            ),
        ] {
            let Some(pipe) = pipe else { continue };
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    // The game's standard error carries its status lines as well as its
                    // errors: only the errors are shown as errors.
                    let category = match category {
                        "stderr" if !line.trim_start().starts_with("error") => "console",
                        other => other,
                    };
                    if tx.send(Input::Output(line + "\n", category)).is_err() {
                        break;
                    }
                }
            });
        }
        let pid = child.id();
        self.child = Some(child);
        let deadline = Instant::now() + LAUNCH_WAIT;
        let session = loop {
            if let Ok(info) = SessionInfo::read(&root) {
                if info.pid == pid {
                    break info;
                }
            }
            if let Some(child) = &mut self.child {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(anyhow!(
                        "the game exited before opening its dev channel ({status})"
                    ));
                }
            }
            if Instant::now() > deadline {
                return Err(anyhow!(
                    "the game did not open its dev channel in {LAUNCH_WAIT:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.connect(&root, &session)
    }

    fn attach(&mut self, args: &Value) -> Result<()> {
        let root = Self::project_of(args)?;
        let session = SessionInfo::read(&root).with_context(|| {
            format!(
                "no running game for {} (start it with `crescent run {} --watch`)",
                root.display(),
                root.display()
            )
        })?;
        self.connect(&root, &session)
    }

    fn connect(&mut self, root: &Path, session: &SessionInfo) -> Result<()> {
        let stream = TcpStream::connect(("127.0.0.1", session.port))
            .with_context(|| format!("connecting to the game on port {}", session.port))?;
        stream.set_nodelay(true)?;
        let mut writer = stream.try_clone()?;
        let hello = ToGame::Hello {
            token: session.token.clone(),
            client: format!("crescent dap {}", env!("CARGO_PKG_VERSION")),
        };
        writer.write_all((serde_json::to_string(&hello)? + "\n").as_bytes())?;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        match serde_json::from_str::<FromGame>(&line) {
            Ok(FromGame::Welcome { .. }) => {}
            Ok(FromGame::Error { message, .. }) => {
                return Err(anyhow!("the game refused: {message}"))
            }
            _ => return Err(anyhow!("the game did not welcome the debugger")),
        }
        let tx = self.tx.clone();
        std::thread::Builder::new()
            .name("dap-game".into())
            .spawn(move || {
                for line in reader.lines() {
                    let Ok(line) = line else { break };
                    match serde_json::from_str::<FromGame>(&line) {
                        Ok(m) => {
                            if tx.send(Input::Game(m)).is_err() {
                                return;
                            }
                        }
                        Err(e) => tracing::warn!("dap: unreadable message from the game: {e}"),
                    }
                }
                let _ = tx.send(Input::GameClosed);
            })?;
        self.root = root.to_path_buf();
        self.game = Some(Game {
            stream: writer,
            next: 0,
        });
        let break_on_errors = self.break_on_errors;
        self.ask_game(
            DebugRequest::Attach { break_on_errors },
            Pending::Plain(Value::Null),
        );
        Ok(())
    }

    fn relative(&self, path: &str) -> String {
        let p = Path::new(path.strip_prefix("file://").unwrap_or(path));
        let canonical = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        canonical
            .strip_prefix(&self.root)
            .or_else(|_| p.strip_prefix(&self.root))
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string())
    }

    fn source(&self, path: &str) -> Value {
        let abs = self.root.join(path);
        json!({
            "name": Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            "path": abs.to_string_lossy(),
        })
    }

    fn set_breakpoints(&mut self, m: Value, args: &Value) {
        let path = self.relative(args["source"]["path"].as_str().unwrap_or(""));
        let specs: Vec<BreakpointSpec> = args["breakpoints"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|b| BreakpointSpec {
                        line: b["line"].as_u64().unwrap_or(0) as u32,
                        condition: b["condition"].as_str().map(str::to_string),
                        hit_condition: b["hitCondition"].as_str().map(str::to_string),
                        log_message: b["logMessage"].as_str().map(str::to_string),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let request = DebugRequest::SetBreakpoints {
            path: path.clone(),
            breakpoints: specs,
        };
        self.ask_game(request, Pending::SetBreakpoints(m, path));
    }

    fn breakpoint_json(&self, id: i64, path: &str, b: &BreakpointState) -> Value {
        let mut v = json!({
            "id": id,
            "verified": b.verified,
            "line": b.line,
            "source": self.source(path),
        });
        if let Some(message) = &b.message {
            v["message"] = json!(message);
        }
        v
    }

    fn game_message(&mut self, m: FromGame) {
        match m {
            FromGame::DebugReply { id, result } => {
                if let Some(pending) = self.pending.remove(&id) {
                    self.answer(pending, result);
                }
            }
            FromGame::Stopped {
                reason,
                thread,
                text,
                ..
            } => {
                self.thread_name = thread;
                let (reason, description) = match reason {
                    StopReason::Breakpoint => ("breakpoint", "Paused on breakpoint"),
                    StopReason::Step => ("step", "Paused after a step"),
                    StopReason::Pause => ("pause", "Paused"),
                    StopReason::Error => ("exception", "Paused on a script error"),
                };
                let mut body = json!({
                    "reason": reason,
                    "description": description,
                    "threadId": THREAD,
                    "allThreadsStopped": true,
                });
                if !text.is_empty() {
                    body["text"] = json!(text);
                }
                self.event("stopped", body);
            }
            FromGame::Continued => {
                self.event(
                    "continued",
                    json!({"threadId": THREAD, "allThreadsContinued": true}),
                );
            }
            FromGame::BreakpointsChanged { path, breakpoints } => {
                let ids = self.breakpoint_ids.get(&path).cloned().unwrap_or_default();
                for (id, b) in ids.iter().zip(&breakpoints) {
                    let bp = self.breakpoint_json(*id, &path, b);
                    self.event("breakpoint", json!({"reason": "changed", "breakpoint": bp}));
                }
            }
            FromGame::Event(event) => self.game_event(event),
            FromGame::Error { message, .. } => {
                self.event(
                    "output",
                    json!({"category": "stderr", "output": format!("game: {message}\n")}),
                );
            }
            FromGame::Welcome { .. }
            | FromGame::Pong
            | FromGame::Dropped { .. }
            | FromGame::Stats(_)
            | FromGame::InspectReply { .. }
            | FromGame::TraceRecorded { .. } => {}
        }
    }

    fn game_event(&mut self, event: Event) {
        let (category, text, at) = match &event {
            Event::Log {
                level,
                message,
                path,
                line,
            } => (
                if level == "error" {
                    "stderr"
                } else {
                    "console"
                },
                format!("[{level}] {message}\n"),
                Some((path.clone(), *line)),
            ),
            Event::ScriptError {
                path,
                line,
                message,
                phase,
                ..
            } => (
                "stderr",
                format!("{path}:{line}: {message} (in {phase})\n"),
                Some((path.clone(), *line)),
            ),
            Event::ReloadFailed {
                path,
                line,
                message,
                ..
            } => (
                "stderr",
                format!("{path}:{line}: reload failed: {message}\n"),
                Some((path.clone(), *line)),
            ),
            Event::Reloaded { path, ms, .. } => {
                ("console", format!("reloaded {path} in {ms:.1} ms\n"), None)
            }
        };
        let mut body = json!({"category": category, "output": text});
        if let Some((path, line)) = at.filter(|(p, _)| !p.is_empty()) {
            body["source"] = self.source(&path);
            body["line"] = json!(line);
        }
        self.event("output", body);
    }

    fn answer(&mut self, pending: Pending, result: DebugResult) {
        if let DebugResult::Error { message } = &result {
            let r = pending.into_request();
            if r.is_null() {
                // The adapter's own request (attach, detach): say so in the debug console.
                let text = format!("crescent dap: the game refused: {message}\n");
                self.event("output", json!({"category": "stderr", "output": text}));
            } else {
                self.fail(&r, message.clone());
            }
            return;
        }
        match (pending, result) {
            (Pending::Plain(r), _) => {
                if !r.is_null() {
                    let body = if r["command"] == "continue" {
                        json!({"allThreadsContinued": true})
                    } else {
                        json!({})
                    };
                    self.respond(&r, body);
                }
            }
            (Pending::SetBreakpoints(r, path), DebugResult::Breakpoints { breakpoints }) => {
                let ids: Vec<i64> = breakpoints
                    .iter()
                    .map(|_| {
                        self.next_breakpoint += 1;
                        self.next_breakpoint
                    })
                    .collect();
                let list: Vec<Value> = ids
                    .iter()
                    .zip(&breakpoints)
                    .map(|(id, b)| self.breakpoint_json(*id, &path, b))
                    .collect();
                self.breakpoint_ids.insert(path, ids);
                self.respond(&r, json!({"breakpoints": list}));
            }
            (Pending::Stack(r), DebugResult::Stack { frames }) => {
                let list: Vec<Value> = frames
                    .iter()
                    .map(|f| {
                        json!({
                            "id": f.id as i64 + 1,
                            "name": f.name,
                            "line": f.line,
                            "column": 1,
                            "source": self.source(&f.path),
                        })
                    })
                    .collect();
                let total = list.len();
                self.respond(&r, json!({"stackFrames": list, "totalFrames": total}));
            }
            (Pending::Scopes(r), DebugResult::Scopes { scopes }) => {
                let list: Vec<Value> = scopes
                    .iter()
                    .map(|s| {
                        let hint = match s.name.as_str() {
                            "Locals" => "locals",
                            "Script globals" => "globals",
                            _ => "",
                        };
                        let mut v = json!({
                            "name": s.name,
                            "variablesReference": s.reference,
                            "expensive": false,
                        });
                        if !hint.is_empty() {
                            v["presentationHint"] = json!(hint);
                        }
                        v
                    })
                    .collect();
                self.respond(&r, json!({"scopes": list}));
            }
            (Pending::Variables(r), DebugResult::Variables { variables }) => {
                let list: Vec<Value> = variables
                    .iter()
                    .map(|v| {
                        json!({
                            "name": v.name,
                            "value": v.value,
                            "type": v.type_name,
                            "variablesReference": v.reference,
                        })
                    })
                    .collect();
                self.respond(&r, json!({"variables": list}));
            }
            (Pending::Evaluate(r), DebugResult::Value { value }) => {
                self.respond(
                    &r,
                    json!({
                        "result": value.value,
                        "type": value.type_name,
                        "variablesReference": value.reference,
                    }),
                );
            }
            (Pending::SetVariable(r), DebugResult::Value { value }) => {
                self.respond(
                    &r,
                    json!({
                        "value": value.value,
                        "type": value.type_name,
                        "variablesReference": value.reference,
                    }),
                );
            }
            (pending, other) => {
                let r = pending.into_request();
                self.fail(&r, format!("unexpected answer from the game: {other:?}"));
            }
        }
    }
}

/// A DAP frame id (the game's level plus one) as the game's frame id.
fn frame_of(v: &Value) -> u32 {
    (v.as_u64().unwrap_or(1).max(1) - 1) as u32
}
