//! `crescent dap` end to end, driven as a DAP client drives it: `launch` (the adapter starts
//! the game under the debugger) and `attach` (to a game already running with `--watch`),
//! breakpoints that move to a line with code, the stopped stack, scopes, variables, evaluate,
//! a step, a script error caught before the instance faults, and a save while stopped that
//! applies on continue with the breakpoint bound again.

use crescent_e2e::dap_client::DapClient;
use crescent_e2e::game::RunningGame;
use crescent_e2e::*;
use serde_json::{json, Value};

const MOVER: &str = "\
-- moves right
local speed = 3

function update(self, dt)
  self.x = (self.x or 0) + speed

  log.info('x ' .. self.x)
end
";

fn scene() -> tempfile::TempDir {
    project(&[
        ("scripts/mover.lua", MOVER),
        (
            "scene.json",
            r#"{"entities": [{"name": "m", "scripts": ["scripts/mover.lua"]}]}"#,
        ),
    ])
}

fn mover(dir: &tempfile::TempDir) -> String {
    dir.path()
        .join("scripts/mover.lua")
        .canonicalize()
        .expect("the script")
        .to_string_lossy()
        .into_owned()
}

fn set_breakpoints(dap: &mut DapClient, path: &str, lines: &[u32]) -> Vec<Value> {
    let bps: Vec<Value> = lines.iter().map(|l| json!({"line": l})).collect();
    let body = dap.request(
        "setBreakpoints",
        json!({"source": {"path": path}, "breakpoints": bps}),
    );
    body["breakpoints"].as_array().cloned().unwrap_or_default()
}

/// The innermost frame's id, line and source path.
fn top_frame(dap: &mut DapClient) -> (i64, u64, String) {
    let stack = dap.request("stackTrace", json!({"threadId": 1}));
    let f = &stack["stackFrames"][0];
    (
        f["id"].as_i64().expect("frame id"),
        f["line"].as_u64().expect("line"),
        f["source"]["path"].as_str().unwrap_or("").to_string(),
    )
}

fn variable(dap: &mut DapClient, reference: &Value, name: &str) -> Value {
    let vars = dap.request("variables", json!({"variablesReference": reference}));
    vars["variables"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["name"] == name).cloned())
        .unwrap_or_else(|| panic!("no {name} in {vars}"))
}

#[test]
fn launch_stops_at_a_moved_breakpoint_and_shows_the_frame() {
    let dir = scene();
    let path = mover(&dir);
    let (mut dap, caps) = DapClient::start();
    assert_eq!(caps["supportsConditionalBreakpoints"], true, "{caps}");
    assert_eq!(caps["exceptionBreakpointFilters"][0]["filter"], "errors");
    dap.request("launch", json!({"project": dir.path()}));
    dap.event("initialized", |_| true);
    // Line 6 is blank: the breakpoint moves to 7.
    let bps = set_breakpoints(&mut dap, &path, &[6]);
    assert_eq!(bps[0]["verified"], true, "{bps:?}");
    assert_eq!(bps[0]["line"], 7, "{bps:?}");
    // A file that is not there: unverified, with the reason.
    let missing = dir.path().join("scripts/missing.lua");
    let bps = set_breakpoints(&mut dap, &missing.to_string_lossy(), &[3]);
    assert_eq!(bps[0]["verified"], false, "{bps:?}");
    assert!(
        bps[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("missing.lua"),
        "{bps:?}"
    );
    // A request the adapter does not know fails with a message, and the session goes on.
    let unknown = dap.try_request("gotoTargets", json!({}));
    assert_eq!(unknown["success"], false, "{unknown}");
    assert!(unknown["message"]
        .as_str()
        .unwrap_or("")
        .contains("gotoTargets"));
    dap.request("setExceptionBreakpoints", json!({"filters": ["errors"]}));
    dap.request("configurationDone", json!({}));
    let stopped = dap.event("stopped", |_| true);
    assert_eq!(stopped["reason"], "breakpoint", "{stopped}");
    let threads = dap.request("threads", json!({}));
    let name = threads["threads"][0]["name"].as_str().unwrap_or("");
    assert!(name.starts_with("scripts/mover.lua #"), "{threads}");
    let stack = dap.request("stackTrace", json!({"threadId": 1}));
    assert_eq!(stack["stackFrames"][0]["name"], "update", "{stack}");
    let (frame, line, source) = top_frame(&mut dap);
    assert_eq!(line, 7);
    assert_eq!(source, path);
    let scopes = dap.request("scopes", json!({"frameId": frame}));
    let locals = scopes["scopes"][0]["variablesReference"].clone();
    assert_eq!(scopes["scopes"][0]["name"], "Locals", "{scopes}");
    let self_var = variable(&mut dap, &locals, "self");
    assert_eq!(
        variable(&mut dap, &self_var["variablesReference"], "x")["value"],
        "3"
    );
    let eval = dap.request(
        "evaluate",
        json!({"expression": "self.x + speed", "frameId": frame, "context": "watch"}),
    );
    assert_eq!(eval["result"], "6", "{eval}");
    let failed = dap.try_request(
        "evaluate",
        json!({"expression": "nothing.here", "frameId": frame, "context": "repl"}),
    );
    assert_eq!(failed["success"], false, "{failed}");
    dap.request("next", json!({"threadId": 1}));
    let stopped = dap.event("stopped", |b| b["reason"] == "step");
    assert_eq!(stopped["threadId"], 1);
    assert_eq!(top_frame(&mut dap).1, 8);
    set_breakpoints(&mut dap, &path, &[]);
    dap.request("continue", json!({"threadId": 1}));
    // Running, the stack is refused with why.
    let running = dap.try_request("stackTrace", json!({"threadId": 1}));
    assert_eq!(running["success"], false, "{running}");
    // The game runs on: its logs arrive as output.
    dap.event("output", |b| {
        b["output"].as_str().unwrap_or("").contains("[info] x 9")
    });
    dap.disconnect();
    // Disconnecting from a launch ends the game (its session file goes with it).
    let session = dir.path().join(".crescent/session.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while session.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        !session.exists(),
        "the game ended cleanly (as on Ctrl-C) and removed it"
    );
}

#[test]
fn attach_breaks_on_errors_and_rebinds_after_a_save_while_stopped() {
    let dir = project(&[
        (
            "scripts/fragile.lua",
            "function update(self)\n  self.n = (self.n or 0) + 1\n  if self.n % 120 == 0 then\n    local cfg = nil\n    print(cfg.speed)\n  end\nend\n",
        ),
        (
            "scene.json",
            r#"{"entities": [{"name": "f", "scripts": ["scripts/fragile.lua"]}]}"#,
        ),
    ]);
    let game = RunningGame::start(dir.path());
    let path = dir
        .path()
        .join("scripts/fragile.lua")
        .canonicalize()
        .expect("script")
        .to_string_lossy()
        .into_owned();
    let (mut dap, _) = DapClient::start();
    dap.request("attach", json!({"project": dir.path()}));
    dap.event("initialized", |_| true);
    dap.request("setExceptionBreakpoints", json!({"filters": ["errors"]}));
    dap.request("configurationDone", json!({}));
    // Within two seconds of game time the error line runs: stopped before the instance faults.
    let stopped = dap.event("stopped", |_| true);
    assert_eq!(stopped["reason"], "exception", "{stopped}");
    assert!(
        stopped["text"].as_str().unwrap_or("").contains("cfg"),
        "{stopped}"
    );
    let (frame, line, _) = top_frame(&mut dap);
    assert_eq!(line, 5);
    let eval = dap.request(
        "evaluate",
        json!({"expression": "self.n", "frameId": frame}),
    );
    assert_eq!(eval["result"], "120");
    // Save a fix while stopped: two comment lines on top shift the code down; then a
    // breakpoint on the increment, which is on line 4 of the new text once the reload applies.
    std::fs::write(
        dir.path().join("scripts/fragile.lua"),
        "-- fixed\n-- cfg has a default now\nfunction update(self)\n  self.n = (self.n or 0) + 1\n  if self.n % 120 == 0 then\n    local cfg = { speed = 1 }\n    print(cfg.speed)\n  end\nend\n",
    )
    .expect("save");
    let bps = set_breakpoints(&mut dap, &path, &[4]);
    assert_eq!(bps[0]["verified"], true, "{bps:?}");
    dap.request("continue", json!({"threadId": 1}));
    let stopped = dap.event("stopped", |b| b["reason"] == "breakpoint");
    assert_eq!(stopped["threadId"], 1);
    let (frame, line, _) = top_frame(&mut dap);
    assert_eq!(line, 4);
    // The fixed code runs and the instance kept its state.
    let eval = dap.request(
        "evaluate",
        json!({"expression": "self.n", "frameId": frame}),
    );
    let n: i64 = eval["result"].as_str().unwrap_or("0").parse().unwrap_or(0);
    assert!(n >= 120, "{eval}");
    set_breakpoints(&mut dap, &path, &[]);
    dap.request("continue", json!({"threadId": 1}));
    dap.disconnect();
    // Detached, the game runs on.
    assert!(dir.path().join(".crescent/session.json").exists());
    drop(game);
}

#[test]
fn terminating_while_stopped_ends_a_launched_game_cleanly() {
    let dir = scene();
    let path = mover(&dir);
    let (mut dap, _) = DapClient::start();
    dap.request("launch", json!({"project": dir.path()}));
    dap.event("initialized", |_| true);
    set_breakpoints(&mut dap, &path, &[5]);
    dap.request("configurationDone", json!({}));
    dap.event("stopped", |b| b["reason"] == "breakpoint");
    let session = dir.path().join(".crescent/session.json");
    assert!(session.exists());
    // The game is stopped in its hook: Ctrl-C (what the adapter sends) lets the debugger go
    // and the game ends as it does when running, removing its session file; a game the
    // adapter had to kill after its two seconds would leave the file behind.
    let asked = std::time::Instant::now();
    dap.request("terminate", json!({}));
    dap.event("terminated", |_| true);
    let deadline = asked + std::time::Duration::from_secs(10);
    while session.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        !session.exists(),
        "the stopped game ended cleanly and removed its session file"
    );
    assert!(
        asked.elapsed() < std::time::Duration::from_millis(1900),
        "ended in {:?}, before the adapter's two-second kill",
        asked.elapsed()
    );
    dap.disconnect();
}
