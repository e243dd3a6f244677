//! `crescent run` end to end: the demo, determinism across processes, reports, events and the
//! errors that stop a game before its first frame.

use crescent_e2e::*;
use serde_json::Value;

fn scripts(report: &Value) -> &Vec<Value> {
    report["scripts"].as_array().expect("scripts is an array")
}

#[test]
fn the_demo_runs_ten_thousand_frames_clean() {
    let demo = copy_project(&repo_root().join("lua/examples/demo"));
    let run = crescent(&[
        "run",
        arg(demo.path()),
        "--frames",
        "10000",
        "--report",
        "json",
    ])
    .expect_code(0);
    let report = run.json();
    assert_eq!(report["frames"], 10000);
    let instances = scripts(&report);
    assert!(instances.len() >= 8, "{report}");
    // Despawned enemies are in the report too, so an error in any instance of the session
    // would show here.
    assert!(
        instances.iter().any(|s| s["status"] == "despawned"),
        "{report}"
    );
    for s in instances {
        assert!(
            s["status"] == "running" || s["status"] == "despawned",
            "{s}"
        );
        assert_eq!(s["errors"].as_array().map(Vec::len), Some(0), "{s}");
    }
    // It shows something worth watching: waves, kills and a periodic status.
    assert!(run.stderr.contains("wave 3: "), "{}", run.stderr);
    assert!(run.stderr.contains("| kills "), "{}", run.stderr);
    assert!(run.stderr.contains("cleared: score"), "{}", run.stderr);
}

#[test]
fn without_a_folder_the_embedded_demo_runs_from_anywhere() {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let run = crescent_in(
        elsewhere.path(),
        &["run", "--frames", "120", "--report", "json"],
    )
    .expect_code(0);
    let report = run.json();
    assert_eq!(report["frames"], 120);
    let paths: Vec<&str> = scripts(&report)
        .iter()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert!(paths.contains(&"scripts/game.lua"), "{paths:?}");
    assert!(run.stderr.contains("built-in demo"), "{}", run.stderr);
}

#[test]
fn the_embedded_demo_is_the_demo_folder() {
    // Same scene, same scripts: the same world after the same frames.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let embedded =
        crescent_in(elsewhere.path(), &["run", "--frames", "600", "--hash"]).expect_code(0);
    let demo = copy_project(&repo_root().join("lua/examples/demo"));
    let folder = crescent(&["run", arg(demo.path()), "--frames", "600", "--hash"]).expect_code(0);
    assert_eq!(embedded.stdout, folder.stdout);
}

#[test]
fn the_world_hash_is_the_same_in_two_processes_and_changes_with_the_scene() {
    let demo = copy_project(&repo_root().join("lua/examples/demo"));
    let args = ["run", arg(demo.path()), "--frames", "1500", "--hash"];
    let first = crescent(&args).expect_code(0);
    let second = crescent(&args).expect_code(0);
    let hash = first.stdout.trim();
    assert_eq!(hash.len(), 16, "{hash:?}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash:?}");
    assert_eq!(first.stdout, second.stdout);

    let scene = demo.path().join("scene.json");
    let text = std::fs::read_to_string(&scene).expect("read scene");
    let changed = text.replace("\"angular_speed\": 0.5", "\"angular_speed\": 0.55");
    assert_ne!(text, changed, "the demo scene sets angular_speed");
    std::fs::write(&scene, changed).expect("write scene");
    let third = crescent(&args).expect_code(0);
    assert_ne!(first.stdout, third.stdout);
}

#[test]
fn the_report_has_the_documented_shape() {
    let faulty = copy_project(&fixture("faulty"));
    let run = crescent(&[
        "run",
        arg(faulty.path()),
        "--frames",
        "30",
        "--report",
        "json",
    ])
    .expect_code(0);
    let report = run.json();
    let keys: Vec<&String> = report.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["frames", "entities", "world_hash", "scripts"]);
    assert_eq!(report["frames"], 30);
    assert_eq!(report["entities"], 2);
    assert_eq!(report["world_hash"].as_str().map(str::len), Some(16));
    let list = scripts(&report);
    assert_eq!(list.len(), 2);
    for s in list {
        let keys: Vec<&String> = s.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "path",
                "entity",
                "status",
                "calls",
                "errors",
                "time_ms",
                "alloc_kib"
            ]
        );
        let mut calls: Vec<&String> = s["calls"].as_object().expect("calls").keys().collect();
        calls.sort();
        assert_eq!(
            calls,
            [
                "destroy",
                "fixed_update",
                "init",
                "on_event",
                "on_reload",
                "update"
            ]
        );
        assert!(s["time_ms"].is_number());
        assert!(s["alloc_kib"].is_number());
    }
    let steady = &list[0];
    assert_eq!(steady["path"], "scripts/steady.lua");
    assert_eq!(steady["entity"], 1);
    assert_eq!(steady["status"], "running");
    assert_eq!(steady["calls"]["update"], 30);

    let fragile = &list[1];
    assert_eq!(fragile["path"], "scripts/fragile.lua");
    assert_eq!(fragile["entity"], 2);
    assert_eq!(fragile["status"], "faulted");
    assert_eq!(
        fragile["calls"]["update"], 5,
        "a faulted instance is not called again"
    );
    let errors = fragile["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    let keys: Vec<&String> = e.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "phase",
            "path",
            "line",
            "column",
            "message",
            "frames",
            "traceback"
        ]
    );
    assert_eq!(e["phase"], "update");
    assert_eq!(e["line"], 10);
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("missing")),
        "{e}"
    );
    assert!(
        e["traceback"]
            .as_str()
            .is_some_and(|t| t.contains("scripts/fragile.lua:10")),
        "{e}"
    );
}

#[test]
fn the_text_report_is_a_table() {
    let faulty = copy_project(&fixture("faulty"));
    let run = crescent(&[
        "run",
        arg(faulty.path()),
        "--frames",
        "12",
        "--report",
        "text",
    ])
    .expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("frames 12  entities 2  world hash "),
        "{}",
        run.stdout
    );
    assert!(lines[1].starts_with("script"), "{}", run.stdout);
    assert!(lines[2].starts_with("scripts/steady.lua"), "{}", run.stdout);
    assert!(lines[3].contains("faulted"), "{}", run.stdout);
    assert!(
        run.stdout.contains("scripts/fragile.lua:10:"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_text_report_profiles_scripts_slowest_first() {
    let dir = project(&[
        (
            "scripts/heavy.lua",
            "function update(self)\n  local x = 0\n  for i = 1, 20000 do x = x + i % 7 end\n  self.x = x\nend\n",
        ),
        ("scripts/light.lua", "function update(self) self.n = (self.n or 0) + 1 end\n"),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/light.lua"]}, {"scripts": ["scripts/heavy.lua"]}, {"scripts": ["scripts/light.lua"]}]}"#,
        ),
    ]);
    let run =
        crescent(&["run", arg(dir.path()), "--frames", "64", "--report", "text"]).expect_code(0);
    let profile: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("profile"))
        .collect();
    assert!(profile.len() >= 4, "{}", run.stdout);
    assert!(
        profile[1].starts_with("script") && profile[1].contains("ms/frame"),
        "{}",
        run.stdout
    );
    let heavy: Vec<&str> = profile[2].split_whitespace().collect();
    let light: Vec<&str> = profile[3].split_whitespace().collect();
    assert_eq!(
        (heavy[0], heavy[1], heavy[2]),
        ("scripts/heavy.lua", "1", "64"),
        "{}",
        run.stdout
    );
    assert_eq!(
        (light[0], light[1], light[2]),
        ("scripts/light.lua", "2", "128"),
        "{}",
        run.stdout
    );
    let share: f64 = heavy[5].trim_end_matches('%').parse().expect("a share");
    assert!(share > 80.0, "{}", run.stdout);
}

#[test]
fn events_are_json_lines_on_stdout() {
    let faulty = copy_project(&fixture("faulty"));
    let run = crescent(&[
        "run",
        arg(faulty.path()),
        "--frames",
        "20",
        "--events",
        "json",
    ])
    .expect_code(0);
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let logs: Vec<&Value> = events.iter().filter(|e| e["type"] == "log").collect();
    assert_eq!(logs.len(), 2, "{events:?}");
    assert_eq!(logs[0]["level"], "info");
    assert_eq!(logs[0]["message"], "steady at 10");
    assert_eq!(logs[0]["path"], "scripts/steady.lua");
    assert_eq!(logs[0]["line"], 9);
    let faults: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "script_error")
        .collect();
    assert_eq!(faults.len(), 1, "{events:?}");
    let f = faults[0];
    assert_eq!(f["path"], "scripts/fragile.lua");
    assert_eq!(f["line"], 10);
    assert_eq!(f["entity"], 2);
    assert_eq!(f["phase"], "update");
    assert_eq!(f["script"], "scripts/fragile.lua");
    assert!(f["traceback"].is_string());
    assert_eq!(f["frames"][0]["path"], "scripts/fragile.lua");
    assert_eq!(f["frames"][0]["line"], 10);
    assert_eq!(f["frames"][0]["function"], "update");
    // Human-readable lines go to standard error.
    assert!(
        run.stderr.contains("scripts/steady.lua:9: steady at 10"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("error: ") && l.contains("scripts/fragile.lua:10:")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_scene_is_refused_before_the_first_frame() {
    let run = crescent(&[
        "run",
        arg(&fixture("bad_scene")),
        "--frames",
        "5",
        "--report",
        "json",
    ])
    .expect_code(1);
    assert!(run.stdout.is_empty(), "no report: {}", run.stdout);
    assert!(
        run.stderr.contains(
            "scene.json:4:57: $.entities[1].components.Transform.position[2]: expected a number, found \"three\""
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_script_file_is_named() {
    let run = crescent(&["run", arg(&fixture("missing_script")), "--frames", "5"]).expect_code(1);
    assert!(
        run.stderr
            .contains("$.entities[0].scripts[1]: script file `scripts/nowhere.lua` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_script_that_does_not_compile_is_refused_with_its_source_line() {
    let dir = copy_project(&fixture("broken_script"));
    let run = crescent(&["run", arg(dir.path()), "--frames", "5"]).expect_code(1);
    assert!(
        run.stderr
            .contains("scripts/broken.lua:3:13: unexpected symbol near '='"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(" 3 |   local x = = 1\n   |             ^"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failing_top_level_is_refused() {
    let run = crescent(&["run", arg(&fixture("top_level_error")), "--frames", "5"]).expect_code(1);
    assert!(run.stderr.contains("scripts/boom.lua:3:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("local speed = config.speed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_running_game_writes_its_api_description() {
    let dir = copy_project(&fixture("faulty"));
    crescent(&["run", arg(dir.path()), "--frames", "1"]).expect_code(0);
    let text = std::fs::read_to_string(dir.path().join(".crescent/api.json")).expect("api.json");
    let api = crescent_api::Api::from_json(&text).expect("parses");
    assert!(api.namespace("world").is_some());
}

#[test]
fn watch_opens_the_dev_channel_and_removes_its_session_on_exit() {
    // Hot reload itself is tested end to end in runtime/tests/dev_reload.rs.
    let project = copy_project(&fixture("faulty"));
    let run = crescent(&["run", arg(project.path()), "--frames", "1", "--watch"]).expect_code(0);
    assert!(
        run.stderr.contains("dev channel on 127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(!project.path().join(".crescent/session.json").exists());
}

#[test]
fn a_folder_that_does_not_exist_is_an_error() {
    let run = crescent(&["run", "no/such/project", "--frames", "1"]).expect_code(1);
    assert!(
        run.stderr.contains("no/such/project is not a folder"),
        "{}",
        run.stderr
    );
}

const PLAYER: &str = r#"function update(self, dt)
  if input.held("right") then self.entity:translate(vec3(1, 0, 0), dt) end
  if input.pressed("jump") then self.entity:translate(vec3(0, 1, 0)) end
end
"#;

#[test]
fn an_input_track_replays_to_the_same_hash_and_a_bad_one_is_refused() {
    let dir = project(&[
        ("scripts/player.lua", PLAYER),
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transform": {}}, "scripts": ["scripts/player.lua"]}]}"#,
        ),
        (
            "track.json",
            r#"[{"frame": 3, "press": ["right"]}, {"frame": 10, "press": ["jump"]},
                {"frame": 20, "release": ["right", "jump"]}]"#,
        ),
        ("bad.json", "[{\"frame\": 3,\n  \"press\": \"right\"}]"),
    ]);
    let track = dir.path().join("track.json");
    let with = [
        "run",
        arg(dir.path()),
        "--frames",
        "30",
        "--hash",
        "--input",
        arg(&track),
    ];
    let first = crescent(&with).expect_code(0);
    let second = crescent(&with).expect_code(0);
    assert_eq!(first.stdout, second.stdout);
    let without = crescent(&["run", arg(dir.path()), "--frames", "30", "--hash"]).expect_code(0);
    assert_ne!(first.stdout, without.stdout, "the track changed nothing");

    let bad = dir.path().join("bad.json");
    let run = crescent(&[
        "run",
        arg(dir.path()),
        "--frames",
        "5",
        "--input",
        arg(&bad),
    ])
    .expect_code(1);
    assert!(
        run.stderr.contains("bad.json:2:") && run.stderr.contains("expected a sequence"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_trace_file_has_nested_frame_phase_and_script_slices() {
    let dir = project(&[
        (
            "scripts/heavy.lua",
            "function update(self)\n  local x = 0\n  for i = 1, 200000 do x = x + i % 7 end\n  self.x = x\nend\n",
        ),
        (
            "scripts/light.lua",
            "function init(self)\n  task.spawn(function() while true do task.wait_frames(1) end end)\nend\nfunction update(self)\n  self.n = (self.n or 0) + 1\n  if self.n == 3 then log.info(\"third\") end\nend\n",
        ),
        (
            "scripts/litter.lua",
            "function update(self)\n  local t = {}\n  for i = 1, 2000 do t[i] = { i } end\nend\n",
        ),
        (
            "scene.json",
            r#"{"entities": [{"name": "h", "scripts": ["scripts/heavy.lua"]}, {"scripts": ["scripts/light.lua"]}, {"scripts": ["scripts/litter.lua"]}]}"#,
        ),
    ]);
    let out = dir.path().join("traces/run.json");
    crescent(&[
        "run",
        arg(dir.path()),
        "--frames",
        "12",
        "--trace",
        arg(&out),
    ])
    .expect_code(0);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("the trace")).expect("JSON");
    let events = doc["traceEvents"].as_array().expect("traceEvents");
    let slices = |cat: &str| -> Vec<&serde_json::Value> {
        events
            .iter()
            .filter(|e| e["cat"] == cat && e["ph"] == "X")
            .collect()
    };
    let span = |e: &serde_json::Value| {
        let ts = e["ts"].as_f64().expect("ts");
        (ts, ts + e["dur"].as_f64().expect("dur"))
    };
    let frames = slices("frame");
    assert_eq!(frames.len(), 12);
    let updates: Vec<_> = slices("phase")
        .into_iter()
        .filter(|e| e["name"] == "update")
        .collect();
    assert_eq!(updates.len(), 12);
    // Every callback lies inside the phase it ran in, each phase inside a frame.
    let inside =
        |inner: (f64, f64), outer: (f64, f64)| outer.0 <= inner.0 && inner.1 <= outer.1 + 1.0;
    let phases = slices("phase");
    for s in slices("script") {
        // A task runs first inside the callback that spawned it, later in `tasks`.
        let phase = match s["args"]["phase"].as_str().unwrap_or("") {
            "task" => None,
            "on_event" => Some("events"),
            other => Some(other),
        };
        assert!(
            phases
                .iter()
                .any(|p| phase.is_none_or(|name| p["name"] == name) && inside(span(s), span(p))),
            "{s} outside its phase"
        );
    }
    // init and task resumes are slices of their own, not only update callbacks.
    let of_phase = |phase: &str| {
        slices("script")
            .iter()
            .filter(|s| s["args"]["phase"] == phase)
            .count()
    };
    assert_eq!(
        of_phase("init"),
        1,
        "the one init (light.lua has one, heavy.lua none)"
    );
    assert!(of_phase("task") >= 10, "a task resume per frame");
    // The Lua state's memory is a counter track, one value per frame.
    let memory = events
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "lua memory")
        .count();
    assert_eq!(memory, 12);
    for u in &updates {
        assert!(
            frames.iter().any(|f| inside(span(u), span(f))),
            "{u} outside any frame"
        );
    }
    // The collector runs as a phase of its own at the end of the frames (litter.lua leaves
    // ~100 KiB of garbage each), with the memory before and after it.
    let gc = slices("gc");
    assert!(gc.len() >= 6, "{} gc slices in 12 frames", gc.len());
    for g in &gc {
        assert!(
            g["args"]["before_KiB"].as_f64().is_some() && g["args"]["after_KiB"].as_f64().is_some()
        );
        assert!(
            frames.iter().any(|f| inside(span(g), span(f))),
            "{g} outside any frame"
        );
    }
    // The heavy script's updates take most of the time, and are named after its script and
    // entity (light.lua's init holds its task's first run, so only updates are compared).
    let total = |name: &str| -> f64 {
        slices("script")
            .iter()
            .filter(|s| s["name"] == name && s["args"]["phase"] == "update")
            .map(|s| s["dur"].as_f64().unwrap_or(0.0))
            .sum()
    };
    let (heavy, light) = (total("scripts/heavy.lua #1"), total("scripts/light.lua #2"));
    assert!(heavy > 20.0 * light, "heavy {heavy} us, light {light} us");
    // The log line is an instant event.
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "i" && e["name"] == "log: third"),
        "no log instant"
    );
}
