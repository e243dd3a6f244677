//! Randomized inputs, with fixed seeds: mutated `scene.json` texts (loaded and, when valid,
//! run) and mutated dev-channel lines sent over a real connection. Nothing may panic, every
//! bad scene is an error naming a JSON path, and the channel answers every line and keeps
//! serving.
//!
//! A longer run: `CRESCENT_FUZZ_ITERS=1000000 cargo test --release -p crescent-runtime --test
//! fuzz -- --nocapture` (see docs/testing.md for the recorded results).

mod common;
use common::*;
use crescent_e2e::fuzz::{iterations, Mutator};
use crescent_runtime::{Config, DevChannel, Registry, Runtime, Scene, SessionInfo};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

const SCENES: &[&str] = &[
    r#"{"entities": [{"name": "player", "components": {"Transform": {"position": [0, 1, 2], "rotation": [0, 0, 0, 1], "scale": [1, 1, 1]}, "Inventory": {"coins": 0, "items": ["a", "b"]}}, "scripts": ["scripts/a.lua", {"path": "scripts/b.lua", "order": 10, "properties": {"speed": 3}}]}]}"#,
    r#"{"entities": [{"components": {"Name": "x"}}, {"scripts": []}, {}]}"#,
    r#"{"entities": []}"#,
];

#[test]
fn mutated_scenes_are_errors_or_run() {
    let dir = project(&[
        ("scene.json", "{}"),
        (
            "scripts/a.lua",
            "properties = { speed = 1 }\nfunction update(self) self.n = (self.n or 0) + 1 end\n",
        ),
        (
            "scripts/b.lua",
            "function init(self) local t = self.entity:get(\"Transform\") end\n",
        ),
    ]);
    let file = dir.path().join("scene.json");
    let mut m = Mutator(0x5eed_5ce7e);
    let (mut errors, mut ran) = (0usize, 0usize);
    let n = iterations(3000);
    for i in 0..n {
        let seed = SCENES[i % SCENES.len()].as_bytes();
        let bytes = m.mutate(seed);
        let text = String::from_utf8_lossy(&bytes);
        match Scene::parse(&text, &file) {
            Err(e) => {
                errors += 1;
                assert!(e.json_path.starts_with('$'), "{e}");
                assert!(!e.message.is_empty());
            }
            Ok(scene) => {
                // Running costs a Lua state: every valid scene for short runs, one in 50 for
                // long ones.
                if n <= 10_000 || i % 50 == 0 {
                    let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new())
                        .expect("runtime");
                    if rt.load_scene(&scene).is_ok() {
                        rt.frame(1.0 / 60.0);
                        ran += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "scenes: {n} mutated, {errors} rejected with a JSON path, {ran} loaded and ran a frame"
    );
    assert!(
        errors > 0 && ran > 0,
        "the mutations should reach both outcomes"
    );
}

const LINES: &[&str] = &[
    r#"{"type": "ping"}"#,
    r#"{"type": "reload", "path": "scripts/a.lua"}"#,
    r#"{"type": "reload", "path": "../x.lua"}"#,
    r#"{"type": "hello", "token": "0", "client": "x"}"#,
    r#"{"type": "nope", "data": [1, 2, {"a": null}]}"#,
];

#[test]
fn mutated_dev_channel_lines_are_answered_and_the_channel_keeps_serving() {
    let dir = project(&[("scene.json", "{}"), ("scripts/a.lua", "")]);
    let api = serde_json::to_value(crescent_runtime::api::builtin()).expect("api");
    let channel = DevChannel::start(dir.path(), api).expect("channel");
    let info = SessionInfo::read(dir.path()).expect("session");
    let stream = TcpStream::connect(("127.0.0.1", info.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let recv = |reader: &mut BufReader<TcpStream>| -> serde_json::Value {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("read");
        assert!(n > 0, "the channel closed the connection");
        serde_json::from_str(&line).expect("a JSON object per line")
    };
    writeln!(
        writer,
        r#"{{"type": "hello", "token": "{}", "client": "fuzz"}}"#,
        info.token
    )
    .expect("hello");
    assert_eq!(recv(&mut reader)["type"], "welcome");
    let mut m = Mutator(0xc4a_77e1);
    let n = iterations(2000);
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..n {
        let mut line = m.mutate(LINES[i % LINES.len()].as_bytes());
        // One line per message: a newline inside the mutation would make two.
        line.retain(|&b| b != b'\n' && b != b'\r');
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // A mutation that is itself a ping gets its own pong first.
        let is_ping =
            serde_json::from_slice::<serde_json::Value>(&line).is_ok_and(|v| v["type"] == "ping");
        let mut pongs = if is_ping { 2 } else { 1 };
        line.push(b'\n');
        // A valid reload is answered by the game loop, not the channel: a ping after each line
        // marks where its answers end, and shows the connection still serves.
        line.extend_from_slice(b"{\"type\": \"ping\"}\n");
        writer.write_all(&line).expect("send");
        loop {
            let answer = recv(&mut reader);
            let kind = answer["type"].as_str().unwrap_or("?").to_string();
            if kind == "pong" {
                pongs -= 1;
                if pongs == 0 {
                    break;
                }
                continue;
            }
            *answers.entry(kind).or_default() += 1;
        }
        // Reload requests go to the game loop; drain them as the game would.
        let _ = channel.poll_requests();
    }
    writeln!(writer, r#"{{"type": "ping"}}"#).expect("ping");
    assert_eq!(
        recv(&mut reader)["type"],
        "pong",
        "still serving after {n} lines"
    );
    eprintln!("dev channel: {n} mutated lines, answers by type: {answers:?}");
    assert!(answers.get("error").copied().unwrap_or(0) > 0);
}
