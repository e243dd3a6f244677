//! The ported pattern matcher (`runtime/src/pattern.rs`) against Lua's own: every case of
//! `patterns/cases.lua` gives the same output in a plain Lua state (the C string library) and
//! as a Crescent script; and a pattern that backtracks for hours stops at the time budget with
//! the script's line, while the other scripts go on.

mod common;
use common::*;
use crescent_runtime::Config;
use std::time::Duration;

const CASES: &str = include_str!("patterns/cases.lua");

#[test]
fn the_port_matches_luas_own_string_library() {
    assert_same_as_lua(CASES, 10_000);
}

#[test]
fn catastrophic_backtracking_stops_at_the_budget() {
    let hostile = "function update(self)\n  if time.frame < 1 then return end\n  self.r = string.find(string.rep(\"a\", 40), string.rep(\"a*\", 40) .. \"b\")\nend\n";
    let gsub = "function update(self)\n  if time.frame < 1 then return end\n  local s = (\"a\"):rep(30)\n  self.r = s:gsub((\"a?\"):rep(30) .. (\"a\"):rep(30) .. \"b\", \"x\")\nend\n";
    let good = "function update(self) self.n = (self.n or 0) + 1 end\n";
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/good.lua"]}, {"scripts": ["scripts/find.lua"]}, {"scripts": ["scripts/gsub.lua"]}, {"scripts": ["scripts/good.lua"]}]}"#,
        ),
        ("scripts/good.lua", good),
        ("scripts/find.lua", hostile),
        ("scripts/gsub.lua", gsub),
    ]);
    let config = Config {
        budget: Duration::from_millis(100),
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    for _ in 0..4 {
        rt.frame(1.0 / 60.0);
    }
    let errs = errors(&rt.drain_events());
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, "scripts/find.lua");
    assert_eq!(
        (errs[0].1, errs[0].2.as_str()),
        (3, "script exceeded its time budget of 100 ms"),
        "{errs:?}"
    );
    assert_eq!(errs[1].0, "scripts/gsub.lua");
    assert_eq!(
        (errs[1].1, errs[1].2.as_str()),
        (4, "script exceeded its time budget of 100 ms"),
        "{errs:?}"
    );
    let report = rt.report();
    for s in report
        .scripts
        .iter()
        .filter(|s| s.path == "scripts/good.lua")
    {
        assert_eq!(s.calls["update"], 4, "the good scripts ran every frame");
    }
}
