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
