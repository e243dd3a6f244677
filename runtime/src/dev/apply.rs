//! Applies file changes and reload requests to a [`Runtime`] between frames, and serializes the
//! resulting events for tools (the dev channel and `--events json` share [`event_json`]).

use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::{ChangeKind, DevEvent};
use crate::{Event, ReloadOutcome, Runtime};

/// The one JSON form of an [`Event`], used by the dev channel and by `--events json`.
pub fn event_json(event: &Event) -> Value {
    serde_json::to_value(event).unwrap_or_else(|error| {
        // Event holds only strings and numbers; serde_json can only refuse a NaN or an
        // infinite `ms`, which is then sent as a log line rather than lost.
        serde_json::json!({"type": "log", "level": "error", "message":
            format!("event not serializable: {error}"), "path": "", "line": 0})
    })
}

/// Applies what the watcher and the dev channel reported, in order, and returns every event
/// the runtime produced meanwhile (and any it had pending), ready to publish.
///
/// - a saved or re-created script or module: [`Runtime::reload_script_source`] with the bytes
///   the watcher read (so a version that was on disk for a moment is the one compiled), which
///   keeps every
///   instance's `self`, reloads a module's dependents, and leaves the old code running when
///   the new one fails to compile. The `ms` of the resulting `reloaded` event is the time from
///   the moment the save was seen to the new code being in place, ready for the next frame;
/// - a deleted script: a `log` warning; its instances keep running the old code (and reload
///   when the file comes back);
/// - `scene.json`: a `log` warning that a restart is needed, since a half-applied scene would
///   be worse than none;
/// - a `reload` request from a tool: the script is reloaded even if its bytes did not change.
///
/// Call it between two frames, never from inside one.
///
/// `root` is the project root the runtime was created with.
pub fn apply_reloads(runtime: &mut Runtime, root: &Path, events: Vec<DevEvent>) -> Vec<Event> {
    let mut out = Vec::new();
    for event in events {
        match event {
            DevEvent::FileChanged(change) if change.path == "scene.json" => {
                let verb = match change.kind {
                    ChangeKind::Removed => "was deleted",
                    _ => "changed",
                };
                out.extend(runtime.drain_events());
                out.push(Event::Log {
                    level: "warn".into(),
                    message: format!("scene.json {verb}; restart to apply"),
                    path: "scene.json".into(),
                    line: 0,
                });
            }
            DevEvent::FileChanged(change) if change.kind == ChangeKind::Removed => {
                out.extend(runtime.drain_events());
                out.push(Event::Log {
                    level: "warn".into(),
                    message: format!(
                        "{} was deleted; its instances keep running the old code",
                        change.path
                    ),
                    path: change.path,
                    line: 0,
                });
            }
            DevEvent::FileChanged(change) => {
                match &change.source {
                    Some(source) => runtime.reload_script_source(&change.path, source),
                    None => runtime.reload_script(&change.path),
                };
                finish(runtime, &change.path, change.seen, &mut out);
            }
            DevEvent::ReloadRequested { path, seen } => {
                force_reload(runtime, root, &path);
                finish(runtime, &path, seen, &mut out);
            }
        }
    }
    out.extend(runtime.drain_events());
    out
}

/// Reloads `path` even when its bytes are what is running.
fn force_reload(runtime: &mut Runtime, root: &Path, path: &str) {
    let outcome = runtime.reload_script(path);
    if outcome != ReloadOutcome::Unchanged {
        return;
    }
    // The runtime skips a source whose hash it already runs. A trailing newline changes the
    // hash and nothing else (line numbers included), so the same code runs again in full:
    // top level, new functions, `on_reload`.
    if let Ok(mut source) = std::fs::read(root.join(path)) {
        source.push(b'\n');
        runtime.reload_script_bytes(path, &source);
    }
}

/// Moves the runtime's events into `out`, with the `ms` of `path`'s `reloaded` event measured
/// from `seen`.
fn finish(runtime: &mut Runtime, path: &str, seen: Instant, out: &mut Vec<Event>) {
    let ms = seen.elapsed().as_secs_f64() * 1000.0;
    for mut event in runtime.drain_events() {
        if let Event::Reloaded {
            path: reloaded,
            ms: event_ms,
            ..
        } = &mut event
        {
            if reloaded == path {
                *event_ms = ms;
            }
        }
        out.push(event);
    }
}
