//! What tools see of a running game (`crescent run DIR --watch`) besides its events, used as a
//! tool uses it: the live `stats` stream (at most ten samples a second, per-script counters in
//! which a CPU-heavy script dominates, nothing for a connection that did not subscribe) and the
//! world inspector (the entity list, one entity whole, live writes of components and `self`
//! fields, refusals with the reason).

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
        // Light in time, but a new table every frame: what the memory column shows.
        (
            "scripts/light.lua",
            "function update(self)\n  self.n = (self.n or 0) + 1\n  self.last = { self.n, tostring(self.n) }\nend\n",
        ),
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
                    x.alloc_kib,
                )
            })
            .unwrap_or_else(|| panic!("no {path} in {s:?}"))
    };
    let (heavy_a, _, _, heavy_kib_a) = ms(a, "scripts/heavy.lua");
    let (heavy_b, heavy_n, _, heavy_kib_b) = ms(b, "scripts/heavy.lua");
    let (light_a, _, calls_a, light_kib_a) = ms(a, "scripts/light.lua");
    let (light_b, light_n, calls_b, light_kib_b) = ms(b, "scripts/light.lua");
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
    // Memory follows allocation, not time: the light script's tables, the heavy one's none.
    assert!(
        light_kib_b - light_kib_a > 0.0 && light_kib_b - light_kib_a > heavy_kib_b - heavy_kib_a,
        "the allocating script shows: light {:.2} KiB, heavy {:.2} KiB",
        light_kib_b - light_kib_a,
        heavy_kib_b - heavy_kib_a
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

/// Sends an `inspect` request and waits for its reply.
fn inspect(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    id: u64,
    request: crescent_api::dev::InspectRequest,
) -> crescent_api::dev::InspectResult {
    let message = ToGame::Inspect { id, request };
    writeln!(writer, "{}", serde_json::to_string(&message).expect("json")).expect("send");
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a reply");
        if let Ok(FromGame::InspectReply { id: got, result }) = serde_json::from_str(&line) {
            if got == id {
                return result;
            }
        }
    }
}

#[test]
fn an_inspector_lists_entities_reads_one_and_writes_into_the_running_game() {
    use crescent_api::dev::{InspectRequest as R, InspectResult};
    let dir = project(&[
        (
            "scripts/walker.lua",
            "properties = { speed = 1 }\nfunction update(self, dt)\n  self.entity:translate(vec3(self.speed, 0, 0), dt)\nend\n",
        ),
        (
            "scene.json",
            r#"{"entities": [{"name": "walker", "components": {"Transform": {"position": [0, 0, 0]}, "Bag": {"coins": 2}}, "scripts": ["scripts/walker.lua"]}, {"name": "rock"}]}"#,
        ),
    ]);
    let _game = RunningGame::start(dir.path());
    let (mut reader, mut writer) = connect(dir.path());
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let InspectResult::Entities { entities } = inspect(&mut reader, &mut writer, 1, R::Entities)
    else {
        panic!("no entity list");
    };
    assert_eq!(entities.len(), 2, "{entities:?}");
    let walker = entities
        .iter()
        .find(|e| e.name.as_deref() == Some("walker"))
        .expect("walker");
    assert_eq!(walker.scripts, ["scripts/walker.lua"]);
    assert!(
        walker.position.is_some_and(|p| p[0] > 0.0),
        "it walks: {walker:?}"
    );
    let id = walker.id;
    let InspectResult::Entity { entity } =
        inspect(&mut reader, &mut writer, 2, R::Entity { entity: id })
    else {
        panic!("no entity");
    };
    assert_eq!(entity.components["Bag"]["coins"], 2, "{entity:?}");
    assert!(entity.components.contains_key("Transform"));
    assert_eq!(entity.scripts[0].fields["speed"], 1);
    // Tune it live: a faster walker, a position put back, more coins.
    let set_self = R::SetSelf {
        entity: id,
        script: "scripts/walker.lua".into(),
        field: "speed".into(),
        value: serde_json::json!(600),
    };
    assert_eq!(
        inspect(&mut reader, &mut writer, 3, set_self),
        InspectResult::Ok
    );
    let set_position = R::SetComponent {
        entity: id,
        component: "Transform".into(),
        field: Some("position".into()),
        value: serde_json::json!([0, 5, 0]),
    };
    assert_eq!(
        inspect(&mut reader, &mut writer, 4, set_position),
        InspectResult::Ok
    );
    let set_bag = R::SetComponent {
        entity: id,
        component: "Bag".into(),
        field: Some("coins".into()),
        value: serde_json::json!(9),
    };
    assert_eq!(
        inspect(&mut reader, &mut writer, 5, set_bag),
        InspectResult::Ok
    );
    std::thread::sleep(Duration::from_millis(300));
    let InspectResult::Entity { entity } =
        inspect(&mut reader, &mut writer, 6, R::Entity { entity: id })
    else {
        panic!("no entity");
    };
    assert_eq!(entity.components["Bag"]["coins"], 9);
    assert_eq!(entity.scripts[0].fields["speed"], 600);
    let p = &entity.components["Transform"]["position"];
    assert_eq!(p[1], 5.0, "{p}");
    assert!(
        p[0].as_f64().unwrap_or(0.0) > 10.0,
        "moves at the new speed: {p}"
    );
    // A bad write is refused with why, and the game runs on.
    let bad = R::SetComponent {
        entity: id,
        component: "Bag".into(),
        field: Some("nope".into()),
        value: serde_json::json!(1),
    };
    assert!(matches!(
        inspect(&mut reader, &mut writer, 7, bad),
        InspectResult::Error { message } if message.contains("nope")
    ));
    assert!(matches!(
        inspect(&mut reader, &mut writer, 8, R::Entity { entity: 999 }),
        InspectResult::Error { .. }
    ));
}

#[test]
fn a_tool_records_a_trace_of_the_running_game() {
    let dir = project(&[
        (
            "scripts/heavy.lua",
            "function update(self)\n  local x = 0\n  for i = 1, 20000 do x = x + i % 7 end\n  self.x = x\nend\n",
        ),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/heavy.lua"]}]}"#,
        ),
    ]);
    let _game = RunningGame::start(dir.path());
    let (mut reader, mut writer) = connect(dir.path());
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let send = |writer: &mut TcpStream, m: &ToGame| {
        writeln!(writer, "{}", serde_json::to_string(m).expect("json")).expect("send")
    };
    send(&mut writer, &ToGame::RecordTrace { id: 9, frames: 30 });
    // A second recording while one runs is refused.
    send(&mut writer, &ToGame::RecordTrace { id: 10, frames: 30 });
    let mut refused = false;
    let (path, events) = loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("an answer");
        match serde_json::from_str::<FromGame>(&line) {
            Ok(FromGame::TraceRecorded {
                id: 9,
                path,
                frames: 30,
                events,
            }) => break (path, events),
            Ok(FromGame::Error {
                message,
                id: Some(10),
            }) if message.contains("already") => refused = true,
            _ => {}
        }
    };
    assert!(refused, "the second recording is refused");
    assert!(path.contains(".crescent/traces/"), "{path}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the trace file"))
            .expect("JSON");
    let all = doc["traceEvents"].as_array().expect("traceEvents");
    let frames = all.iter().filter(|e| e["cat"] == "frame").count();
    assert_eq!(frames, 30);
    assert!(events >= 60, "{events} events");
    assert!(all.iter().any(|e| e["name"] == "scripts/heavy.lua #1"));
    // Out of range.
    send(&mut writer, &ToGame::RecordTrace { id: 11, frames: 0 });
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("an answer");
        if let Ok(FromGame::Error { message, id }) = serde_json::from_str::<FromGame>(&line) {
            assert!(message.contains("1 to 3600"), "{message}");
            assert_eq!(id, Some(11), "the error names the request it answers");
            break;
        }
    }
}
