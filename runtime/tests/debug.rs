//! The debugger's game side, driven in process through a `DebugLink`: breakpoints (moved,
//! conditional, hit counts, logpoints, in modules), the stopped stack, scopes, variables,
//! evaluate and setVariable, steps (also over a `task.wait`), pause, break on errors, and what
//! a stop does to the time budget and to game time.

use crescent_runtime::api::dev::{
    BreakpointSpec, DebugRequest, DebugResult, DebugVariable, FromGame, StepKind, StopReason,
};
use crescent_runtime::doc_support::TempProject;
use crescent_runtime::{Config, DebugIncoming, DebugLink, Event, Registry, Runtime, Scene};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// The tool's end of the link; the game runs `frames` frames on a thread of its own, a
/// millisecond apart.
struct Tool {
    tx: Sender<DebugIncoming>,
    rx: Receiver<FromGame>,
    next: u64,
    /// Messages that were not the reply waited for.
    seen: Vec<FromGame>,
    game: Option<JoinHandle<Vec<Event>>>,
    _project: TempProject,
}

impl Tool {
    /// Starts a game on `files`, attached and ready (breakpoints from `setup` set before the
    /// first frame), running `frames` frames.
    fn start(
        files: &[(&str, &str)],
        budget: Duration,
        frames: u32,
        setup: impl FnOnce(&mut Tool),
    ) -> Tool {
        let project = TempProject::new(files).expect("project");
        let root = project.path().to_path_buf();
        let (tx, incoming) = channel();
        let (out, rx) = channel();
        let (ready_tx, ready_rx) = channel::<()>();
        let game = std::thread::spawn(move || {
            let config = Config {
                budget,
                ..Config::default()
            };
            let mut rt = Runtime::new(&root, config, Registry::new()).expect("runtime");
            rt.attach_debugger(DebugLink::new(incoming, move |_, m: &FromGame| {
                let _ = out.send(m.clone());
            }))
            .expect("attach");
            while !rt.debugger_ready() {
                rt.debug_service();
                std::thread::sleep(Duration::from_millis(2));
            }
            let _ = ready_tx.send(());
            rt.load_scene(&Scene::load(&root).expect("scene"))
                .expect("load");
            let mut events = Vec::new();
            // Paced as a game is (if far faster than 60 Hz): a tool's request sent while the
            // game runs finds it still running, however fast its frames are.
            for _ in 0..frames {
                rt.frame(1.0 / 60.0);
                events.extend(rt.drain_events());
                std::thread::sleep(Duration::from_millis(1));
            }
            events
        });
        let mut tool = Tool {
            tx,
            rx,
            next: 0,
            seen: Vec::new(),
            game: Some(game),
            _project: project,
        };
        tool.ok(DebugRequest::Attach {
            break_on_errors: true,
        });
        setup(&mut tool);
        tool.ok(DebugRequest::Ready);
        ready_rx.recv_timeout(WAIT).expect("the game starts");
        tool
    }

    fn request(&mut self, request: DebugRequest) -> DebugResult {
        self.next += 1;
        let id = self.next;
        self.tx
            .send(DebugIncoming::Request {
                client: 1,
                id,
                request,
            })
            .expect("send");
        loop {
            match self.rx.recv_timeout(WAIT).expect("a reply") {
                FromGame::DebugReply { id: got, result } if got == id => return result,
                other => self.seen.push(other),
            }
        }
    }

    fn ok(&mut self, request: DebugRequest) {
        let r = self.request(request.clone());
        assert_eq!(r, DebugResult::Ok, "{request:?}");
    }

    /// Waits for the next stop: (reason, thread, path, line, text).
    fn stopped(&mut self) -> (StopReason, String, String, u32, String) {
        loop {
            let m = if self.seen.is_empty() {
                self.rx.recv_timeout(WAIT).expect("a stop")
            } else {
                self.seen.remove(0)
            };
            if let FromGame::Stopped {
                reason,
                thread,
                path,
                line,
                text,
            } = m
            {
                return (reason, thread, path, line, text);
            }
        }
    }

    fn breakpoints(&mut self, path: &str, lines: &[u32]) -> DebugResult {
        self.request(DebugRequest::SetBreakpoints {
            path: path.into(),
            breakpoints: lines
                .iter()
                .map(|&line| BreakpointSpec {
                    line,
                    ..BreakpointSpec::default()
                })
                .collect(),
        })
    }

    fn variables(&mut self, reference: u32) -> Vec<DebugVariable> {
        match self.request(DebugRequest::Variables { reference }) {
            DebugResult::Variables { variables } => variables,
            other => panic!("variables: {other:?}"),
        }
    }

    /// The scope named `name` of the innermost frame.
    fn scope(&mut self, name: &str) -> u32 {
        match self.request(DebugRequest::Scopes { frame: 0 }) {
            DebugResult::Scopes { scopes } => {
                scopes
                    .iter()
                    .find(|s| s.name == name)
                    .unwrap_or_else(|| panic!("no scope {name} in {scopes:?}"))
                    .reference
            }
            other => panic!("scopes: {other:?}"),
        }
    }

    fn eval(&mut self, expression: &str) -> String {
        match self.request(DebugRequest::Evaluate {
            frame: None,
            expression: expression.into(),
        }) {
            DebugResult::Value { value } => value.value,
            DebugResult::Error { message } => format!("error: {message}"),
            other => panic!("evaluate: {other:?}"),
        }
    }

    /// Lets the game run to its end, still attached; its events.
    fn join(mut self) -> Vec<Event> {
        self.game
            .take()
            .expect("game")
            .join()
            .expect("the game ran")
    }

    /// Detaches and lets the game finish; its events. A game that already ran its last frame
    /// has dropped its end of the link, and there is nothing left to detach from.
    fn finish(mut self) -> Vec<Event> {
        self.next += 1;
        let id = self.next;
        let sent = self.tx.send(DebugIncoming::Request {
            client: 1,
            id,
            request: DebugRequest::Detach,
        });
        while sent.is_ok() {
            match self.rx.recv_timeout(WAIT) {
                Ok(FromGame::DebugReply { id: got, result }) if got == id => {
                    assert_eq!(result, DebugResult::Ok, "detach");
                    break;
                }
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(e) => panic!("a reply to detach: {e}"),
            }
        }
        self.game
            .take()
            .expect("game")
            .join()
            .expect("the game ran")
    }
}

fn value<'a>(vars: &'a [DebugVariable], name: &str) -> &'a DebugVariable {
    vars.iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no {name} in {vars:?}"))
}

const MOVER: &str = "\
-- counts and moves
local step = 2

function init(self)
  self.n = 0
end

function update(self, dt)
  local before = self.n

  self.n = before + step
  if self.n > 1000 then error('too far') end
end
";

fn mover_scene() -> [(&'static str, &'static str); 2] {
    [
        ("scripts/mover.lua", MOVER),
        (
            "scene.json",
            r#"{"entities": [{"name": "a", "scripts": ["scripts/mover.lua"]}]}"#,
        ),
    ]
}

#[test]
fn a_breakpoint_stops_with_the_stack_scopes_and_values_of_the_frame() {
    let mut tool = Tool::start(&mover_scene(), Duration::from_millis(50), 30, |t| {
        // Line 10 is blank: the breakpoint moves to 11.
        match t.breakpoints("scripts/mover.lua", &[10, 40]) {
            DebugResult::Breakpoints { breakpoints } => {
                assert!(breakpoints[0].verified);
                assert_eq!(breakpoints[0].line, 11);
                assert!(breakpoints[0]
                    .message
                    .as_deref()
                    .unwrap_or("")
                    .contains("11"));
                assert!(!breakpoints[1].verified, "{breakpoints:?}");
            }
            other => panic!("{other:?}"),
        }
    });
    let (reason, thread, path, line, _) = tool.stopped();
    assert_eq!(reason, StopReason::Breakpoint);
    assert_eq!((path.as_str(), line), ("scripts/mover.lua", 11));
    assert!(thread.starts_with("scripts/mover.lua #"), "{thread}");
    match tool.request(DebugRequest::Stack) {
        DebugResult::Stack { frames } => {
            assert_eq!(frames.len(), 1, "engine frames are hidden: {frames:?}");
            assert_eq!(frames[0].line, 11);
            assert_eq!(frames[0].name, "update", "named after the script's global");
        }
        other => panic!("{other:?}"),
    }
    let locals = tool.scope("Locals");
    let vars = tool.variables(locals);
    assert_eq!(value(&vars, "before").value, "0");
    assert_eq!(value(&vars, "dt").type_name, "number");
    let self_ref = value(&vars, "self").reference;
    assert!(self_ref > 0, "self expands");
    let fields = tool.variables(self_ref);
    assert_eq!(value(&fields, "n").value, "0");
    assert_eq!(value(&fields, "entity").type_name, "Entity");
    let upvalues = tool.scope("Upvalues");
    assert_eq!(value(&tool.variables(upvalues), "step").value, "2");
    let globals = tool.scope("Script globals");
    assert_eq!(
        value(&tool.variables(globals), "update").type_name,
        "function"
    );
    assert_eq!(tool.eval("before + step * 10"), "20");
    assert_eq!(tool.eval("self.n == 0"), "true");
    assert!(tool.eval("nope.x").starts_with("error:"));
    assert!(tool.eval("while true do end").contains("too long"));
    // setVariable: `before` becomes 100, so this update stores 102.
    match tool.request(DebugRequest::SetVariable {
        reference: locals,
        name: "before".into(),
        value: "100".into(),
    }) {
        DebugResult::Value { value } => assert_eq!(value.value, "100"),
        other => panic!("{other:?}"),
    }
    // A long stop does not trip the 50 ms time budget.
    std::thread::sleep(Duration::from_millis(200));
    tool.ok(DebugRequest::Step {
        kind: StepKind::Over,
    });
    let (reason, _, _, line, _) = tool.stopped();
    assert_eq!((reason, line), (StopReason::Step, 12));
    assert_eq!(tool.eval("self.n"), "102");
    tool.ok(DebugRequest::Continue);
    // The next frame stops at the breakpoint again.
    let (_, _, _, line, _) = tool.stopped();
    assert_eq!(line, 11);
    assert_eq!(tool.eval("self.n"), "102");
    let events = tool.finish();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ScriptError { .. })),
        "no instance faulted: {events:?}"
    );
}

#[test]
fn conditions_hit_counts_and_logpoints() {
    let mut tool = Tool::start(&mover_scene(), Duration::ZERO, 30, |t| {
        let r = t.request(DebugRequest::SetBreakpoints {
            path: "scripts/mover.lua".into(),
            breakpoints: vec![
                BreakpointSpec {
                    line: 11,
                    condition: Some("before >= 6".into()),
                    ..BreakpointSpec::default()
                },
                BreakpointSpec {
                    line: 12,
                    log_message: Some("n is {self.n}".into()),
                    hit_condition: Some("% 2".into()),
                    ..BreakpointSpec::default()
                },
            ],
        });
        assert!(matches!(r, DebugResult::Breakpoints { .. }));
    });
    let (_, _, _, line, _) = tool.stopped();
    assert_eq!(line, 11);
    assert_eq!(tool.eval("before"), "6");
    tool.breakpoints("scripts/mover.lua", &[]);
    let r = tool.request(DebugRequest::SetBreakpoints {
        path: "scripts/mover.lua".into(),
        breakpoints: vec![BreakpointSpec {
            line: 12,
            log_message: Some("n is {self.n}".into()),
            hit_condition: Some("% 2".into()),
            ..BreakpointSpec::default()
        }],
    });
    assert!(matches!(r, DebugResult::Breakpoints { .. }));
    tool.ok(DebugRequest::Continue);
    let events = tool.join();
    let logs: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Log { message, .. } if message.starts_with("n is") => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert!(logs.len() >= 5, "{logs:?}");
    assert!(
        logs.windows(2).all(|w| w[0] != w[1]),
        "every second hit: {logs:?}"
    );
}

#[test]
fn pause_steps_and_break_on_errors() {
    let files = [
        (
            "scripts/boom.lua",
            "function update(self)\n  self.k = (self.k or 0) + 1\n  if self.k == 3 then\n    local x = nil\n    return x.field\n  end\nend\n",
        ),
        ("scripts/idle.lua", "-- nothing runs\n"),
        (
            "scene.json",
            r#"{"entities": [{"name": "b", "scripts": ["scripts/boom.lua"]}]}"#,
        ),
    ];
    let mut tool = Tool::start(&files, Duration::from_millis(50), 10, |t| {
        t.ok(DebugRequest::Pause)
    });
    // Paused before the scene loads: the first script line to run is the script's top level.
    let (reason, _, path, _, _) = tool.stopped();
    assert_eq!(
        (reason, path.as_str()),
        (StopReason::Pause, "scripts/boom.lua")
    );
    match tool.request(DebugRequest::Stack) {
        DebugResult::Stack { frames } => assert_eq!(frames[0].name, "main chunk"),
        other => panic!("{other:?}"),
    }
    tool.breakpoints("scripts/boom.lua", &[2]);
    tool.ok(DebugRequest::Continue);
    let (reason, _, path, line, _) = tool.stopped();
    assert_eq!(reason, StopReason::Breakpoint);
    assert_eq!((path.as_str(), line), ("scripts/boom.lua", 2));
    tool.breakpoints("scripts/boom.lua", &[]);
    tool.ok(DebugRequest::Step { kind: StepKind::In });
    let (reason, _, _, line, _) = tool.stopped();
    assert_eq!((reason, line), (StopReason::Step, 3));
    tool.ok(DebugRequest::Continue);
    let (reason, _, path, line, text) = tool.stopped();
    assert_eq!(reason, StopReason::Error);
    assert_eq!((path.as_str(), line), ("scripts/boom.lua", 5));
    assert!(text.contains("index a nil value"), "{text}");
    assert_eq!(tool.eval("self.k"), "3");
    tool.ok(DebugRequest::Continue);
    let events = tool.finish();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ScriptError { line: 5, .. })),
        "the error is still reported once the game continues: {events:?}"
    );
}

#[test]
fn breakpoints_in_modules_and_tasks_and_a_step_over_a_wait() {
    let files = [
        (
            "scripts/lib/calc.lua",
            "local M = {}\nfunction M.double(x)\n  return x * 2\nend\nreturn M\n",
        ),
        (
            "scripts/user.lua",
            "local calc = require('lib.calc')\nfunction update(self)\n  self.v = calc.double(21)\nend\n",
        ),
        (
            "scripts/seq.lua",
            "function init(self)\n  task.spawn(function()\n    self.phase = 1\n    task.wait_frames(2)\n    self.phase = 2\n  end)\nend\n",
        ),
        ("scripts/other.lua", "function update(self) self.t = (self.t or 0) + 1 end\n"),
        (
            "scene.json",
            r#"{"entities": [{"name": "u", "scripts": ["scripts/user.lua", "scripts/seq.lua", "scripts/other.lua"]}]}"#,
        ),
    ];
    let mut tool = Tool::start(&files, Duration::from_millis(50), 10, |t| {
        assert!(matches!(
            t.breakpoints("scripts/lib/calc.lua", &[3]),
            DebugResult::Breakpoints { .. }
        ));
        assert!(matches!(
            t.breakpoints("scripts/seq.lua", &[4]),
            DebugResult::Breakpoints { .. }
        ));
    });
    // The task starts in init, before any update.
    let (_, thread, path, line, _) = tool.stopped();
    assert_eq!((path.as_str(), line), ("scripts/seq.lua", 4));
    assert!(thread.starts_with("scripts/seq.lua #"), "{thread}");
    tool.ok(DebugRequest::Step {
        kind: StepKind::Over,
    });
    // Over the wait: the next line of the task, two frames later, not another script's.
    let (reason, _, path, line, _) = tool.stopped();
    if (path.as_str(), line) == ("scripts/lib/calc.lua", 3) {
        // The module's breakpoint in update comes first; the task's next line after it.
        assert_eq!(reason, StopReason::Breakpoint);
        match tool.request(DebugRequest::Stack) {
            DebugResult::Stack { frames } => {
                assert_eq!(frames[0].path, "scripts/lib/calc.lua");
                assert_eq!(frames[1].path, "scripts/user.lua");
            }
            other => panic!("{other:?}"),
        }
        tool.breakpoints("scripts/lib/calc.lua", &[]);
        tool.ok(DebugRequest::Continue);
        let (reason, _, path, line, _) = tool.stopped();
        assert_eq!(
            (reason, path.as_str(), line),
            (StopReason::Step, "scripts/seq.lua", 5)
        );
    } else {
        assert_eq!(
            (reason, path.as_str(), line),
            (StopReason::Step, "scripts/seq.lua", 5)
        );
    }
    assert_eq!(tool.eval("self.phase"), "1");
    tool.finish();
}

#[test]
fn a_pause_when_no_script_runs_stops_between_frames() {
    let files = [("scene.json", r#"{"entities": [{"name": "rock"}]}"#)];
    let mut tool = Tool::start(&files, Duration::from_millis(50), 600, |_| {});
    tool.ok(DebugRequest::Pause);
    let (reason, thread, path, line, _) = tool.stopped();
    assert_eq!(
        (reason, thread.as_str(), path.as_str(), line),
        (StopReason::Pause, "game", "", 0)
    );
    match tool.request(DebugRequest::Stack) {
        DebugResult::Stack { frames } => assert!(frames.is_empty(), "{frames:?}"),
        other => panic!("{other:?}"),
    }
    tool.ok(DebugRequest::Continue);
    tool.finish();
}

#[test]
fn breakpoints_bind_again_when_their_script_reloads() {
    let project = TempProject::new(&mover_scene()).expect("project");
    let mut rt = Runtime::new(project.path(), Config::default(), Registry::new()).expect("runtime");
    let (tx, incoming) = channel();
    let (out, rx) = channel();
    rt.attach_debugger(DebugLink::new(incoming, move |_, m: &FromGame| {
        let _ = out.send(m.clone());
    }))
    .expect("attach");
    rt.load_scene(&Scene::load(project.path()).expect("scene"))
        .expect("load");
    let send = |id, request| {
        tx.send(DebugIncoming::Request {
            client: 1,
            id,
            request,
        })
        .expect("send")
    };
    send(
        1,
        DebugRequest::Attach {
            break_on_errors: false,
        },
    );
    send(
        2,
        DebugRequest::SetBreakpoints {
            path: "scripts/mover.lua".into(),
            breakpoints: vec![BreakpointSpec {
                line: 11,
                ..BreakpointSpec::default()
            }],
        },
    );
    rt.debug_service();
    // The new text has a blank line 11: the breakpoint moves to 12.
    let new = MOVER.replace("  self.n = before + step\n", "\n  self.n = before + step\n");
    rt.reload_script_source("scripts/mover.lua", &new);
    let changed = rx
        .try_iter()
        .find_map(|m| match m {
            FromGame::BreakpointsChanged { path, breakpoints } => Some((path, breakpoints)),
            _ => None,
        })
        .expect("a breakpoints_changed message");
    assert_eq!(changed.0, "scripts/mover.lua");
    assert_eq!((changed.1[0].requested, changed.1[0].line), (11, 12));
}
