//! `crescent run --trace FILE`: the frames' slices and the game's events as a Chrome trace-event
//! JSON file, which ui.perfetto.dev and chrome://tracing open: a slice per frame, nested slices
//! per phase and per script callback (named after the script and its entity), and logs, script
//! errors and reloads as instant events.

use crescent_runtime::{Event, TraceSlice};
use serde_json::{json, Value};
use std::path::Path;

/// What a traced run collects until it is written.
#[derive(Default)]
pub struct Trace {
    events: Vec<Value>,
}

/// Microseconds, as trace events count time.
fn us(seconds: f64) -> f64 {
    (seconds * 1e6 * 1000.0).round() / 1000.0
}

impl Trace {
    /// Adds a frame's slices and the events it produced (stamped at the end of the frame,
    /// when they were seen).
    pub fn add(&mut self, slices: Vec<TraceSlice>, events: &[Event]) {
        let now = slices
            .iter()
            .map(|s| s.start + s.duration)
            .fold(0.0, f64::max);
        for s in slices {
            let (name, cat, args) = match &s.script {
                Some((path, entity)) => (
                    format!("{path} #{entity}"),
                    "script",
                    json!({ "phase": s.name, "script": path, "entity": entity }),
                ),
                None if s.frame => (s.name.clone(), "frame", json!({})),
                None => (s.name.clone(), "phase", json!({})),
            };
            self.events.push(json!({
                "name": name,
                "cat": cat,
                "ph": "X",
                "ts": us(s.start),
                "dur": us(s.duration),
                "pid": 1,
                "tid": 1,
                "args": args,
            }));
        }
        for e in events {
            let (name, cat, args) = match e {
                Event::Log {
                    level,
                    message,
                    path,
                    line,
                } => (
                    format!("log: {message}"),
                    "log",
                    json!({ "level": level, "path": path, "line": line }),
                ),
                Event::ScriptError {
                    path,
                    line,
                    message,
                    entity,
                    phase,
                    ..
                } => (
                    format!("error: {path}:{line}: {message}"),
                    "error",
                    json!({ "path": path, "line": line, "entity": entity, "phase": phase }),
                ),
                Event::Reloaded { path, ms, .. } => (
                    format!("reloaded {path}"),
                    "reload",
                    json!({ "path": path, "ms": ms }),
                ),
                Event::ReloadFailed {
                    path,
                    line,
                    message,
                    ..
                } => (
                    format!("reload failed: {path}:{line}: {message}"),
                    "reload",
                    json!({ "path": path, "line": line }),
                ),
            };
            self.events.push(json!({
                "name": name, "cat": cat, "ph": "i", "s": "g",
                "ts": us(now), "pid": 1, "tid": 1, "args": args,
            }));
        }
    }

    /// Writes the trace file.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut all = vec![
            json!({ "name": "process_name", "ph": "M", "pid": 1, "args": { "name": "crescent" } }),
            json!({ "name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": { "name": "game loop" } }),
        ];
        all.extend(self.events.iter().cloned());
        let doc = json!({ "traceEvents": all, "displayTimeUnit": "ms" });
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(
            path,
            serde_json::to_string(&doc).map_err(std::io::Error::other)?,
        )
    }
}
