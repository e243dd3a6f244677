//! Soak: the demo for many fixed frames, and one script reloaded many times while a world
//! runs, with the Lua heap (after a full collection) and the process's RSS sampled as they go.
//! Memory must stay flat: what the world holds at the end is what it held after warming up.
//!
//! The suite runs short versions; the long ones (docs/testing.md):
//! `CRESCENT_SOAK_FRAMES=1000000 CRESCENT_SOAK_SAVES=10000 CRESCENT_SOAK_FILE_SAVES=10000
//! cargo test --release -p crescent-runtime --test soak -- --nocapture`

mod common;
use common::*;
use crescent_e2e::copy_project;
use crescent_e2e::repo_root;
use crescent_runtime::{Config, DevHost, DevOptions, Event, Runtime};
use std::time::{Duration, Instant};

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Resident set size of this process, in KiB.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4
}

/// The Lua heap after a full collection, in KiB: what the world really holds.
fn live_heap_kib(rt: &Runtime) -> u64 {
    rt.lua().gc_collect().expect("gc");
    rt.lua().gc_collect().expect("gc");
    (rt.lua().used_memory() / 1024) as u64
}

/// Fails when the live heap at the end is well above its value after warming up.
fn assert_flat(what: &str, samples: &[(usize, u64, u64)]) {
    let (_, warm, warm_rss) = samples[1];
    let (at, end, end_rss) = samples[samples.len() - 1];
    let peak = samples.iter().map(|s| s.1).max().unwrap_or(0);
    eprintln!(
        "{what}: live Lua heap {warm} KiB after warm-up, {end} KiB at {at} (peak {peak} KiB); RSS {warm_rss} -> {end_rss} KiB"
    );
    // The demo's waves and particles come and go: allow a quarter and a little slack.
    assert!(
        end <= warm + warm / 4 + 256,
        "{what}: the live heap grew from {warm} to {end} KiB: {samples:?}"
    );
}

#[test]
fn the_demo_runs_long_with_flat_memory() {
    let demo = copy_project(&repo_root().join("lua/examples/demo"));
    let frames = env_count("CRESCENT_SOAK_FRAMES", 6_000);
    let every = (frames / 12).max(1);
    let mut rt = run(demo.path(), Config::default());
    let mut samples = Vec::new();
    for frame in 0..frames {
        rt.frame(1.0 / 60.0);
        let events = rt.drain_events();
        let errs = errors(&events);
        assert!(errs.is_empty(), "frame {frame}: {errs:?}");
        if frame % every == 0 {
            samples.push((frame, live_heap_kib(&rt), rss_kib()));
        }
    }
    samples.push((frames, live_heap_kib(&rt), rss_kib()));
    assert_flat(&format!("demo, {frames} frames"), &samples);
}

#[test]
fn reloading_a_script_many_times_keeps_memory_flat() {
    let script = |version: usize| {
        format!(
            "-- version {version}\nVERSION = {version}\nlocal cache = {{}}\nfor i = 1, 50 do cache[i] = ('x'):rep(100) .. i end\n\
             function update(self) self.n = (self.n or 0) + 1 self.last = VERSION end\n\
             function on_reload(self) self.reloads = (self.reloads or 0) + 1 end\n"
        )
    };
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/r.lua"]}, {"scripts": ["scripts/r.lua"]}]}"#,
        ),
        ("scripts/r.lua", &script(0)),
    ]);
    let saves = env_count("CRESCENT_SOAK_SAVES", 1_000);
    let every = (saves / 10).max(1);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    let mut samples = vec![(0, live_heap_kib(&rt), rss_kib())];
    for version in 1..=saves {
        let outcome = rt.reload_script_source("scripts/r.lua", &script(version));
        assert!(
            matches!(
                outcome,
                crescent_runtime::ReloadOutcome::Reloaded { instances: 2 }
            ),
            "{outcome:?}"
        );
        rt.frame(1.0 / 60.0);
        rt.drain_events();
        if version % every == 0 {
            samples.push((version, live_heap_kib(&rt), rss_kib()));
        }
    }
    assert_flat(&format!("{saves} reloads"), &samples);
}

/// The same through the file system: each version is saved to disk while the game runs, the
/// watcher sees the save and the dev host applies it, as in `crescent run --watch`.
#[test]
fn saving_a_script_many_times_keeps_memory_flat() {
    let script = |version: usize| {
        format!(
            "-- version {version}\nVERSION = {version}\nlocal cache = {{}}\nfor i = 1, 50 do cache[i] = ('x'):rep(100) .. i end\n\
             function update(self) self.n = (self.n or 0) + 1 self.last = VERSION end\n"
        )
    };
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/r.lua"]}, {"scripts": ["scripts/r.lua"]}]}"#,
        ),
        ("scripts/r.lua", &script(0)),
    ]);
    let saves = env_count("CRESCENT_SOAK_FILE_SAVES", 200);
    let every = (saves / 10).max(1);
    let mut rt = run(dir.path(), Config::default());
    let api = serde_json::to_value(rt.api()).expect("api");
    let host = DevHost::start(dir.path(), api, DevOptions::default()).expect("dev host");
    rt.frame(1.0 / 60.0);
    let mut samples = vec![(0, live_heap_kib(&rt), rss_kib())];
    let file = dir.path().join("scripts/r.lua");
    for version in 1..=saves {
        std::fs::write(&file, script(version)).expect("save");
        let deadline = Instant::now() + Duration::from_secs(20);
        'applied: loop {
            for event in host.apply(&mut rt) {
                match event {
                    Event::Reloaded { instances: 2, .. } => break 'applied,
                    Event::ReloadFailed { message, .. } => panic!("save {version}: {message}"),
                    _ => {}
                }
            }
            assert!(
                Instant::now() < deadline,
                "save {version} was not applied within 20 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        rt.frame(1.0 / 60.0);
        let errs = errors(&rt.drain_events());
        assert!(errs.is_empty(), "save {version}: {errs:?}");
        if version % every == 0 {
            samples.push((version, live_heap_kib(&rt), rss_kib()));
        }
    }
    assert_flat(&format!("{saves} saves through the watcher"), &samples);
}
