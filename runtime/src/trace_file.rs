//! Chrome trace-event files (`crescent run --trace FILE`, and the dev channel's `record_trace`):
//! the frames' slices and the game's events as JSON, which ui.perfetto.dev and chrome://tracing open: a slice per frame, nested slices
//! per phase and per script callback (named after the script and its entity), logs, script
//! errors and reloads as instant events, and the Lua state's memory as a counter track.

use crate::{Event, TraceSlice};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// What a traced run collects until it is written: the trace events as JSON text, comma
/// separated (a long run has hundreds of thousands; text costs a fraction of JSON values).
///
/// # Example
/// ```
/// # let (_dir, mut rt) = crescent_runtime::doc_support::world(&[
/// #     ("scripts/c.lua", "function update(self) end"),
/// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/c.lua"]}]}"#),
/// # ])?;
/// let mut trace = crescent_runtime::TraceWriter::default();
/// rt.set_tracing(true);
/// for _ in 0..3 {
///     rt.frame(1.0 / 60.0);
///     let events = rt.drain_events();
///     trace.add(rt.take_trace(), &events, rt.lua().used_memory());
/// }
/// let file = std::env::temp_dir().join("crescent-doc-trace.json");
/// trace.write(&file)?;
/// # std::fs::remove_file(file)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct TraceWriter {
    out: String,
    events: usize,
}

/// Microseconds, as trace events count time.
fn us(seconds: f64) -> f64 {
    (seconds * 1e6 * 1000.0).round() / 1000.0
}

/// `text` as a JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

impl TraceWriter {
    fn push_raw(&mut self, event: std::fmt::Arguments<'_>) {
        self.events += 1;
        if !self.out.is_empty() {
            self.out.push_str(",\n");
        }
        let _ = self.out.write_fmt(event);
    }

    fn push(&mut self, event: &Value) {
        self.push_raw(format_args!("{event}"));
    }

    /// How many trace events it holds.
    pub fn len(&self) -> usize {
        self.events
    }

    /// Whether it holds no event yet.
    pub fn is_empty(&self) -> bool {
        self.events == 0
    }

    /// Adds a frame's slices, the events it produced (stamped at the end of the frame, when
    /// they were seen) and the Lua state's memory then, as a counter track.
    pub fn add(&mut self, slices: Vec<TraceSlice>, events: &[Event], lua_bytes: usize) {
        let now = slices
            .iter()
            .map(|s| s.start + s.duration)
            .fold(0.0, f64::max);
        for s in &slices {
            let (ts, dur) = (us(s.start), us(s.duration));
            match &s.script {
                Some((path, entity)) => {
                    let (name, phase, script) = (
                        quoted(&format!("{path} #{entity}")),
                        quoted(&s.name),
                        quoted(path),
                    );
                    self.push_raw(format_args!(
                        r#"{{"name":{name},"cat":"script","ph":"X","ts":{ts},"dur":{dur},"pid":1,"tid":1,"args":{{"phase":{phase},"script":{script},"entity":{entity}}}}}"#
                    ));
                }
                // A phase that had nothing to do (no instance to start, no event to deliver)
                // takes well under a microsecond: a slice for it is only clutter.
                None if !s.frame && s.duration < 1e-6 => {}
                None => {
                    let name = quoted(&s.name);
                    let cat = if s.frame { "frame" } else { "phase" };
                    self.push_raw(format_args!(
                        r#"{{"name":{name},"cat":"{cat}","ph":"X","ts":{ts},"dur":{dur},"pid":1,"tid":1,"args":{{}}}}"#
                    ));
                }
            }
        }
        if now > 0.0 {
            let kib = (lua_bytes as f64 / 1024.0 * 10.0).round() / 10.0;
            self.push_raw(format_args!(
                r#"{{"name":"lua memory","cat":"memory","ph":"C","ts":{},"pid":1,"args":{{"KiB":{kib}}}}}"#,
                us(now)
            ));
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
            self.push(&json!({
                "name": name, "cat": cat, "ph": "i", "s": "g",
                "ts": us(now), "pid": 1, "tid": 1, "args": args,
            }));
        }
    }

    /// Writes the trace file.
    ///
    /// # Errors
    /// The file or its folder cannot be written.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let names = [
            json!({ "name": "process_name", "ph": "M", "pid": 1, "args": { "name": "crescent" } }),
            json!({ "name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": { "name": "game loop" } }),
        ];
        let mut doc = String::with_capacity(self.out.len() + 256);
        doc.push_str("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        for n in &names {
            let _ = writeln!(doc, "{n},");
        }
        doc.push_str(&self.out);
        if self.out.is_empty() {
            // Drop the comma after the last name.
            doc.truncate(doc.len() - 2);
        }
        doc.push_str("\n]}\n");
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, doc)
    }
}
