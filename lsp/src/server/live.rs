//! The running game in the editor: live-link events become diagnostics (source `crescent`)
//! beside the static ones, and every reload becomes a `crescent/reloaded` notification.
//!
//! Custom messages are documented once, in `lsp/protocol/custom-messages.json`; a test below
//! checks this file declares exactly those, and the VS Code extension checks its mirror
//! against the same file.

use super::{path_of, read, write, Backend};
use crate::analysis::{self, Encoding};
use crate::live::{self, LiveEvent};
use crescent_api::dev::GameStats;
use crescent_api::{Event, Frame};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tower_lsp::lsp_types as lsp;
use tower_lsp::lsp_types::notification::Notification;

/// Diagnostic source of everything the running game reports.
pub const SOURCE: &str = "crescent";
/// Code of a runtime error raised by a lifecycle function.
pub const CODE_RUNTIME_ERROR: &str = "runtime-error";
/// Code of a save the running game could not compile.
pub const CODE_RELOAD_FAILED: &str = "reload-failed";

/// `crescent/reloaded`: the running game reloaded a script, or failed to.
pub enum Reloaded {}

/// Parameters of [`Reloaded`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReloadedParams {
    /// File URI of the script.
    pub uri: lsp::Url,
    /// True when the new code is running.
    pub ok: bool,
    /// Save seen to new code running, in milliseconds.
    pub ms: f64,
    /// Why the reload failed, when `ok` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Notification for Reloaded {
    type Params = ReloadedParams;
    const METHOD: &'static str = "crescent/reloaded";
}

/// How far back the older sample of a lens's rates is taken from: the hot loops are timed one
/// frame in sixteen, so a window of a few samples (100 ms apart) would jump between 0 and 16
/// times the truth.
const LENS_WINDOW: Duration = Duration::from_secs(2);
/// Shortest time between two `workspace/codeLens/refresh` requests.
const LENS_REFRESH: Duration = Duration::from_secs(1);

/// A running game's recent live samples, oldest first, and when the lenses were last refreshed.
#[derive(Default)]
pub struct StatsWindow {
    samples: VecDeque<(Instant, GameStats)>,
    refreshed: Option<Instant>,
}

impl StatsWindow {
    /// Adds a sample and forgets those older than [`LENS_WINDOW`] (keeping one at least that
    /// old, the base of the rates). True when the lenses should be refreshed now.
    fn push(&mut self, stats: GameStats) -> bool {
        let now = Instant::now();
        self.samples.push_back((now, stats));
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(t, _)| now.duration_since(*t) >= LENS_WINDOW)
        {
            self.samples.pop_front();
        }
        let due = self.refreshed.is_none_or(|t| t.elapsed() >= LENS_REFRESH);
        if due {
            self.refreshed = Some(now);
        }
        due
    }

    /// The lens texts of a script's callbacks, from the newest sample and the oldest kept.
    fn texts(&self, path: &str, callbacks: &[String]) -> Option<Vec<String>> {
        let (_, newest) = self.samples.back()?;
        let now = newest.scripts.iter().find(|s| s.path == path)?;
        let before = self.samples.front().and_then(|(_, old)| {
            let script = old.scripts.iter().find(|s| s.path == path)?;
            Some(analysis::lens::Sample {
                script,
                frame: old.frame,
            })
        });
        let now = analysis::lens::Sample {
            script: now,
            frame: newest.frame,
        };
        Some(
            callbacks
                .iter()
                .map(|c| analysis::lens::text(c, now, before))
                .collect(),
        )
    }
}

/// The range covering the text of a 1-based `line` (its first non-blank character to its end),
/// or from `column` (1-based, in characters) to the end of the line's token run when given.
fn line_range(text: Option<&str>, line: u32, column: Option<u32>, enc: Encoding) -> lsp::Range {
    let line0 = line.saturating_sub(1);
    let Some(content) = text.and_then(|t| t.lines().nth(line0 as usize)) else {
        return lsp::Range::new(lsp::Position::new(line0, 0), lsp::Position::new(line0, 0));
    };
    let units = |s: &str| -> u32 {
        let n = match enc {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.encode_utf16().count(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let trimmed_end = content.trim_end();
    let start_byte = match column {
        Some(col) if col > 0 => content
            .char_indices()
            .nth(col as usize - 1)
            .map(|(i, _)| i)
            .unwrap_or(trimmed_end.len()),
        _ => content.len() - content.trim_start().len(),
    };
    let start_byte = start_byte.min(trimmed_end.len());
    let start = units(&content[..start_byte]);
    let end = units(trimmed_end).max(start);
    lsp::Range::new(
        lsp::Position::new(line0, start),
        lsp::Position::new(line0, end),
    )
}

/// The error's script frames as related locations (the frames a project path names: code
/// made by `load` has no file to go to).
fn frame_locations(root: &Path, frames: &[Frame]) -> Vec<lsp::DiagnosticRelatedInformation> {
    let mut out = Vec::new();
    for f in frames {
        if f.skipped > 0 || !f.path.starts_with("scripts/") || !f.path.ends_with(".lua") {
            continue;
        }
        let Ok(uri) = lsp::Url::from_file_path(root.join(&f.path)) else {
            continue;
        };
        let line0 = f.line.saturating_sub(1);
        out.push(lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(
                uri,
                lsp::Range::new(lsp::Position::new(line0, 0), lsp::Position::new(line0, 0)),
            ),
            message: f.text(),
        });
    }
    out
}

impl Backend {
    /// Starts the live links; each link's events are handled in order.
    ///
    /// A link per project: each workspace folder, and each project up to two folders below one
    /// (`scene::projects`; the game writes its `.crescent/session.json` there).
    pub(super) fn start_live_links(&self) {
        let folders = read(&self.state.workspace).roots.clone();
        let mut roots = folders.clone();
        for project in super::scene::projects(&folders) {
            if !roots.contains(&project) {
                roots.push(project);
            }
        }
        for root in roots {
            let (tx, mut rx) = mpsc::unbounded_channel();
            let link = live::spawn(root.clone(), tx);
            let this = self.clone_handle();
            tokio::spawn(async move {
                // The link lives as long as this task reads its events.
                let _link = link;
                while let Some(event) = rx.recv().await {
                    this.on_live_event(&root, event).await;
                }
            });
        }
    }

    fn script_uri(root: &Path, path: &str) -> Option<lsp::Url> {
        let full: PathBuf = root.join(path);
        lsp::Url::from_file_path(full).ok()
    }

    fn text_of(&self, uri: &lsp::Url) -> Option<Arc<str>> {
        self.snapshot(uri).map(|doc| doc.text.clone())
    }

    async fn on_live_event(&self, root: &Path, event: LiveEvent) {
        match event {
            LiveEvent::Connected { project, api } => {
                self.client
                    .log_message(
                        lsp::MessageType::INFO,
                        format!("connected to the running game in {project}"),
                    )
                    .await;
                // A new session starts clean: errors of the previous run are gone with it.
                let stale: Vec<lsp::Url> =
                    write(&self.state.runtime).drain().map(|(u, _)| u).collect();
                for uri in stale {
                    self.publish_runtime(uri).await;
                }
                if let Some(api) = api {
                    // The running game's API (built-in plus what the host registered) replaces
                    // the workspace's at once.
                    self.set_api(Arc::new(*api));
                }
            }
            LiveEvent::Disconnected { reason } => {
                self.client
                    .log_message(
                        lsp::MessageType::INFO,
                        format!("the running game went away: {reason}"),
                    )
                    .await;
                // Its numbers go with it.
                if write(&self.state.live_stats).remove(root).is_some() {
                    self.refresh_lenses().await;
                }
            }
            LiveEvent::Stats(stats) => {
                let due = write(&self.state.live_stats)
                    .entry(root.to_path_buf())
                    .or_default()
                    .push(*stats);
                if due {
                    self.refresh_lenses().await;
                }
            }
            LiveEvent::Game(
                ref error @ Event::ScriptError {
                    ref path,
                    line,
                    column,
                    ref message,
                    ref frames,
                    ..
                },
            ) => {
                let Some(uri) = Self::script_uri(root, path) else {
                    return;
                };
                let place = error.fault_place().unwrap_or_default();
                let text = self.text_of(&uri);
                let related = frame_locations(root, frames);
                let diagnostic = lsp::Diagnostic {
                    range: line_range(
                        text.as_deref(),
                        line,
                        (column > 0).then_some(column),
                        self.encoding(),
                    ),
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    code: Some(lsp::NumberOrString::String(CODE_RUNTIME_ERROR.into())),
                    source: Some(SOURCE.into()),
                    message: format!("{message}\n({place})"),
                    related_information: (!related.is_empty()).then_some(related),
                    ..Default::default()
                };
                {
                    let mut runtime = write(&self.state.runtime);
                    let diags = runtime.entry(uri.clone()).or_default();
                    let same = |d: &lsp::Diagnostic| {
                        d.range.start.line == diagnostic.range.start.line
                            && d.message == diagnostic.message
                    };
                    if diags.iter().any(same) {
                        return;
                    }
                    diags.push(diagnostic);
                }
                self.publish_runtime(uri).await;
            }
            LiveEvent::Game(Event::ReloadFailed {
                path,
                line,
                column,
                message,
            }) => {
                let Some(uri) = Self::script_uri(root, &path) else {
                    return;
                };
                let text = self.text_of(&uri);
                let diagnostic = lsp::Diagnostic {
                    range: line_range(text.as_deref(), line, Some(column), self.encoding()),
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    code: Some(lsp::NumberOrString::String(CODE_RELOAD_FAILED.into())),
                    source: Some(SOURCE.into()),
                    message: format!("the running game could not reload this file: {message}"),
                    ..Default::default()
                };
                {
                    let mut runtime = write(&self.state.runtime);
                    let diags = runtime.entry(uri.clone()).or_default();
                    diags.retain(|d| {
                        d.code != Some(lsp::NumberOrString::String(CODE_RELOAD_FAILED.into()))
                    });
                    diags.push(diagnostic);
                }
                self.publish_runtime(uri.clone()).await;
                self.client
                    .send_notification::<Reloaded>(ReloadedParams {
                        uri,
                        ok: false,
                        ms: 0.0,
                        message: Some(message),
                    })
                    .await;
            }
            LiveEvent::Game(Event::Reloaded { path, ms, .. }) => {
                let Some(uri) = Self::script_uri(root, &path) else {
                    return;
                };
                let had = write(&self.state.runtime).remove(&uri).is_some();
                if had {
                    self.publish_runtime(uri.clone()).await;
                }
                self.client
                    .send_notification::<Reloaded>(ReloadedParams {
                        uri,
                        ok: true,
                        ms,
                        message: None,
                    })
                    .await;
            }
            LiveEvent::Game(Event::Log {
                level,
                message,
                path,
                line,
            }) => {
                let kind = match level.as_str() {
                    "error" => lsp::MessageType::ERROR,
                    "warn" => lsp::MessageType::WARNING,
                    "debug" => lsp::MessageType::LOG,
                    _ => lsp::MessageType::INFO,
                };
                let at = if path.is_empty() {
                    String::new()
                } else {
                    format!("{path}:{line}: ")
                };
                self.client
                    .log_message(kind, format!("[game] {at}{message}"))
                    .await;
            }
            LiveEvent::Dropped { count } => {
                self.client
                    .log_message(
                        lsp::MessageType::WARNING,
                        format!("the running game dropped {count} events for this editor"),
                    )
                    .await;
            }
        }
    }

    /// Asks the client to ask for code lenses again, when it can be asked.
    async fn refresh_lenses(&self) {
        if self.caps().lens_refresh {
            let _ = self.client.code_lens_refresh().await;
        }
    }

    /// Lenses over a script's lifecycle callbacks with what its running game measures; none
    /// when no game of the file's project is running (or the script has no live instance).
    pub(super) fn live_lenses(&self, uri: &lsp::Url) -> Option<Vec<lsp::CodeLens>> {
        let doc = self.snapshot(uri)?;
        let path = path_of(uri)?;
        let stats = read(&self.state.live_stats);
        let (root, window) = stats
            .iter()
            .filter(|(root, _)| path.starts_with(root))
            .max_by_key(|(root, _)| root.components().count())?;
        let rel = path
            .strip_prefix(root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let file = doc.analysis();
        let callbacks = analysis::lens::callbacks(&file, &doc.api);
        let names: Vec<String> = callbacks.iter().map(|c| c.name.clone()).collect();
        let texts = window.texts(&rel, &names)?;
        let enc = self.encoding();
        Some(
            callbacks
                .iter()
                .zip(texts)
                .map(|(c, title)| lsp::CodeLens {
                    range: doc.range(c.span.start, c.span.end, enc),
                    command: Some(lsp::Command {
                        title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                })
                .collect(),
        )
    }

    /// Publishes a file's diagnostics after its runtime set changed: merged with the static
    /// ones when the file is open, the runtime set alone when it is not.
    async fn publish_runtime(&self, uri: lsp::Url) {
        if read(&self.state.docs).contains_key(&uri) {
            self.publish(uri).await;
            return;
        }
        let diags = read(&self.state.runtime)
            .get(&uri)
            .cloned()
            .unwrap_or_default();
        if path_of(&uri).is_some() {
            self.client.publish_diagnostics(uri, diags, None).await;
        }
    }

    /// Replaces the project's API (the engine's and the host's) and re-analyzes the open
    /// documents against it, with the workspace's declared types added.
    pub(super) fn set_api(&self, project: Arc<crescent_api::Api>) {
        write(&self.state.apis).project = project;
        self.use_classes(self.facts().classes.clone(), None);
    }

    /// Re-makes the API analyses use when the types the workspace declares changed. Returns
    /// whether every open document was re-analysed and republished; when only what some
    /// modules' functions return changed, only the documents that require one of them are
    /// (and `false` is returned), so that typing in a module's `return` line does not
    /// re-analyse every open file, the module itself included, on each keystroke.
    pub(super) fn sync_classes(&self) -> bool {
        let classes = self.facts().classes.clone();
        let old = read(&self.state.apis).classes.clone();
        if *old == *classes {
            return false;
        }
        match crate::analysis::classes::changed_modules(&old, &classes) {
            Some(modules) => {
                self.use_classes(classes, Some(&modules));
                false
            }
            None => {
                self.use_classes(classes, None);
                true
            }
        }
    }

    /// Makes the API from the project's and `classes`, and re-analyses the open documents
    /// against it: all of them, or with `modules`, those whose file requires one of those
    /// modules (or has no summary yet to say); the others keep the API they have, which
    /// differs only in types they do not reach.
    fn use_classes(
        &self,
        classes: Arc<Vec<crate::analysis::classes::Class>>,
        modules: Option<&std::collections::BTreeSet<String>>,
    ) {
        let project = read(&self.state.apis).project.clone();
        let api = if classes.is_empty() {
            project
        } else {
            Arc::new(crate::analysis::classes::with_classes(&project, &classes))
        };
        {
            let mut apis = write(&self.state.apis);
            apis.classes = classes;
            apis.analysis = api.clone();
        }
        // The workspace is read before the documents are written (the lock order).
        let unaffected: std::collections::HashSet<lsp::Url> = match modules {
            None => Default::default(),
            Some(modules) => {
                let uris: Vec<lsp::Url> = read(&self.state.docs).keys().cloned().collect();
                let ws = read(&self.state.workspace);
                uris.into_iter()
                    .filter(|uri| {
                        path_of(uri)
                            .and_then(|p| ws.summaries.get(&p))
                            .is_some_and(|s| !s.requires.iter().any(|m| modules.contains(m)))
                    })
                    .collect()
            }
        };
        let mut remade = Vec::new();
        {
            let mut docs = write(&self.state.docs);
            for (uri, doc) in docs.iter_mut() {
                if !unaffected.contains(uri) {
                    *doc = Arc::new(doc.with_api(api.clone()));
                    remade.push(uri.clone());
                }
            }
        }
        if modules.is_none() {
            self.republish_all();
        } else {
            for uri in remade {
                let this = self.clone_handle();
                tokio::spawn(async move { this.publish(uri).await });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_line_text_in_the_negotiated_encoding() {
        let text = "local a = 1\n  error(\"héllo 😀\")  \n";
        let r = line_range(Some(text), 2, None, Encoding::Utf16);
        assert_eq!(
            (r.start.line, r.start.character, r.end.character),
            (1, 2, 19)
        );
        let r = line_range(Some(text), 2, None, Encoding::Utf8);
        assert_eq!((r.start.character, r.end.character), (2, 22));
        let r = line_range(Some(text), 2, Some(9), Encoding::Utf16);
        assert_eq!(r.start.character, 8);
        let r = line_range(Some(text), 99, None, Encoding::Utf16);
        assert_eq!((r.start.line, r.end.character), (98, 0));
        let r = line_range(None, 0, Some(0), Encoding::Utf16);
        assert_eq!(r.start.line, 0);
    }

    #[test]
    fn script_frames_become_related_locations() {
        let root = Path::new("/game");
        let frame = |path: &str, line, skipped| Frame {
            path: path.into(),
            line,
            function: "function 'f'".into(),
            skipped,
        };
        let frames = [
            frame("scripts/player.lua", 17, 0),
            frame("", 0, 40),
            frame("(load) chunk", 1, 0),
            frame("scripts/lib/util.lua", 3, 0),
        ];
        let related = frame_locations(root, &frames);
        assert_eq!(related.len(), 2);
        assert!(related[0]
            .location
            .uri
            .path()
            .ends_with("/game/scripts/player.lua"));
        assert_eq!(related[0].location.range.start.line, 16);
        assert_eq!(related[0].message, "scripts/player.lua:17: in function 'f'");
        assert_eq!(related[1].location.range.start.line, 2);
    }

    #[test]
    fn custom_messages_match_their_documentation() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../protocol/custom-messages.json"))
                .expect("custom-messages.json is JSON");
        let messages = doc["messages"].as_array().expect("a messages array");
        let methods: Vec<&str> = messages
            .iter()
            .filter_map(|m| m["method"].as_str())
            .collect();
        assert_eq!(methods, vec![Reloaded::METHOD]);
        let params: Vec<(String, bool)> = messages[0]["params"]
            .as_array()
            .expect("params")
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or_default().to_string(),
                    p["optional"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        let sample = serde_json::to_value(ReloadedParams {
            uri: lsp::Url::parse("file:///g/scripts/a.lua").expect("url"),
            ok: false,
            ms: 1.0,
            message: Some("m".into()),
        })
        .expect("serializes");
        let fields: Vec<&String> = sample.as_object().expect("object").keys().collect();
        let documented: Vec<&String> = params.iter().map(|(n, _)| n).collect();
        assert_eq!(fields, documented);
        let optional: Vec<&str> = params
            .iter()
            .filter(|(_, o)| *o)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(optional, vec!["message"]);
    }
}
