//! The live `stats` stream of a running game (`crescent run DIR --watch`), read as a tool reads
//! it: subscribed connections get at most ten samples a second with per-script counters in
//! which a CPU-heavy script dominates; a connection that did not subscribe gets none.

use crescent_api::dev::{FromGame, GameStats, SessionInfo, ToGame};
use crescent_e2e::game::RunningGame;
use crescent_e2e::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Connects to the game and says hello; returns the reader and the writer.
fn connect(root: &std::path::Path) -> (BufReader<TcpStream>, TcpStream) {
    let session = SessionInfo::read(root).expect("session.json");
    let stream = TcpStream::connect(("127.0.0.1", session.port)).expect("connect");
    let mut writer = stream.try_clone().expect("clone");
    let hello = ToGame::Hello {
        token: session.token,
        client: "live-stats test".into(),
    };
    writeln!(writer, "{}", serde_json::to_string(&hello).expect("json")).expect("hello");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("welcome");
    assert!(line.contains("welcome"), "{line}");
    (reader, writer)
}

#[test]
fn subscribers_get_bounded_stats_where_the_heavy_script_dominates() {
    let dir = project(&[
        (
            "scripts/heavy.lua",
            "function update(self)\n  local x = 0\n  for i = 1, 20000 do x = x + i % 7 end\n  self.x = x\nend\n",
        ),
        ("scripts/light.lua", "function update(self) self.n = (self.n or 0) + 1 end\n"),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/heavy.lua"]}, {"scripts": ["scripts/light.lua"]}, {"scripts": ["scripts/light.lua"]}]}"#,
        ),
    ]);
    let _game = RunningGame::start(dir.path());
    let (mut quiet, _quiet_writer) = connect(dir.path());
    let (mut reader, mut writer) = connect(dir.path());
    let subscribe = ToGame::Subscribe { stats: true };
    writeln!(
        writer,
        "{}",
        serde_json::to_string(&subscribe).expect("json")
    )
    .expect("subscribe");
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut samples: Vec<GameStats> = Vec::new();
    let start = Instant::now();
    let mut first_at = None;
    while samples.len() < 12 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a line");
        if let Ok(FromGame::Stats(s)) = serde_json::from_str::<FromGame>(&line) {
            first_at.get_or_insert_with(Instant::now);
            samples.push(s);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "too few samples");
    }
    let span = first_at.expect("a sample").elapsed();
    // 11 intervals of at least 100 ms each.
    assert!(
        span >= Duration::from_millis(1000),
        "{} samples in {span:?}",
        samples.len()
    );
    let (a, b) = (&samples[1], &samples[samples.len() - 1]);
    assert_eq!(b.instances, 3);
    assert!(
        b.frames >= 1 && b.frame_ms > 0.0 && b.frame_ms_max >= b.frame_ms,
        "{b:?}"
    );
    assert!(b.lua_kib > 0.0);
    let ms = |s: &GameStats, path: &str| {
        s.scripts
            .iter()
            .find(|x| x.path == path)
            .map(|x| {
                (
                    x.ms,
                    x.instances,
                    x.calls.get("update").copied().unwrap_or(0),
                )
            })
            .unwrap_or_else(|| panic!("no {path} in {s:?}"))
    };
    let (heavy_a, _, _) = ms(a, "scripts/heavy.lua");
    let (heavy_b, heavy_n, _) = ms(b, "scripts/heavy.lua");
    let (light_a, _, calls_a) = ms(a, "scripts/light.lua");
    let (light_b, light_n, calls_b) = ms(b, "scripts/light.lua");
    assert_eq!((heavy_n, light_n), (1, 2));
    assert!(
        calls_b > calls_a,
        "update calls grow: {calls_a} -> {calls_b}"
    );
    assert!(
        heavy_b - heavy_a > 5.0 * (light_b - light_a),
        "the heavy script dominates: heavy {:.3} ms, light {:.3} ms",
        heavy_b - heavy_a,
        light_b - light_a
    );
    // The connection that did not subscribe got no stats (only its welcome, then nothing or
    // events).
    quiet
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut line = String::new();
    while quiet.read_line(&mut line).is_ok_and(|n| n > 0) {
        assert!(!line.contains("\"stats\""), "{line}");
        line.clear();
    }
}
