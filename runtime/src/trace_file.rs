//! Chrome trace-event files (`crescent run --trace FILE`, and the dev channel's `record_trace`):
//! the frames' slices and the game's events as JSON, which ui.perfetto.dev and chrome://tracing open: a slice per frame, nested slices
//! per phase and per script callback (named after the script and its entity), the collector's
//! steps (`gc`), logs, script errors and reloads as instant events, and the Lua state's memory
//! as a counter track.

use crate::{Event, TraceSlice};
use serde_json::json;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

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
    /// The quoted JSON text of each name and of each script callback's `"name"` and `"args"`
    /// prefix, made once per name, phase and entity instead of once per slice.
    quoted: HashMap<Arc<str>, String>,
    callbacks: HashMap<(Arc<str>, Arc<str>, u64), String>,
}

/// Microseconds, as trace events count time: a number with three decimals (nanoseconds),
/// written from integers (formatting floats was most of the cost of writing a slice).
struct Us(f64);

impl std::fmt::Display for Us {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ns = (self.0 * 1e9).round();
        if !ns.is_finite() || ns.abs() >= 9.0e18 {
            return write!(f, "0");
        }
        let ns = ns as i64;
        let sign = if ns < 0 { "-" } else { "" };
        let ns = ns.unsigned_abs();
        write!(f, "{sign}{}.{:03}", ns / 1000, ns % 1000)
    }
}

/// Appends one event's text to `out`.
fn push_event(out: &mut String, events: &mut usize, event: std::fmt::Arguments<'_>) {
    *events += 1;
    if !out.is_empty() {
        out.push_str(",\n");
    }
    let _ = out.write_fmt(event);
}

/// `text` as a JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

impl TraceWriter {
    fn push_raw(&mut self, event: std::fmt::Arguments<'_>) {
        push_event(&mut self.out, &mut self.events, event);
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
        for s in slices {
            let (ts, dur) = (Us(s.start), Us(s.duration));
            match s.script {
                Some((path, entity)) => {
                    let head = self
                        .callbacks
                        .entry((path, s.name, entity))
                        .or_insert_with_key(|(path, phase, entity)| {
                            let (name, phase, script) = (
                                quoted(&format!("{path} #{entity}")),
                                quoted(phase),
                                quoted(path),
                            );
                            format!(
                                r#""name":{name},"cat":"script","ph":"X","pid":1,"tid":1,"args":{{"phase":{phase},"script":{script},"entity":{entity}}}"#
                            )
                        });
                    push_event(
                        &mut self.out,
                        &mut self.events,
                        format_args!(r#"{{{head},"ts":{ts},"dur":{dur}}}"#),
                    );
                }
                None if s.collected.is_some() => {
                    let (before, after) = s.collected.unwrap_or_default();
                    let kib = |b: usize| (b as f64 / 1024.0 * 10.0).round() / 10.0;
                    let (before, after) = (kib(before), kib(after));
                    self.push_raw(format_args!(
                        r#"{{"name":"gc","cat":"gc","ph":"X","ts":{ts},"dur":{dur},"pid":1,"tid":1,"args":{{"before_KiB":{before},"after_KiB":{after}}}}}"#
                    ));
                }
                // A phase that had nothing to do (no instance to start, no event to deliver)
                // takes well under a microsecond: a slice for it is only clutter.
                None if !s.frame && s.duration < 1e-6 => {}
                None if s.frame => {
                    let name = quoted(&s.name);
                    self.push_raw(format_args!(
                        r#"{{"name":{name},"cat":"frame","ph":"X","ts":{ts},"dur":{dur},"pid":1,"tid":1,"args":{{}}}}"#
                    ));
                }
                None => {
                    let name = self
                        .quoted
                        .entry(s.name)
                        .or_insert_with_key(|name| quoted(name));
                    push_event(
                        &mut self.out,
                        &mut self.events,
                        format_args!(
                            r#"{{"name":{name},"cat":"phase","ph":"X","ts":{ts},"dur":{dur},"pid":1,"tid":1,"args":{{}}}}"#
                        ),
                    );
                }
            }
        }
        if now > 0.0 {
            let kib = (lua_bytes as f64 / 1024.0 * 10.0).round() / 10.0;
            self.push_raw(format_args!(
                r#"{{"name":"lua memory","cat":"memory","ph":"C","ts":{},"pid":1,"args":{{"KiB":{kib}}}}}"#,
                Us(now)
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
            let (name, ts) = (quoted(&name), Us(now));
            self.push_raw(format_args!(
                r#"{{"name":{name},"cat":"{cat}","ph":"i","s":"g","ts":{ts},"pid":1,"tid":1,"args":{args}}}"#
            ));
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
