//! The dev channel server against real TCP clients, speaking the wire format of DEV-CHANNEL.md.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crescent_runtime::{DevChannel, DevRequest, SessionInfo};
use serde_json::{json, Value};

fn api() -> Value {
    serde_json::to_value(crescent_runtime::api::builtin()).expect("api json")
}

struct Tool {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Tool {
    /// Connects the way a tool does: read the session file, connect to its port.
    fn connect(root: &Path) -> Tool {
        let info = SessionInfo::read(root).expect("session.json");
        let stream = TcpStream::connect(("127.0.0.1", info.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        Tool {
            writer: stream.try_clone().expect("clone"),
            reader: BufReader::new(stream),
        }
    }

    fn hello(root: &Path) -> Tool {
        let token = SessionInfo::read(root).expect("session.json").token;
        let mut tool = Tool::connect(root);
        tool.send(&json!({"type": "hello", "token": token, "client": "test 0"}));
        let welcome = tool.recv();
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        tool
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&format!("{message}\n"));
    }

    fn send_raw(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).expect("send");
    }

    fn recv(&mut self) -> Value {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("read");
        assert!(n > 0, "connection closed while a message was expected");
        assert!(line.ends_with('\n'), "every object ends with a newline");
        serde_json::from_str(&line).expect("a JSON object per line")
    }

    /// Reads until the server closes the connection; returns what came before.
    fn recv_until_closed(&mut self) -> Vec<Value> {
        let mut got = Vec::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return got,
                Ok(_) => got.push(serde_json::from_str(&line).expect("json")),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return got,
                Err(e) => panic!("read: {e}"),
            }
        }
    }
}

fn start() -> (tempfile::TempDir, DevChannel) {
    let dir = tempfile::tempdir().expect("temp dir");
    let channel = DevChannel::start(dir.path(), api()).expect("channel");
    (dir, channel)
}

#[test]
fn session_file_then_welcome_with_project_and_api() {
    let (dir, channel) = start();
    let info = SessionInfo::read(dir.path()).expect("session.json");
    assert_eq!(info.version, 1);
    assert_eq!(info.pid, std::process::id());
    assert_eq!(info.port, channel.port());
    assert_eq!(info.token.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(SessionInfo::path(dir.path()))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "session.json is readable by its owner only"
        );
    }

    let mut tool = Tool::connect(dir.path());
    tool.send(&json!({"type": "hello", "token": info.token, "client": "crescent-lsp 0.1.0"}));
    let welcome = tool.recv();
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["version"], 1);
    let project = dir.path().canonicalize().expect("canonical");
    assert_eq!(welcome["project"], project.to_string_lossy().as_ref());
    assert_eq!(welcome["api"], api());
    tool.send(&json!({"type": "ping"}));
    assert_eq!(tool.recv(), json!({"type": "pong"}));
    assert_eq!(channel.client_count(), 1);
}

#[test]
fn a_wrong_or_missing_token_is_answered_with_an_error_and_closed() {
    let (dir, channel) = start();
    for first in [
        r#"{"type":"hello","token":"00000000000000000000000000000000"}"#,
        r#"{"type":"hello"}"#,
        r#"{"type":"hello","token":42}"#,
        r#"{"type":"ping"}"#,
        "not json at all",
    ] {
        let mut tool = Tool::connect(dir.path());
        tool.send_raw(&format!("{first}\n"));
        let got = tool.recv_until_closed();
        assert_eq!(got.len(), 1, "{first}: {got:?}");
        assert_eq!(got[0]["type"], "error", "{first}");
        assert!(got[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A client that has not said hello gets no events.
    let mut silent = Tool::connect(dir.path());
    channel.publish(
        &json!({"type": "log", "level": "info", "message": "secret", "path": "", "line": 0}),
    );
    silent
        .writer
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    let got = silent.recv_until_closed();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["type"], "error");
    assert_eq!(channel.client_count(), 0);
}

#[test]
fn malformed_and_unknown_messages_get_an_error_and_the_connection_stays() {
    let (dir, _channel) = start();
    let mut tool = Tool::hello(dir.path());
    for line in [
        "{not json",
        "[1, 2]",
        r#"{"no_type": true}"#,
        r#"{"type": 7}"#,
        r#"{"type": "teleport"}"#,
        r#"{"type": "reload"}"#,
        r#"{"type": "reload", "path": "../outside.lua"}"#,
        r#"{"type": "reload", "path": "/somewhere/else/scripts/a.lua"}"#,
        r#"{"type": "hello", "token": "x"}"#,
    ] {
        tool.send_raw(&format!("{line}\n"));
        let answer = tool.recv();
        assert_eq!(answer["type"], "error", "{line} -> {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Invalid UTF-8 is one more malformed line, not a reason to hang up.
    tool.writer.write_all(b"\xff\xfe\n").expect("send");
    assert_eq!(tool.recv()["type"], "error");
    tool.send_raw("\n   \n");
    tool.send(&json!({"type": "ping"}));
    assert_eq!(tool.recv(), json!({"type": "pong"}));
}

#[test]
fn reload_requests_reach_the_game_loop() {
    let (dir, channel) = start();
    let mut tool = Tool::hello(dir.path());
    tool.send(&json!({"type": "reload", "path": "scripts/player.lua"}));
    let absolute = dir.path().join("scripts/enemy.lua");
    tool.send(&json!({"type": "reload", "path": absolute.to_string_lossy()}));
    // A ping after the requests: once its pong is back, both requests were read.
    tool.send(&json!({"type": "ping"}));
    assert_eq!(tool.recv(), json!({"type": "pong"}));
    let paths: Vec<String> = channel
        .poll_requests()
        .into_iter()
        .map(|DevRequest::Reload { path, .. }| path)
        .collect();
    assert_eq!(paths, vec!["scripts/player.lua", "scripts/enemy.lua"]);
    assert_eq!(channel.poll_requests(), vec![]);
}

#[test]
fn events_reach_every_client_in_order() {
    let (dir, channel) = start();
    let mut tools: Vec<Tool> = (0..3).map(|_| Tool::hello(dir.path())).collect();
    assert_eq!(channel.client_count(), 3);
    let events = [
        json!({"type": "reloaded", "path": "scripts/a.lua", "ms": 1.5, "instances": 2}),
        json!({"type": "reload_failed", "path": "scripts/a.lua", "line": 3, "column": 7, "message": "unexpected symbol near 'end'"}),
        json!({"type": "script_error", "path": "scripts/a.lua", "line": 4, "message": "boom", "traceback": "tb", "entity": 1, "phase": "update"}),
        json!({"type": "log", "level": "warn", "message": "hi", "path": "scripts/a.lua", "line": 1}),
    ];
    for event in &events {
        channel.publish(event);
    }
    for tool in &mut tools {
        for event in &events {
            assert_eq!(&tool.recv(), event);
        }
    }
    // One client leaving does not disturb the others.
    drop(tools.pop());
    channel.publish(&events[0]);
    for tool in &mut tools {
        assert_eq!(tool.recv(), events[0]);
    }
}

#[test]
fn a_stuck_client_loses_events_and_is_told_how_many() {
    let dir = tempfile::tempdir().expect("temp dir");
    let channel = DevChannel::start_with_queue(dir.path(), api(), 16).expect("channel");
    let mut stuck = Tool::hello(dir.path());
    let padding = "x".repeat(1000);
    let total = 20_000u64;
    // The client reads nothing while this runs; publishing must not wait for it.
    for seq in 0..total {
        channel.publish(
            &json!({"type": "log", "level": "info", "message": padding, "path": "", "line": seq}),
        );
    }
    // The pong to a ping sent now comes after every event published above, or after the
    // notice that counts the ones dropped.
    stuck.send(&json!({"type": "ping"}));
    let mut received = 0u64;
    let mut dropped = 0u64;
    let mut last_seq = None;
    loop {
        let message = stuck.recv();
        match message["type"].as_str() {
            Some("log") => {
                let seq = message["line"].as_u64().expect("seq");
                assert!(last_seq < Some(seq), "in order");
                last_seq = Some(seq);
                received += 1;
            }
            Some("dropped") => dropped += message["count"].as_u64().expect("count"),
            Some("pong") => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        dropped > 0,
        "a stuck client with 16 slots cannot hold 20,000 events"
    );
    assert_eq!(
        received + dropped,
        total,
        "every event is either received or counted"
    );
    // Still connected, and served in full again after catching up.
    channel.publish(
        &json!({"type": "log", "level": "info", "message": "again", "path": "", "line": 0}),
    );
    assert_eq!(stuck.recv()["message"], "again");
}

#[test]
fn dropping_the_channel_closes_clients_and_removes_the_session_file() {
    let (dir, channel) = start();
    let mut tool = Tool::hello(dir.path());
    assert!(SessionInfo::path(dir.path()).exists());
    drop(channel);
    assert!(!SessionInfo::path(dir.path()).exists());
    assert_eq!(tool.recv_until_closed(), Vec::<Value>::new());
}

#[test]
fn listens_on_loopback_only() {
    let (dir, channel) = start();
    let info = SessionInfo::read(dir.path()).expect("session.json");
    assert_eq!(info.port, channel.port());
    // Every non-loopback address of this machine refuses the port.
    let addresses = std::process::Command::new("hostname")
        .arg("-I")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    for address in addresses.split_whitespace() {
        if let Ok(ip) = address.parse::<std::net::IpAddr>() {
            let target = std::net::SocketAddr::new(ip, info.port);
            assert!(
                TcpStream::connect_timeout(&target, Duration::from_secs(1)).is_err(),
                "reachable on {target}"
            );
        }
    }
}
