//! End to end: the real `crescent run DIR --watch` binary on a project on disk, a tool connected
//! to its dev channel the way the language server connects (session.json, hello with the
//! token), and saves made the way editors make them.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const PATIENCE: Duration = Duration::from_secs(20);

struct Game {
    child: Child,
    stdout: mpsc::Receiver<Value>,
}

impl Game {
    fn start(root: &Path) -> Game {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crescent"))
            .arg("run")
            .arg(root)
            .args(["--watch", "--events", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start crescent run --watch");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                match serde_json::from_str(&line) {
                    Ok(value) => {
                        if tx.send(value).is_err() {
                            return;
                        }
                    }
                    Err(e) => panic!("--events json wrote a line that is not JSON ({e}): {line}"),
                }
            }
        });
        Game { child, stdout: rx }
    }

    /// Asks the game to stop as Ctrl-C does and waits for it to exit.
    fn interrupt(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the game did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Game {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The language server's side: find the session, connect, say hello.
struct Tool {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Tool {
    fn connect(root: &Path, pid: u32) -> (Tool, Value) {
        let start = Instant::now();
        let session = loop {
            // A stale file from another process does not count: wait for this game's.
            if let Ok(text) = fs::read_to_string(root.join(".crescent/session.json")) {
                if let Ok(session) = serde_json::from_str::<Value>(&text) {
                    if session["pid"] == pid {
                        break session;
                    }
                }
            }
            assert!(start.elapsed() < PATIENCE, "no session.json from the game");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(session["version"], 1);
        let port = session["port"].as_u64().expect("port") as u16;
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let hello =
            json!({"type": "hello", "token": session["token"], "client": "crescent-lsp 0.1.0"});
        stream
            .write_all(format!("{hello}\n").as_bytes())
            .expect("hello");
        let mut tool = Tool {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            stream,
        };
        let welcome = tool.recv();
        (tool, welcome)
    }

    fn recv(&mut self) -> Value {
        let mut line = String::new();
        let n = self
            .reader
            .read_line(&mut line)
            .expect("read from the dev channel");
        assert!(n > 0, "the game closed the dev channel");
        serde_json::from_str(&line).expect("a JSON object per line")
    }

    /// Skips logs and other events until one of `kind` about `path` arrives.
    fn wait_for(&mut self, kind: &str, path: &str) -> Value {
        loop {
            let message = self.recv();
            if message["type"] == kind && message["path"] == path {
                return message;
            }
            assert!(
                !(message["type"] == "reload_failed" && kind != "reload_failed"),
                "unexpected {message}"
            );
        }
    }
}

fn save_atomically(path: &Path, text: &str) {
    let tmp = path.with_file_name(".player.lua.tmp");
    fs::write(&tmp, text).expect("write tmp");
    fs::rename(&tmp, path).expect("rename");
}

#[test]
fn the_language_server_sees_reloads_failures_and_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("scripts")).expect("mkdir");
    let script = root.join("scripts/player.lua");
    fs::write(
        &script,
        "function init(self) self.hits = 0 print('ready') end\nfunction update(self) self.hits = self.hits + 1 end\n",
    )
    .expect("script");
    fs::write(
        root.join("scene.json"),
        r#"{"entities": [{"name": "player", "scripts": ["scripts/player.lua"]}]}"#,
    )
    .expect("scene");

    let game = Game::start(root);
    let (mut tool, welcome) = Tool::connect(root, game.child.id());
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["version"], 1);
    assert_eq!(
        welcome["project"],
        root.canonicalize()
            .expect("canonical")
            .to_string_lossy()
            .as_ref()
    );
    assert!(
        welcome["api"]["namespaces"]
            .as_array()
            .is_some_and(|n| !n.is_empty()),
        "welcome carries the API description"
    );
    tool.stream
        .write_all(b"{\"type\":\"ping\"}\n")
        .expect("ping");
    // Events the game sends meanwhile (its scripts' first logs) may come before the answer.
    let pong = loop {
        let message = tool.recv();
        if message["type"] != "log" {
            break message;
        }
    };
    assert_eq!(pong, json!({"type": "pong"}));

    // Save only once the game runs the first version: a save made while the scene is still
    // loading is simply what gets loaded, and there is nothing to reload.
    let stop = Instant::now() + PATIENCE;
    loop {
        let left = stop.saturating_duration_since(Instant::now());
        let event = game.stdout.recv_timeout(left).expect("the game starts");
        if event["type"] == "log" && event["message"] == "ready" {
            break;
        }
    }

    // A plain save: the new code runs, and `self.hits` survives (on_reload sees it).
    fs::write(
        &script,
        "function update(self) self.hits = self.hits + 1 end\n\
         function on_reload(self) print('kept ' .. tostring(self.hits > 0)) end\n",
    )
    .expect("plain save");
    // on_reload runs as part of the reload, so its log comes before the `reloaded` event.
    let kept = loop {
        let log = tool.wait_for("log", "scripts/player.lua");
        if log["message"] != "ready" {
            break log;
        }
    };
    assert_eq!(kept["message"], "kept true");
    let reloaded = tool.wait_for("reloaded", "scripts/player.lua");
    assert_eq!(reloaded["instances"], 1);
    assert!(reloaded["ms"].as_f64().is_some_and(|ms| ms >= 0.0));

    // An atomic save.
    save_atomically(
        &script,
        "function update(self) self.hits = self.hits + 2 end\n",
    );
    tool.wait_for("reloaded", "scripts/player.lua");

    // A syntax error: reported with line and column; the old code keeps running.
    fs::write(&script, "function update(self)\n  self.hits = = 1\nend\n").expect("broken save");
    let failed = tool.wait_for("reload_failed", "scripts/player.lua");
    assert_eq!(failed["line"], 2, "{failed}");
    assert!(failed["column"].as_u64().is_some_and(|c| c > 0), "{failed}");
    assert!(failed["message"].as_str().is_some_and(|m| !m.is_empty()));

    // A runtime error in new code: a script_error with the line and phase.
    fs::write(
        &script,
        "function update(self)\n  local missing = nil\n  return missing.field\nend\n",
    )
    .expect("runtime error save");
    tool.wait_for("reloaded", "scripts/player.lua");
    let error = tool.wait_for("script_error", "scripts/player.lua");
    assert_eq!(error["line"], 3, "{error}");
    assert_eq!(error["phase"], "update");
    assert_eq!(error["entity"], 1);
    assert!(error["traceback"].is_string());

    // A reload request from the tool.
    fs::write(&script, "function update(self) end\n").expect("fix");
    tool.wait_for("reloaded", "scripts/player.lua");
    tool.stream
        .write_all(b"{\"type\":\"reload\",\"path\":\"scripts/player.lua\"}\n")
        .expect("reload request");
    tool.wait_for("reloaded", "scripts/player.lua");

    // --events json wrote the same objects on standard output.
    let stop = Instant::now() + PATIENCE;
    let mut stdout_types = Vec::new();
    while !["reloaded", "reload_failed", "script_error"]
        .iter()
        .all(|t| stdout_types.iter().any(|s: &String| s == t))
    {
        let left = stop.saturating_duration_since(Instant::now());
        let event = game.stdout.recv_timeout(left).expect("events on stdout");
        stdout_types.push(event["type"].as_str().unwrap_or_default().to_string());
    }

    // Ctrl-C: a clean exit removes the session file.
    let status = game.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(!root.join(".crescent/session.json").exists());
}
