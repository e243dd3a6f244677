//! Helpers shared by the runtime's integration tests: temporary projects on disk.
#![allow(dead_code)]

use crescent_runtime::{Config, Event, Registry, Runtime, Scene};
use std::path::Path;

/// Writes `files` (project-relative path, content) into a fresh temporary project.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("scripts")).expect("scripts/");
    std::fs::create_dir_all(dir.path().join("assets")).expect("assets/");
    for (path, text) in files {
        let file = dir.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(file, text).expect("write file");
    }
    dir
}

/// Loads the project's scene into a new runtime.
pub fn run(dir: &Path, config: Config) -> Runtime {
    let mut rt = Runtime::new(dir, config, Registry::new()).expect("runtime");
    let scene = Scene::load(dir).expect("scene");
    rt.load_scene(&scene).expect("load scene");
    rt
}

/// A runtime with one entity per script path.
pub fn scripts(files: &[(&str, &str)]) -> (tempfile::TempDir, Runtime) {
    let entities: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.starts_with("scripts/") && !p.starts_with("scripts/lib/"))
        .map(|(p, _)| format!(r#"{{"scripts": ["{p}"]}}"#))
        .collect();
    let scene = format!(r#"{{"entities": [{}]}}"#, entities.join(","));
    let mut all: Vec<(&str, &str)> = files.to_vec();
    all.push(("scene.json", &scene));
    let dir = project(&all);
    let rt = run(dir.path(), Config::default());
    (dir, rt)
}

pub fn logs(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

pub fn errors(events: &[Event]) -> Vec<(String, u32, String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ScriptError {
                path,
                line,
                message,
                phase,
                ..
            } => Some((path.clone(), *line, message.clone(), phase.clone())),
            _ => None,
        })
        .collect()
}

/// Runs `chunk` (which takes an `emit(line)` function) in a plain Lua state, with Lua's own C
/// libraries, and returns the lines it emitted.
pub fn stock_lines(chunk: &str) -> Vec<String> {
    let lua = crescent_runtime::mlua::Lua::new();
    let out = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = out.clone();
    let emit = lua
        .create_function(move |_, line: crescent_runtime::mlua::LuaString| {
            sink.borrow_mut().push(line.to_string_lossy().to_string());
            Ok(())
        })
        .expect("emit");
    lua.load(chunk)
        .set_name("=cases")
        .call::<()>(emit)
        .expect("cases run in plain Lua");
    let lines = out.borrow().clone();
    lines
}

/// Runs `chunk` as a Crescent script's `init` (with `print` as its `emit`), under a budget
/// long enough for thousands of cases in a debug build, and returns the lines it printed.
pub fn script_lines(chunk: &str) -> Vec<String> {
    let script = format!(
        "local cases = load({chunk:?}, \"=cases\")\nfunction init(self)\n  cases(print)\nend\n"
    );
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/cases.lua"]}]}"#,
        ),
        ("scripts/cases.lua", &script),
    ]);
    let config = Config {
        budget: std::time::Duration::from_secs(60),
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    assert!(errors(&events).is_empty(), "{:?}", errors(&events));
    logs(&events)
}

/// Fails, showing the first differences, unless Crescent and plain Lua emit the same lines
/// for `chunk` (and at least `at_least` of them).
pub fn assert_same_as_lua(chunk: &str, at_least: usize) {
    let out = script_lines(chunk);
    let stock = stock_lines(chunk);
    assert!(stock.len() >= at_least, "{} cases", stock.len());
    assert_eq!(out.len(), stock.len());
    let differ: Vec<String> = out
        .iter()
        .zip(&stock)
        .filter(|(a, b)| a != b)
        .take(10)
        .map(|(a, b)| format!("crescent: {a}\n    lua: {b}"))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
