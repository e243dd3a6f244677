//! Hostile scripts (fixtures in tests/hostile/) run beside a well-behaved one, which must keep
//! running every frame while each hostile one is blocked or faulted with a clean error.

mod common;
use common::*;
use crescent_runtime::{Config, Runtime, Scene};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// What each fixture must end up as: `Ok(log line)` when it runs and prints that the escape
/// was blocked, `Err(substring)` when it must fault with an error containing the substring.
fn expectations() -> Vec<(&'static str, Result<&'static str, &'static str>)> {
    vec![
        ("escape_stdlib", Ok("blocked escape_stdlib")),
        ("binary_chunk", Ok("blocked binary_chunk")),
        ("paths", Ok("blocked paths")),
        ("pollute", Ok("blocked pollute 12/12")),
        (
            "loop",
            Err("scripts/hostile/loop.lua:3: script exceeded its time budget of 250 ms"),
        ),
        ("loop_pcall", Err("script exceeded its time budget")),
        ("loop_coroutine", Err("script exceeded its time budget")),
        (
            "loop_task",
            Err("scripts/hostile/loop_task.lua:4: script exceeded its time budget"),
        ),
        (
            "pattern",
            Err("scripts/hostile/pattern.lua:3: script exceeded its time budget of 250 ms"),
        ),
        (
            "pattern_gsub",
            Err("script exceeded its time budget of 250 ms"),
        ),
        (
            "memory_table",
            Err("scripts/hostile/memory_table.lua:3: not enough memory: the world's scripts reached their memory limit of 64 MiB"),
        ),
        ("memory_rep", Err("not enough memory")),
        (
            "gc",
            Err("scripts/hostile/gc.lua:4: setmetatable: __gc metamethods are not allowed"),
        ),
        ("yield", Err("attempt to yield from outside a coroutine")),
        ("stack_overflow", Err("stack overflow")),
        (
            "error_table",
            Err("error object is a table: {code = 42, why = \"table\"}"),
        ),
        ("big_error", Err("... (message truncated: 10486")),
        ("error_nil", Err("error called with nil")),
    ]
}

fn hostile_project() -> tempfile::TempDir {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let dir = project(&[("scene.json", "{}")]);
    let target = dir.path().join("scripts/hostile");
    std::fs::create_dir_all(&target).expect("mkdir");
    let mut names: Vec<String> = vec!["good".into(), "churn".into()];
    names.extend(expectations().iter().map(|(n, _)| n.to_string()));
    for name in &names {
        std::fs::copy(
            fixtures.join(format!("{name}.lua")),
            target.join(format!("{name}.lua")),
        )
        .expect("copy fixture");
    }
    // good first and last: it must run before and after every hostile instance
    let mut entities =
        vec![r#"{"name": "good", "scripts": ["scripts/hostile/good.lua"]}"#.to_string()];
    for name in names.iter().skip(1) {
        entities.push(format!(r#"{{"scripts": ["scripts/hostile/{name}.lua"]}}"#));
    }
    entities.push(r#"{"scripts": ["scripts/hostile/good.lua"]}"#.to_string());
    std::fs::write(
        dir.path().join("scene.json"),
        format!(r#"{{"entities": [{}]}}"#, entities.join(",")),
    )
    .expect("scene");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("scene.json"),
        dir.path().join("assets/outside.txt"),
    )
    .expect("symlink");
    dir
}

#[test]
fn hostile_scripts_are_contained() {
    let dir = hostile_project();
    let config = Config {
        budget: Duration::from_millis(250),
        memory_limit: 64 * 1024 * 1024,
        ..Config::default()
    };
    let mut rt =
        Runtime::new(dir.path(), config, crescent_runtime::Registry::new()).expect("runtime");
    rt.load_scene(&Scene::load(dir.path()).expect("scene"))
        .expect("load");
    let frames = 6;
    let mut events = Vec::new();
    for _ in 0..frames {
        rt.frame(1.0 / 60.0);
        events.extend(rt.drain_events());
    }
    let report = rt.report();
    let by_path: BTreeMap<String, &crescent_runtime::ScriptReport> = report
        .scripts
        .iter()
        .map(|s| {
            (
                s.path
                    .trim_start_matches("scripts/hostile/")
                    .trim_end_matches(".lua")
                    .to_string(),
                s,
            )
        })
        .collect();
    // The well-behaved script ran every frame, twice (two instances), without error.
    let good: Vec<_> = report
        .scripts
        .iter()
        .filter(|s| s.path.ends_with("good.lua"))
        .collect();
    assert_eq!(good.len(), 2);
    for g in good {
        assert_eq!(g.status, "running", "{:?}", g.errors);
        assert_eq!(g.calls["update"], frames);
    }
    let churn = by_path["churn"];
    assert_eq!(churn.status, "running", "{:?}", churn.errors);
    let log_lines = logs(&events);
    for (name, expected) in expectations() {
        let inst = by_path[name];
        match expected {
            Ok(line) => {
                assert_eq!(inst.status, "running", "{name}: {:?}", inst.errors);
                assert!(log_lines.iter().any(|l| l == line), "{name}: {log_lines:?}");
            }
            Err(sub) => {
                assert_eq!(inst.status, "faulted", "{name} should fault");
                let e = &inst.errors[0];
                let msg = &e.message;
                // The expectations name the position as Lua's messages do: `path:line: message`.
                let full = format!("{}:{}: {msg}", e.path, e.line);
                assert!(full.contains(sub), "{name}: {full:?} lacks {sub:?}");
                assert!(
                    msg.len() <= 4096 + 64,
                    "{name}: message of {} bytes",
                    msg.len()
                );
                assert_eq!(inst.errors.len(), 1, "{name}: {:?}", inst.errors);
            }
        }
    }
    assert!(
        !log_lines.iter().any(|l| l.contains("ESCAPED")),
        "{log_lines:?}"
    );
    // Entity count is stable: churn keeps 10, nothing else spawns.
    let stats = rt.stats();
    assert_eq!(stats.entities, 2 + 1 + expectations().len() + 10);
}
