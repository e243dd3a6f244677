//! The time budget in a long frame: many short callbacks that together run past the budget are
//! never stopped, and one endless callback among them still is, at its line.

mod common;
use common::*;
use crescent_runtime::Config;
use std::time::Duration;

#[test]
fn a_long_frame_of_short_callbacks_runs_and_an_endless_one_is_still_stopped() {
    let short = "function update(self)\n  local t0 = os.clock()\n  while os.clock() - t0 < 0.0004 do end\n  self.n = (self.n or 0) + 1\nend\n";
    let endless =
        "function update(self)\n  if time.frame < 1 then return end\n  while true do end\nend\n";
    let mut entities: Vec<String> = (0..300)
        .map(|_| r#"{"scripts": ["scripts/short.lua"]}"#.to_string())
        .collect();
    entities.insert(150, r#"{"scripts": ["scripts/endless.lua"]}"#.to_string());
    let scene = format!(r#"{{"entities": [{}]}}"#, entities.join(","));
    let dir = project(&[
        ("scene.json", &scene),
        ("scripts/short.lua", short),
        ("scripts/endless.lua", endless),
    ]);
    let config = Config {
        budget: Duration::from_millis(40),
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    // Frame 0: 300 callbacks of 0.4 ms, about three times the budget in all.
    rt.frame(1.0 / 60.0);
    assert_eq!(rt.stats().faulted, 0, "{:?}", errors(&rt.drain_events()));
    // Frame 1: the same, and one that never returns.
    rt.frame(1.0 / 60.0);
    let errs = errors(&rt.drain_events());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].0.as_str(), errs[0].1, errs[0].2.as_str()),
        (
            "scripts/endless.lua",
            3,
            "script exceeded its time budget of 40 ms"
        ),
        "{errs:?}"
    );
    let report = rt.report();
    let short_updates: Vec<u64> = report
        .scripts
        .iter()
        .filter(|s| s.path == "scripts/short.lua")
        .map(|s| s.calls["update"])
        .collect();
    assert_eq!(short_updates.len(), 300);
    assert!(short_updates.iter().all(|&n| n == 2), "{short_updates:?}");
}

/// A script that exhausts the memory limit gets the error at its own line, even around a
/// `pcall` that would swallow it; once its garbage is collected, the script initialised after
/// it allocates freely.
#[test]
fn a_memory_bomb_faults_at_its_line_and_the_next_script_is_not_blamed() {
    let bomb = "function init(self)\n  local keep = {}\n  while true do\n    pcall(function() for i = 1, 64 do keep[#keep + 1] = string.rep(\"x\", 1 << 16) .. i end end)\n  end\nend\n";
    let after = "function init(self)\n  local t = {}\n  for i = 1, 200000 do t[i] = i end\n  self.n = #t\n  log.info(\"after \" .. self.n)\nend\n";
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/bomb.lua"]}, {"scripts": ["scripts/after.lua"]}]}"#,
        ),
        ("scripts/bomb.lua", bomb),
        ("scripts/after.lua", after),
    ]);
    let config = Config {
        memory_limit: 32 * 1024 * 1024,
        budget: Duration::from_secs(20),
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    let errs = errors(&events);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "scripts/bomb.lua");
    assert_eq!(errs[0].1, 4, "{errs:?}");
    assert!(
        errs[0].2.starts_with(
            "not enough memory: the world's scripts reached their memory limit of 32 MiB"
        ),
        "{errs:?}"
    );
    assert_eq!(logs(&events), ["after 200000"]);
}
