//! Hot reload in process: real files, the real watcher and the real runtime, with reloads
//! applied between frames by the dev host, and the resulting events seen by a real TCP tool.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crescent_runtime::{Config, DevHost, DevOptions, Event, Registry, Runtime, Scene, SessionInfo};
use serde_json::{json, Value};

const PATIENCE: Duration = Duration::from_secs(10);

struct Game {
    dir: tempfile::TempDir,
    rt: Runtime,
    host: DevHost,
}

impl Game {
    fn new(files: &[(&str, &str)], scene: &str) -> Game {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let file = dir.path().join(path);
            fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            fs::write(file, text).expect("write");
        }
        fs::write(dir.path().join("scene.json"), scene).expect("scene");
        let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
        let api = serde_json::to_value(rt.api()).expect("api");
        // The watcher starts before the scene loads, as `crescent run --watch` does.
        let host = DevHost::start(dir.path(), api, DevOptions::default()).expect("dev host");
        rt.load_scene(&Scene::load(dir.path()).expect("scene"))
            .expect("load");
        Game { dir, rt, host }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs frames, applying reloads between them and publishing every event, until `done`
    /// holds for the events seen so far.
    fn run_until(&mut self, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            let mut batch = self.host.apply(&mut self.rt);
            self.rt.frame(1.0 / 60.0);
            batch.extend(self.rt.drain_events());
            for event in &batch {
                self.host.publish(event);
            }
            seen.extend(batch);
            if done(&seen) {
                return seen;
            }
            assert!(start.elapsed() < PATIENCE, "gave up waiting; saw {seen:#?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Runs a few more frames and returns their events (to show what did not happen).
    fn run_frames(&mut self, frames: usize) -> Vec<Event> {
        let mut seen = Vec::new();
        for _ in 0..frames {
            seen.extend(self.host.apply(&mut self.rt));
            self.rt.frame(1.0 / 60.0);
            seen.extend(self.rt.drain_events());
            std::thread::sleep(Duration::from_millis(5));
        }
        seen
    }
}

fn logs(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn logged(text: &str) -> impl Fn(&[Event]) -> bool + '_ {
    move |events| logs(events).iter().any(|m| m == text)
}

fn reloaded(events: &[Event], path: &str) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Reloaded { path: p, .. } if p == path))
        .count()
}

const COUNTER: &str = "\
function init(self) self.n = 0 print('init') end
function update(self) self.n = self.n + 1 if self.n % 1 == 0 then print('v1 ' .. self.n) end end
";

fn counter_game() -> Game {
    Game::new(
        &[("scripts/counter.lua", COUNTER)],
        r#"{"entities": [{"scripts": ["scripts/counter.lua"]}]}"#,
    )
}

fn n_of(message: &str) -> u64 {
    message
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a counter")
}

#[test]
fn a_plain_save_swaps_code_and_keeps_state() {
    let mut game = counter_game();
    let before = game.run_until(logged("v1 5"));
    assert_eq!(logs(&before).iter().filter(|m| *m == "init").count(), 1);
    let new = "function update(self) self.n = self.n + 1 print('v2 ' .. self.n) end\n\
               function on_reload(self) print('on_reload ' .. self.n) end\n";
    fs::write(game.path("scripts/counter.lua"), new).expect("save");
    let after = game.run_until(|e| logs(e).iter().any(|m| m.starts_with("v2 ")));
    let messages = logs(&after);
    assert!(
        !messages.contains(&"init".to_string()),
        "init is not run again"
    );
    let on_reload = messages
        .iter()
        .find(|m| m.starts_with("on_reload "))
        .expect("on_reload ran");
    let first_v2 = messages.iter().find(|m| m.starts_with("v2 ")).expect("v2");
    assert_eq!(n_of(first_v2), n_of(on_reload) + 1, "self.n carried over");
    assert_eq!(reloaded(&after, "scripts/counter.lua"), 1);
    let ms = after
        .iter()
        .find_map(|e| match e {
            Event::Reloaded { ms, instances, .. } => Some((*ms, *instances)),
            _ => None,
        })
        .expect("reloaded");
    assert_eq!(ms.1, 1);
    assert!(ms.0 >= 0.0 && ms.0 < PATIENCE.as_secs_f64() * 1000.0);
}

#[test]
fn an_atomic_save_reloads() {
    let mut game = counter_game();
    game.run_until(logged("v1 2"));
    let tmp = game.path("scripts/.counter.lua.tmp");
    fs::write(
        &tmp,
        "function update(self) self.n = self.n + 1 print('atomic ' .. self.n) end\n",
    )
    .expect("tmp");
    fs::rename(&tmp, game.path("scripts/counter.lua")).expect("rename");
    let after = game.run_until(|e| logs(e).iter().any(|m| m.starts_with("atomic ")));
    assert_eq!(reloaded(&after, "scripts/counter.lua"), 1);
}

#[test]
fn a_syntax_error_keeps_the_old_code_and_reports_line_and_column() {
    let mut game = counter_game();
    game.run_until(logged("v1 2"));
    fs::write(
        game.path("scripts/counter.lua"),
        "function update(self)\n  self.n = = 1\nend\n",
    )
    .expect("save");
    let after = game.run_until(|e| e.iter().any(|e| matches!(e, Event::ReloadFailed { .. })));
    let failed = after
        .iter()
        .find_map(|e| match e {
            Event::ReloadFailed {
                path,
                line,
                column,
                message,
            } => Some((path.clone(), *line, *column, message.clone())),
            _ => None,
        })
        .expect("reload_failed");
    assert_eq!(
        (failed.0.as_str(), failed.1),
        ("scripts/counter.lua", 2),
        "{failed:?}"
    );
    assert!(failed.2 > 0, "a column: {failed:?}");
    // The old code keeps running, with its state.
    let later = game.run_frames(3);
    assert!(
        logs(&later).iter().all(|m| m.starts_with("v1 ")),
        "{later:?}"
    );
    assert_eq!(reloaded(&later, "scripts/counter.lua"), 0);
    // And the fix reloads.
    fs::write(
        game.path("scripts/counter.lua"),
        "function update(self) print('fixed') end\n",
    )
    .expect("save");
    game.run_until(logged("fixed"));
}

#[test]
fn a_runtime_error_in_new_code_is_a_script_error() {
    let mut game = counter_game();
    game.run_until(logged("v1 2"));
    fs::write(
        game.path("scripts/counter.lua"),
        "function update(self)\n  local x = nil\n  return x.field\nend\n",
    )
    .expect("save");
    let after = game.run_until(|e| e.iter().any(|e| matches!(e, Event::ScriptError { .. })));
    let error = after
        .iter()
        .find_map(|e| match e {
            Event::ScriptError {
                path, line, phase, ..
            } => Some((path.clone(), *line, phase.clone())),
            _ => None,
        })
        .expect("script_error");
    assert_eq!(
        error,
        ("scripts/counter.lua".to_string(), 3, "update".to_string())
    );
}

#[test]
fn a_module_save_reloads_its_dependents() {
    let mut game = Game::new(
        &[
            ("scripts/lib/tuning.lua", "return { speed = 1 }\n"),
            ("scripts/lib/derived.lua", "local t = require('lib.tuning')\nreturn { speed = t.speed * 10 }\n"),
            (
                "scripts/mover.lua",
                "local d = require('lib.derived')\nfunction update(self) print('speed ' .. d.speed) end\n",
            ),
        ],
        r#"{"entities": [{"scripts": ["scripts/mover.lua"]}]}"#,
    );
    game.run_until(logged("speed 10"));
    fs::write(
        game.path("scripts/lib/tuning.lua"),
        "return { speed = 7 }\n",
    )
    .expect("save");
    game.run_until(logged("speed 70"));
}

#[test]
fn a_deleted_script_warns_keeps_running_and_reloads_when_back() {
    let mut game = counter_game();
    game.run_until(logged("v1 2"));
    fs::remove_file(game.path("scripts/counter.lua")).expect("delete");
    let after = game.run_until(|e| {
        logs(e)
            .iter()
            .any(|m| m.contains("scripts/counter.lua") && m.contains("old code"))
    });
    assert!(after
        .iter()
        .any(|e| matches!(e, Event::Log { level, .. } if level == "warn")));
    let later = game.run_frames(3);
    assert!(
        logs(&later).iter().any(|m| m.starts_with("v1 ")),
        "old code runs"
    );
    fs::write(
        game.path("scripts/counter.lua"),
        "function update(self) print('back ' .. self.n) end\n",
    )
    .expect("recreate");
    let back = game.run_until(|e| logs(e).iter().any(|m| m.starts_with("back ")));
    assert_eq!(reloaded(&back, "scripts/counter.lua"), 1);
}

#[test]
fn a_scene_change_asks_for_a_restart() {
    let mut game = counter_game();
    game.run_until(logged("v1 2"));
    fs::write(
        game.path("scene.json"),
        r#"{"entities": [{"scripts": ["scripts/counter.lua"]}, {}]}"#,
    )
    .expect("save");
    game.run_until(logged("scene.json changed; restart to apply"));
    assert_eq!(game.rt.stats().entities, 1, "the scene is not half-applied");
}

/// A tool on the dev channel, connected the way the language server connects.
fn connect(root: &Path) -> (TcpStream, BufReader<TcpStream>) {
    let info = SessionInfo::read(root).expect("session.json");
    let mut stream = TcpStream::connect(("127.0.0.1", info.port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let hello = json!({"type": "hello", "token": info.token, "client": "test"});
    stream
        .write_all(format!("{hello}\n").as_bytes())
        .expect("hello");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("welcome");
    let welcome: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(welcome["type"], "welcome");
    (stream, reader)
}

fn next_of_type(reader: &mut BufReader<TcpStream>, kind: &str) -> Value {
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("read");
        assert!(n > 0, "closed while waiting for {kind}");
        let message: Value = serde_json::from_str(&line).expect("json");
        if message["type"] == kind {
            return message;
        }
    }
}

#[test]
fn tools_see_reloads_and_can_ask_for_one() {
    let mut game = counter_game();
    let (mut stream, mut reader) = connect(game.dir.path());
    game.run_until(logged("v1 2"));
    fs::write(
        game.path("scripts/counter.lua"),
        "function update(self) print('v2') end\n",
    )
    .expect("save");
    game.run_until(logged("v2"));
    let message = next_of_type(&mut reader, "reloaded");
    assert_eq!(message["path"], "scripts/counter.lua");
    assert_eq!(message["instances"], 1);
    assert!(message["ms"].as_f64().is_some());

    // A reload request runs the same bytes again: top level and on_reload included.
    fs::write(
        game.path("scripts/counter.lua"),
        "print('top level')\nfunction on_reload(self) print('on_reload') end\n",
    )
    .expect("save");
    game.run_until(logged("on_reload"));
    stream
        .write_all(b"{\"type\":\"reload\",\"path\":\"scripts/counter.lua\"}\n")
        .expect("request");
    let after = game.run_until(|e| reloaded(e, "scripts/counter.lua") >= 1);
    assert!(logs(&after).contains(&"top level".to_string()));
    assert!(logs(&after).contains(&"on_reload".to_string()));
    next_of_type(&mut reader, "reloaded");
    next_of_type(&mut reader, "reloaded");
}
