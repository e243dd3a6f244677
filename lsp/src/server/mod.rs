//! The LSP server layer: the only code that knows tower-lsp and the protocol types.
//!
//! Invariants:
//! - every `didChange` is applied synchronously, before the handler's first `.await`, because
//!   tower-lsp runs up to four handlers at once and a later request must see the edit;
//! - analysis never runs on the protocol loop: handlers take an immutable [`Document`]
//!   snapshot and run the analysis on a blocking thread, inside `catch_unwind`, so a panic
//!   answers that one request with an error and the server goes on;
//! - every handler reads the same: convert the input (`from_proto`), run the analysis, convert
//!   the result ([`convert`]);
//! - diagnostics are published per file as the static set (the lints) merged with a runtime
//!   set (errors reported by a running game), so both sources can update independently;
//! - full trees exist only for open documents; the [`Workspace`] keeps summaries.

pub mod convert;
pub mod documents;
pub mod live;
mod scene;

use crate::analysis::workspace::{self, Workspace};
use crate::analysis::{self, Encoding};
use crescent_api::Api;
use documents::Document;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tower_lsp::jsonrpc::{Error as RpcError, Result as RpcResult};
use tower_lsp::lsp_types as lsp;
use tower_lsp::lsp_types::{notification, request};
use tower_lsp::{Client, ClientSocket, LanguageServer, LspService};

/// Largest file read from disk for a request on a closed document.
const MAX_DISK_FILE: u64 = 32 << 20;
/// Most diagnostics published for one file.
const MAX_DIAGNOSTICS: usize = 1000;
/// Most results of a workspace symbol search.
const MAX_SYMBOLS: usize = 1000;

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// Everything the server knows, shared by its handlers.
struct State {
    docs: RwLock<HashMap<lsp::Url, Arc<Document>>>,
    /// Completion, hover and signature help requests being answered ([`AtPlace`]).
    at_place: std::sync::atomic::AtomicUsize,
    /// Woken when the last of them is answered.
    at_place_done: tokio::sync::Notify,
    workspace: RwLock<Workspace>,
    /// The API analyses use: the project's, with the types the workspace's files declare.
    api: RwLock<Arc<Api>>,
    /// The project's API (built in, plus `.crescent/api.json` or the running game's).
    project_api: RwLock<Arc<Api>>,
    /// The workspace types `api` was made with.
    api_classes: RwLock<Arc<Vec<analysis::classes::Class>>>,
    encoding: RwLock<Option<Encoding>>,
    /// Diagnostics reported by a running game, per file; merged with the static ones.
    runtime: RwLock<HashMap<lsp::Url, Vec<lsp::Diagnostic>>>,
    progress_supported: RwLock<bool>,
    watch_supported: RwLock<bool>,
    /// Whether the client takes `workspace/codeLens/refresh`.
    lens_refresh_supported: RwLock<bool>,
    /// The running games' recent live samples, per project root (see `live.rs`).
    live_stats: RwLock<HashMap<PathBuf, live::StatsWindow>>,
}

/// The language server.
pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// Builds the service for `tower_lsp::Server`.
pub fn service() -> (LspService<Backend>, ClientSocket) {
    LspService::new(|client| Backend {
        client,
        state: Arc::new(State {
            docs: RwLock::default(),
            at_place: Default::default(),
            at_place_done: tokio::sync::Notify::new(),
            workspace: RwLock::default(),
            api: RwLock::new(Arc::new(crescent_api::builtin())),
            project_api: RwLock::new(Arc::new(crescent_api::builtin())),
            api_classes: RwLock::default(),
            encoding: RwLock::default(),
            runtime: RwLock::default(),
            progress_supported: RwLock::default(),
            watch_supported: RwLock::default(),
            lens_refresh_supported: RwLock::default(),
            live_stats: RwLock::default(),
        }),
    })
}

/// How long a document must go unchanged before its diagnostics are made: the keystrokes of a
/// word come closer together than this, and the completion request an editor sends with a
/// keystroke arrives well within it.
const DIAGNOSTICS_SETTLE: std::time::Duration = std::time::Duration::from_millis(3);
/// The longest the diagnostics of a version wait for requests at a place to be answered.
const DIAGNOSTICS_WAIT_MAX: std::time::Duration = std::time::Duration::from_millis(250);

/// A completion, hover or signature help request being answered. Diagnostics wait for these
/// (`Backend::spawn_publish`): on a large file, a whole-file model and every lint running
/// beside a completion made it three times slower (memory and caches are shared even where
/// cores are not).
struct AtPlace(Arc<State>);

impl AtPlace {
    fn new(state: &Arc<State>) -> AtPlace {
        state
            .at_place
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        AtPlace(state.clone())
    }
}

impl Drop for AtPlace {
    fn drop(&mut self) {
        let left = self
            .0
            .at_place
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        if left == 1 {
            self.0.at_place_done.notify_waiters();
        }
    }
}

/// Runs `f` on a blocking thread, answering a panic with an internal error.
async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> RpcResult<T> {
    let joined = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
    })
    .await;
    match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let mut e = RpcError::internal_error();
            e.message = format!("internal error in crescent-lsp: {what}").into();
            Err(e)
        }
        Err(_) => Err(RpcError::internal_error()),
    }
}

fn path_of(uri: &lsp::Url) -> Option<PathBuf> {
    (uri.scheme() == "file")
        .then(|| uri.to_file_path().ok())
        .flatten()
}

fn is_api_json(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "api.json")
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == ".crescent")
}

impl Backend {
    fn encoding(&self) -> Encoding {
        read(&self.state.encoding).unwrap_or(Encoding::Utf16)
    }

    fn api(&self) -> Arc<Api> {
        read(&self.state.api).clone()
    }

    /// The workspace facts as they are now; later changes make a new `Arc`.
    fn facts(&self) -> Arc<analysis::WorkspaceFacts> {
        read(&self.state.workspace).facts.clone()
    }

    /// The open document, or the file read from disk when it is closed.
    fn snapshot(&self, uri: &lsp::Url) -> Option<Arc<Document>> {
        if let Some(doc) = read(&self.state.docs).get(uri) {
            return Some(doc.clone());
        }
        let path = path_of(uri)?;
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_DISK_FILE {
            return None;
        }
        let text = workspace::read_text(&path)?;
        Some(Arc::new(Document::new(0, text, self.api())))
    }

    /// Publishes the diagnostics of closed project scripts (what `crescent check` says of
    /// them), read from disk off the loop: every script of the workspace has its findings in
    /// the editor's problem list, open or not. Files outside a project (no `scene.json` above
    /// them) are left alone; a file opened meanwhile is skipped (its own publish wins).
    async fn publish_closed(&self, paths: Vec<PathBuf>) {
        let open: HashSet<PathBuf> = read(&self.state.docs).keys().filter_map(path_of).collect();
        let paths: Vec<PathBuf> = paths.into_iter().filter(|p| !open.contains(p)).collect();
        if paths.is_empty() {
            return;
        }
        let api = self.api();
        let facts = self.facts();
        let enc = self.encoding();
        let found = run(move || {
            paths
                .into_iter()
                .filter(|p| {
                    p.ancestors()
                        .skip(1)
                        .any(|d| d.join("scene.json").is_file())
                })
                .filter_map(|path| {
                    let uri = lsp::Url::from_file_path(&path).ok()?;
                    let len = std::fs::metadata(&path).ok()?.len();
                    let diags = match workspace::read_text(&path) {
                        Some(text) if len <= MAX_DISK_FILE => {
                            let doc = Document::new(0, text, api.clone());
                            let file = doc.analysis();
                            analysis::diagnostics::diagnostics(&doc.text, &file, &doc.api, &facts)
                                .iter()
                                .take(MAX_DIAGNOSTICS)
                                .map(|d| convert::diagnostic(&doc, d, enc))
                                .collect()
                        }
                        _ => Vec::new(),
                    };
                    Some((uri, diags))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for (uri, mut diags) in found {
            if read(&self.state.docs).contains_key(&uri) {
                continue;
            }
            if let Some(runtime) = read(&self.state.runtime).get(&uri) {
                diags.extend(runtime.iter().cloned());
            }
            self.client.publish_diagnostics(uri, diags, None).await;
        }
    }

    /// The files that can name `module`'s exports: the module's own file and every file that
    /// requires it, each as the open document or `None` (to be read from disk).
    fn export_files(&self, module: &str) -> Vec<(PathBuf, Option<Arc<Document>>)> {
        let ws = read(&self.state.workspace);
        let docs = read(&self.state.docs);
        let own = ws.module_path(module);
        let mut paths: Vec<PathBuf> = ws
            .summaries
            .iter()
            .filter(|(p, s)| Some(*p) == own.as_ref() || s.requires.iter().any(|r| r == module))
            .map(|(p, _)| p.clone())
            .collect();
        // Open documents the index has not summarized yet still count.
        for (uri, doc) in docs.iter() {
            if let Some(p) = path_of(uri) {
                if !paths.contains(&p) && doc.text.contains(module) {
                    paths.push(p);
                }
            }
        }
        paths.sort();
        paths
            .into_iter()
            .map(|p| {
                let doc = lsp::Url::from_file_path(&p)
                    .ok()
                    .and_then(|u| docs.get(&u).cloned());
                (p, doc)
            })
            .collect()
    }

    /// Analyzes the current version of `uri` off the loop and publishes its diagnostics,
    /// unless a newer version arrived meanwhile.
    async fn publish(&self, uri: lsp::Url) {
        let Some(doc) = read(&self.state.docs).get(&uri).cloned() else {
            return;
        };
        let facts = self.facts();
        let enc = self.encoding();
        let (state, uri_now, version) = (self.state.clone(), uri.clone(), doc.version);
        // A newer version makes this one's diagnostics moot: skip the work (on a large file,
        // milliseconds for every keystroke typed while it ran).
        let current = move || read(&state.docs).get(&uri_now).map(|d| d.version) == Some(version);
        let snapshot = doc.clone();
        let result = run(move || {
            if !current() {
                return None;
            }
            let file = snapshot.analysis();
            if !current() {
                return None;
            }
            let mut diags =
                analysis::diagnostics::diagnostics(&snapshot.text, &file, &snapshot.api, &facts);
            // Past the cap, keep the most severe findings.
            if diags.len() > MAX_DIAGNOSTICS {
                diags.sort_by_key(|d| d.severity);
                diags.truncate(MAX_DIAGNOSTICS);
                diags.sort_by_key(|d| (d.span.start, d.span.end));
            }
            let protos: Vec<lsp::Diagnostic> = diags
                .iter()
                .take(MAX_DIAGNOSTICS)
                .map(|d| convert::diagnostic(&snapshot, d, enc))
                .collect();
            // The document read its declared types when it was made.
            let summary = analysis::summary::summarize(
                &snapshot.text,
                &file,
                &snapshot.line_index,
                (*snapshot.classes).clone(),
            );
            Some((protos, summary))
        })
        .await;
        let Ok(Some((mut diags, summary))) = result else {
            return;
        };
        let current = read(&self.state.docs).get(&uri).map(|d| d.version);
        if current != Some(doc.version) {
            return;
        }
        if let Some(path) = path_of(&uri) {
            let before = self.facts();
            write(&self.state.workspace).update(path, summary);
            let after = self.facts();
            if !Arc::ptr_eq(&before.classes, &after.classes) {
                self.sync_classes();
            }
            if !Arc::ptr_eq(&before, &after) && before.script_components != after.script_components
            {
                // Another open file may now know (or no longer know) a component.
                self.republish_others(&uri);
            }
        }
        if let Some(runtime) = read(&self.state.runtime).get(&uri) {
            diags.extend(runtime.iter().cloned());
        }
        self.client
            .publish_diagnostics(uri, diags, Some(doc.version))
            .await;
    }

    /// Publishes in the background, so a burst of edits never queues behind analysis.
    /// Publishes the diagnostics of `uri` once it has settled ([`DIAGNOSTICS_SETTLE`]) and no
    /// request at a place is being answered (for at most [`DIAGNOSTICS_WAIT_MAX`]); a version
    /// replaced meanwhile publishes nothing.
    fn spawn_publish(&self, uri: lsp::Url) {
        let this = self.clone_handle();
        let version = read(&self.state.docs).get(&uri).map(|d| d.version);
        tokio::spawn(async move {
            let state = this.state.clone();
            let replaced = || read(&state.docs).get(&uri).map(|d| d.version) != version;
            let deadline = tokio::time::Instant::now() + DIAGNOSTICS_WAIT_MAX;
            loop {
                // Settled: unchanged for a moment (an edit often follows the answer to a
                // request at once), and nothing at a place to answer.
                tokio::time::sleep(DIAGNOSTICS_SETTLE).await;
                if replaced() {
                    return;
                }
                let done = state.at_place_done.notified();
                if state.at_place.load(std::sync::atomic::Ordering::SeqCst) == 0
                    || tokio::time::Instant::now() >= deadline
                {
                    break;
                }
                let _ = tokio::time::timeout_at(deadline, done).await;
            }
            this.publish(uri).await
        });
    }

    fn republish_others(&self, except: &lsp::Url) {
        let uris: Vec<lsp::Url> = read(&self.state.docs)
            .keys()
            .filter(|u| *u != except)
            .cloned()
            .collect();
        for uri in uris {
            let this = self.clone_handle();
            tokio::spawn(async move { this.publish(uri).await });
        }
    }

    fn republish_all(&self) {
        let uris: Vec<lsp::Url> = read(&self.state.docs).keys().cloned().collect();
        for uri in uris {
            let this = self.clone_handle();
            tokio::spawn(async move { this.publish(uri).await });
        }
    }

    fn clone_handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: self.state.clone(),
        }
    }

    /// Reloads `.crescent/api.json` of every root and re-analyzes the open documents.
    async fn reload_api(&self) {
        let roots = read(&self.state.workspace).roots.clone();
        let (api, errors) = workspace::load_api(&roots);
        for e in errors {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("ignoring the workspace API description: {e}"),
                )
                .await;
        }
        self.set_api(Arc::new(api));
    }

    /// Indexes the workspace folders, reporting `$/progress`.
    async fn index_workspace(&self) {
        let roots = read(&self.state.workspace).roots.clone();
        let token = lsp::NumberOrString::String("crescent/index".into());
        let progress = *read(&self.state.progress_supported)
            && self
                .client
                .send_request::<request::WorkDoneProgressCreate>(
                    lsp::WorkDoneProgressCreateParams {
                        token: token.clone(),
                    },
                )
                .await
                .is_ok();
        let send = |value: lsp::WorkDoneProgress| {
            let client = self.client.clone();
            let token = token.clone();
            async move {
                if progress {
                    client
                        .send_notification::<notification::Progress>(lsp::ProgressParams {
                            token,
                            value: lsp::ProgressParamsValue::WorkDone(value),
                        })
                        .await;
                }
            }
        };
        send(lsp::WorkDoneProgress::Begin(lsp::WorkDoneProgressBegin {
            title: "Indexing Lua scripts".into(),
            cancellable: Some(false),
            message: None,
            percentage: Some(0),
        }))
        .await;
        let api = self.api();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let job = tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            let mut assets = std::collections::BTreeSet::new();
            let mut scenes = Vec::new();
            for root in &roots {
                let found = workspace::scan(root);
                files.extend(found.lua);
                assets.extend(found.assets);
                scenes.extend(found.scenes.into_iter().map(|p| {
                    let names = workspace::read_text(&p)
                        .map(|t| analysis::scene::component_names(&t))
                        .unwrap_or_default();
                    (p, names)
                }));
            }
            let summaries = workspace::index(files, api, |done, total| {
                let _ = tx.send((done, total));
            });
            (summaries, assets, scenes)
        });
        let mut last_pct = 0;
        while let Some((done, total)) = rx.recv().await {
            let pct = (done * 100).checked_div(total).unwrap_or(100) as u32;
            if pct != last_pct {
                last_pct = pct;
                send(lsp::WorkDoneProgress::Report(lsp::WorkDoneProgressReport {
                    cancellable: Some(false),
                    message: Some(format!("{done}/{total} files")),
                    percentage: Some(pct),
                }))
                .await;
            }
        }
        let count = match job.await {
            Ok((summaries, assets, scenes)) => {
                let count = summaries.len();
                let mut ws = write(&self.state.workspace);
                for (path, s) in summaries {
                    // Open documents already have fresher summaries.
                    ws.summaries.entry(path).or_insert(s);
                }
                ws.assets = assets;
                ws.scene_components = scenes.into_iter().collect();
                ws.refresh_facts();
                drop(ws);
                self.sync_classes();
                count
            }
            Err(_) => 0,
        };
        send(lsp::WorkDoneProgress::End(lsp::WorkDoneProgressEnd {
            message: Some(format!("indexed {count} files")),
        }))
        .await;
        self.client
            .log_message(
                lsp::MessageType::INFO,
                format!("crescent-lsp: indexed {count} Lua files"),
            )
            .await;
        self.republish_all();
        self.publish_scenes().await;
        let all: Vec<PathBuf> = read(&self.state.workspace)
            .summaries
            .keys()
            .cloned()
            .collect();
        self.publish_closed(all).await;
    }

    async fn register_watchers(&self) {
        if !*read(&self.state.watch_supported) {
            return;
        }
        let watchers = [
            "**/*.lua",
            "**/.crescent/api.json",
            "**/assets/**",
            "**/scene.json",
        ]
        .iter()
        .map(|g| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "crescent-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("file watching unavailable: {e}"),
                )
                .await;
        }
    }

    /// The module export at `position` of `doc`, if the name there is one.
    async fn export_at(
        &self,
        uri: &lsp::Url,
        doc: &Arc<Document>,
        position: lsp::Position,
    ) -> Option<(String, String)> {
        let enc = self.encoding();
        let this_module = path_of(uri).and_then(|p| workspace::module_name(&p));
        let doc = doc.clone();
        run(move || {
            let offset = doc.offset(position, enc);
            let file = doc.analysis();
            analysis::navigation::export_under(offset, &file, &doc.text, this_module.as_deref())
        })
        .await
        .ok()
        .flatten()
    }

    /// Every place naming `module`'s export `name` across the workspace (its definition when
    /// `include_declaration`), as `(uri, range, is_definition)`, files in path order.
    async fn export_sites(
        &self,
        module: &str,
        name: &str,
        include_declaration: bool,
    ) -> Vec<(lsp::Url, lsp::Range, bool)> {
        let files = self.export_files(module);
        let own = read(&self.state.workspace).module_path(module);
        let api = self.api();
        let enc = self.encoding();
        let (module, name) = (module.to_string(), name.to_string());
        run(move || {
            let mut out = Vec::new();
            for (path, doc) in files {
                let Some(doc) = doc.or_else(|| {
                    workspace::read_text(&path).map(|t| Arc::new(Document::new(0, t, api.clone())))
                }) else {
                    continue;
                };
                let Ok(uri) = lsp::Url::from_file_path(&path) else {
                    continue;
                };
                let file = doc.analysis();
                let mut spans: Vec<(analysis::Span, bool)> =
                    analysis::navigation::export_uses(&file, &module, &name)
                        .into_iter()
                        .map(|s| (s, false))
                        .collect();
                if own.as_ref() == Some(&path) {
                    if let Some((definition, uses)) =
                        analysis::navigation::export_in_module(&file, &doc.text, &name)
                    {
                        if include_declaration {
                            spans.push((definition, true));
                        }
                        spans.extend(uses.into_iter().map(|s| (s, false)));
                    }
                }
                spans.sort_by_key(|(s, _)| s.start);
                spans.dedup_by_key(|(s, _)| s.start);
                for (s, definition) in spans {
                    out.push((uri.clone(), doc.range(s.start, s.end, enc), definition));
                }
            }
            out
        })
        .await
        .unwrap_or_default()
    }

    fn asset_path(&self, path: &Path) -> Option<String> {
        let comps: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        let at = comps.iter().position(|c| c == "assets")?;
        Some(comps[at + 1..].join("/"))
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> RpcResult<lsp::InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&lsp::PositionEncodingKind::UTF8));
        let enc = if offered {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        *write(&self.state.encoding) = Some(enc);
        *write(&self.state.progress_supported) = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        *write(&self.state.watch_supported) = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        *write(&self.state.lens_refresh_supported) = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = params.root_uri.as_ref().and_then(path_of) {
                roots.push(p);
            }
        }
        let (api, errors) = workspace::load_api(&roots);
        for e in errors {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("ignoring the workspace API description: {e}"),
                )
                .await;
        }
        *write(&self.state.project_api) = Arc::new(api.clone());
        *write(&self.state.api) = Arc::new(api);
        write(&self.state.workspace).roots = roots;
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(convert::encoding_kind(enc)),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                },
            )),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(
                    [".", ":", "\"", "'", "/"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..Default::default()
            }),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            signature_help_provider: Some(lsp::SignatureHelpOptions {
                trigger_characters: Some(vec!["(".into(), ",".into()]),
                ..Default::default()
            }),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend: convert::semantic_legend(),
                        full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                        range: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                ),
            ),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
            document_link_provider: Some(lsp::DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: analysis::format::AVAILABLE
                .then_some(lsp::OneOf::Left(true)),
            ..Default::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "crescent-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        self.register_watchers().await;
        self.start_live_links();
        let this = self.clone_handle();
        tokio::spawn(async move { this.index_workspace().await });
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let document = Arc::new(Document::new(doc.version, doc.text, self.api()));
        write(&self.state.docs).insert(doc.uri.clone(), document);
        self.spawn_publish(doc.uri);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        // Applied before any await: a request handled after this notification sees the edit.
        let uri = params.text_document.uri;
        let enc = self.encoding();
        {
            let mut docs = write(&self.state.docs);
            let next = match docs.get(&uri) {
                Some(old) => old.apply(params.text_document.version, &params.content_changes, enc),
                None => {
                    // A change for a document never opened: take a full text if there is one.
                    let Some(full) = params
                        .content_changes
                        .iter()
                        .rev()
                        .find(|c| c.range.is_none())
                    else {
                        return;
                    };
                    Document::new(params.text_document.version, full.text.clone(), self.api())
                }
            };
            docs.insert(uri.clone(), Arc::new(next));
        }
        self.spawn_publish(uri);
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        write(&self.state.docs).remove(&uri);
        // The on-disk text is what the rest of the workspace sees again.
        if let Some(path) = path_of(&uri) {
            let api = self.api();
            let p = path.clone();
            if let Ok(Some(summary)) = run(move || {
                workspace::read_text(&p).map(|t| analysis::summary::summarize_text(&t, &api))
            })
            .await
            {
                write(&self.state.workspace).update(path.clone(), summary);
                self.sync_classes();
            }
            // What the file on disk says, as for every closed script of a project.
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
            self.publish_closed(vec![path]).await;
            return;
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let mut api_changed = false;
        let mut to_summarize = Vec::new();
        let mut gone = Vec::new();
        for change in params.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            if is_api_json(&path) {
                api_changed = true;
                continue;
            }
            let deleted = change.typ == lsp::FileChangeType::DELETED;
            if path.file_name().is_some_and(|n| n == "scene.json") {
                let text = if deleted {
                    None
                } else {
                    workspace::read_text(&path)
                };
                write(&self.state.workspace).set_scene(path.clone(), text.as_deref());
            }
            if let Some(asset) = self.asset_path(&path) {
                let mut ws = write(&self.state.workspace);
                if deleted {
                    ws.assets.remove(&asset);
                } else if path.is_file() {
                    ws.assets.insert(asset);
                }
                ws.refresh_facts();
            }
            if path.extension().is_some_and(|e| e == "lua") {
                if deleted {
                    write(&self.state.workspace).remove(&path);
                    gone.push(change.uri.clone());
                } else if !read(&self.state.docs).contains_key(&change.uri) {
                    to_summarize.push(path);
                }
            }
        }
        let changed_closed = to_summarize.clone();
        if !to_summarize.is_empty() {
            let api = self.api();
            let done = run(move || {
                to_summarize
                    .into_iter()
                    .filter_map(|p| {
                        workspace::read_text(&p)
                            .map(|t| (p, analysis::summary::summarize_text(&t, &api)))
                    })
                    .collect::<Vec<_>>()
            })
            .await;
            if let Ok(done) = done {
                let mut ws = write(&self.state.workspace);
                for (p, s) in done {
                    ws.update(p, s);
                }
            }
        }
        if api_changed {
            self.reload_api().await;
        } else if !self.sync_classes() {
            self.republish_all();
        }
        self.publish_scenes().await;
        self.publish_closed(changed_closed).await;
        for uri in gone {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> RpcResult<Option<lsp::CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(doc) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let facts = self.facts();
        let _first = AtPlace::new(&self.state);
        run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            let c = analysis::completion::completions(&doc.text, offset, &file, &doc.api, &facts);
            let replace = doc.range(c.replace_start, offset, enc);
            let items = c
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| convert::completion_item(it, replace, i))
                .collect();
            // Until the workspace is indexed, a module's exports may still be unknown: the
            // client asks again as the user types instead of filtering an empty list.
            Some(lsp::CompletionResponse::List(lsp::CompletionList {
                is_incomplete: !facts.indexed,
                items,
            }))
        })
        .await
    }

    /// Quick fixes: each finding in the range whose lint knows the fix ("did you mean") offers
    /// to make the change.
    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> RpcResult<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let facts = self.facts();
        let range = params.range;
        run(move || {
            let file = doc.analysis();
            let start = doc.offset(range.start, enc);
            let end = doc.offset(range.end, enc);
            let actions: Vec<lsp::CodeActionOrCommand> =
                analysis::diagnostics::diagnostics(&doc.text, &file, &doc.api, &facts)
                    .iter()
                    .filter(|d| d.span.start <= end && start <= d.span.end)
                    .filter_map(|d| {
                        let fix = d.fix.as_ref()?;
                        let edit = lsp::TextEdit {
                            range: doc.range(d.span.start, d.span.end, enc),
                            new_text: fix.clone(),
                        };
                        Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: format!("Change to `{fix}`"),
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![convert::diagnostic(&doc, d, enc)]),
                            edit: Some(lsp::WorkspaceEdit {
                                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                                ..Default::default()
                            }),
                            is_preferred: Some(true),
                            ..Default::default()
                        }))
                    })
                    .collect();
            Some(actions)
        })
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> RpcResult<Option<Vec<lsp::InlayHint>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let range = params.range;
        run(move || {
            let file = doc.analysis();
            let span =
                analysis::Span::new(doc.offset(range.start, enc), doc.offset(range.end, enc));
            let hints = analysis::inlay::parameter_hints(&file, &doc.text, &doc.api, span)
                .into_iter()
                .map(|h| convert::inlay_hint(&doc, h, enc))
                .collect();
            Some(hints)
        })
        .await
    }

    async fn hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let facts = self.facts();
        let _first = AtPlace::new(&self.state);
        run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            let h = analysis::hover::hover(offset, &file, &doc.api, &facts)?;
            Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(doc.range(h.span.start, h.span.end, enc)),
            })
        })
        .await
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> RpcResult<Option<lsp::SignatureHelp>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let facts = self.facts();
        let _first = AtPlace::new(&self.state);
        run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            let s =
                analysis::signature::signature_help(&doc.text, offset, &file, &doc.api, &facts)?;
            // Parameter offsets are counted in UTF-16 units of the label.
            let units = |b: usize| {
                s.label
                    .get(..b)
                    .map(|t| t.encode_utf16().count() as u32)
                    .unwrap_or(0)
            };
            let parameters = s
                .params
                .iter()
                .map(|(a, b, doc)| lsp::ParameterInformation {
                    label: lsp::ParameterLabel::LabelOffsets([units(*a), units(*b)]),
                    documentation: (!doc.is_empty())
                        .then(|| lsp::Documentation::String(doc.clone())),
                })
                .collect();
            Some(lsp::SignatureHelp {
                signatures: vec![lsp::SignatureInformation {
                    label: s.label.clone(),
                    documentation: Some(lsp::Documentation::MarkupContent(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: s.documentation.clone(),
                    })),
                    parameters: Some(parameters),
                    active_parameter: Some(s.active as u32),
                }],
                active_signature: Some(0),
                active_parameter: Some(s.active as u32),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> RpcResult<Option<lsp::GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri.clone();
        let Some(doc) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let facts = self.facts();
        use analysis::navigation::Definition;
        /// A definition with its range converted against the same snapshot.
        enum Found {
            Here(lsp::Range),
            Elsewhere(PathBuf, lsp::Range),
            Module(String),
        }
        let def = run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            analysis::navigation::definition(offset, &file, &facts).map(|d| match d {
                Definition::Here(s) => Found::Here(doc.range(s.start, s.end, enc)),
                Definition::Export { path, export } => {
                    Found::Elsewhere(path, convert::range(export.name_range.get(enc)))
                }
                Definition::Module(m) => Found::Module(m),
            })
        })
        .await?;
        Ok(match def {
            None => None,
            Some(Found::Here(range)) => Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
                uri,
                range,
            })),
            Some(Found::Elsewhere(path, range)) => lsp::Url::from_file_path(path)
                .ok()
                .map(|uri| lsp::GotoDefinitionResponse::Scalar(lsp::Location { uri, range })),
            Some(Found::Module(module)) => {
                let path = read(&self.state.workspace).module_path(&module);
                path.and_then(|p| lsp::Url::from_file_path(p).ok())
                    .map(|uri| {
                        lsp::GotoDefinitionResponse::Scalar(lsp::Location {
                            uri,
                            range: lsp::Range::default(),
                        })
                    })
            }
        })
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> RpcResult<Option<Vec<lsp::Location>>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri.clone();
        let Some(doc) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let include = params.context.include_declaration;
        if let Some((module, name)) = self.export_at(&uri, &doc, pos.position).await {
            let sites = self.export_sites(&module, &name, include).await;
            return Ok(Some(
                sites
                    .into_iter()
                    .map(|(uri, range, _)| lsp::Location { uri, range })
                    .collect(),
            ));
        }
        run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            let spans = analysis::navigation::references(offset, &file, include);
            Some(
                spans
                    .into_iter()
                    .map(|s| lsp::Location {
                        uri: uri.clone(),
                        range: doc.range(s.start, s.end, enc),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> RpcResult<Option<lsp::PrepareRenameResponse>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        if self
            .export_at(&params.text_document.uri, &doc, params.position)
            .await
            .is_some()
        {
            let d = doc.clone();
            let word = run(move || {
                let offset = d.offset(params.position, enc);
                let file = d.analysis();
                file.model()
                    .occurrence_at(offset)
                    .map(|o| o.span)
                    .or_else(|| analysis::document::word_at(&d.text, offset))
                    .map(|s| d.range(s.start, s.end, enc))
            })
            .await?;
            if let Some(range) = word {
                return Ok(Some(lsp::PrepareRenameResponse::Range(range)));
            }
        }
        let result = run(move || {
            let offset = doc.offset(params.position, enc);
            let file = doc.analysis();
            analysis::navigation::prepare_rename(offset, &file)
                .map(|s| doc.range(s.start, s.end, enc))
        })
        .await?;
        match result {
            Ok(range) => Ok(Some(lsp::PrepareRenameResponse::Range(range))),
            Err(e) => Err(RpcError::invalid_params(e.0)),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> RpcResult<Option<lsp::WorkspaceEdit>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri.clone();
        let Some(doc) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let new_name = params.new_name;
        if let Some((module, name)) = self.export_at(&uri, &doc, pos.position).await {
            if !analysis::navigation::valid_name(&new_name) {
                return Err(RpcError::invalid_params(format!(
                    "`{new_name}` is not a Lua name"
                )));
            }
            let mut changes: HashMap<lsp::Url, Vec<lsp::TextEdit>> = HashMap::new();
            for (uri, range, _) in self.export_sites(&module, &name, true).await {
                changes.entry(uri).or_default().push(lsp::TextEdit {
                    range,
                    new_text: new_name.clone(),
                });
            }
            return Ok(Some(lsp::WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }));
        }
        let result = run(move || {
            let offset = doc.offset(pos.position, enc);
            let file = doc.analysis();
            analysis::navigation::rename(offset, &new_name, &file).map(|edits| {
                edits
                    .into_iter()
                    .map(|(s, text)| lsp::TextEdit {
                        range: doc.range(s.start, s.end, enc),
                        new_text: text,
                    })
                    .collect::<Vec<_>>()
            })
        })
        .await?;
        match result {
            Ok(edits) => Ok(Some(lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri, edits)])),
                ..Default::default()
            })),
            Err(e) => Err(RpcError::invalid_params(e.0)),
        }
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> RpcResult<Option<lsp::SemanticTokensResult>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        run(move || {
            let file = doc.analysis();
            let tokens = analysis::semantic::tokens(&file, &doc.text, &doc.api);
            Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(&doc, &tokens, enc),
            }))
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> RpcResult<Option<Vec<lsp::DocumentHighlight>>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        run(move || {
            let file = doc.analysis();
            let offset = doc.offset(pos.position, enc);
            let found = analysis::document::highlights(offset, &file, &doc.text);
            (!found.is_empty()).then(|| {
                found
                    .into_iter()
                    .map(|h| lsp::DocumentHighlight {
                        range: doc.range(h.span.start, h.span.end, enc),
                        kind: Some(if h.write {
                            lsp::DocumentHighlightKind::WRITE
                        } else {
                            lsp::DocumentHighlightKind::READ
                        }),
                    })
                    .collect()
            })
        })
        .await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> RpcResult<Option<Vec<lsp::SelectionRange>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        run(move || {
            let file = doc.analysis();
            let answers = params
                .positions
                .iter()
                .map(|p| {
                    let spans =
                        analysis::document::selection_ranges(doc.offset(*p, enc), &file, &doc.text);
                    // LSP nests them outermost last: each range's parent is the next one.
                    let mut parent: Option<Box<lsp::SelectionRange>> = None;
                    for s in spans.iter().rev() {
                        parent = Some(Box::new(lsp::SelectionRange {
                            range: doc.range(s.start, s.end, enc),
                            parent,
                        }));
                    }
                    parent.map(|b| *b).unwrap_or(lsp::SelectionRange {
                        range: lsp::Range::new(*p, *p),
                        parent: None,
                    })
                })
                .collect();
            Some(answers)
        })
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> RpcResult<Option<Vec<lsp::FoldingRange>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        run(move || {
            let file = doc.analysis();
            let folds = analysis::document::folding_ranges(&file, &doc.text)
                .into_iter()
                .map(|f| {
                    let start = doc.position(f.start, enc).line;
                    let mut end = doc.position(f.end, enc).line;
                    // A function's `end` stays visible; a comment block folds to its first line.
                    if f.kind == analysis::document::FoldKind::Region {
                        end = end.saturating_sub(1).max(start);
                    }
                    lsp::FoldingRange {
                        start_line: start,
                        end_line: end,
                        kind: Some(match f.kind {
                            analysis::document::FoldKind::Region => lsp::FoldingRangeKind::Region,
                            analysis::document::FoldKind::Comment => lsp::FoldingRangeKind::Comment,
                        }),
                        ..Default::default()
                    }
                })
                .filter(|r| r.end_line > r.start_line)
                .collect();
            Some(folds)
        })
        .await
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> RpcResult<Option<Vec<lsp::DocumentLink>>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let here = path_of(&uri);
        // Module files by name (the analysis that says which are required runs off this task).
        let modules: HashMap<String, PathBuf> = {
            let ws = read(&self.state.workspace);
            let mut paths: Vec<&PathBuf> = ws.summaries.keys().collect();
            paths.sort();
            let mut out = HashMap::new();
            for p in paths {
                if let Some(m) = workspace::module_name(p) {
                    out.entry(m).or_insert_with(|| p.clone());
                }
            }
            out
        };
        run(move || {
            let file = doc.analysis();
            let links = analysis::document::links(&file, &doc.api)
                .into_iter()
                .filter_map(|l| {
                    let target = match &l.target {
                        analysis::document::LinkTarget::Module(m) => modules.get(m)?.clone(),
                        analysis::document::LinkTarget::Asset(a) => {
                            // The nearest folder above the script with this file under assets/.
                            here.as_deref()?
                                .ancestors()
                                .map(|d| d.join("assets").join(a))
                                .find(|p| p.is_file())?
                        }
                    };
                    Some(lsp::DocumentLink {
                        range: doc.range(l.span.start, l.span.end, enc),
                        target: lsp::Url::from_file_path(&target).ok(),
                        tooltip: Some(target.display().to_string()),
                        data: None,
                    })
                })
                .collect();
            Some(links)
        })
        .await
    }

    async fn code_lens(
        &self,
        params: lsp::CodeLensParams,
    ) -> RpcResult<Option<Vec<lsp::CodeLens>>> {
        Ok(self.live_lenses(&params.text_document.uri))
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> RpcResult<Option<lsp::DocumentSymbolResponse>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        run(move || {
            let file = doc.analysis();
            #[allow(deprecated)]
            let symbols = analysis::symbols::document_symbols(&file)
                .into_iter()
                .map(|s| lsp::DocumentSymbol {
                    name: s.name,
                    detail: s.detail,
                    kind: convert::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    range: doc.range(s.span.start, s.span.end, enc),
                    selection_range: doc.range(s.name_span.start, s.name_span.end, enc),
                    children: None,
                })
                .collect();
            Some(lsp::DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> RpcResult<Option<Vec<lsp::SymbolInformation>>> {
        let query = params.query.to_lowercase();
        let enc = self.encoding();
        let mut out = Vec::new();
        let ws = read(&self.state.workspace);
        let mut paths: Vec<&PathBuf> = ws.summaries.keys().collect();
        paths.sort();
        'files: for path in paths {
            let Some(summary) = ws.summaries.get(path) else {
                continue;
            };
            let Ok(uri) = lsp::Url::from_file_path(path) else {
                continue;
            };
            for s in &summary.symbols {
                let mut name = s.name.to_lowercase().into_bytes().into_iter();
                if !query.bytes().all(|c| name.any(|n| n == c)) {
                    continue;
                }
                #[allow(deprecated)]
                out.push(lsp::SymbolInformation {
                    name: s.name.clone(),
                    kind: convert::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: lsp::Location {
                        uri: uri.clone(),
                        range: convert::range(s.name_range.get(enc)),
                    },
                    container_name: path.file_name().map(|n| n.to_string_lossy().to_string()),
                });
                if out.len() >= MAX_SYMBOLS {
                    break 'files;
                }
            }
        }
        Ok(Some(out))
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> RpcResult<Option<Vec<lsp::TextEdit>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let options = analysis::format::Options {
            indent_width: params.options.tab_size as usize,
            use_tabs: !params.options.insert_spaces,
        };
        let result = run(move || {
            analysis::format::format(&doc.text, &options).map(|formatted| {
                (formatted != *doc.text).then(|| {
                    vec![lsp::TextEdit {
                        range: doc.range(0, doc.text.len(), enc),
                        new_text: formatted,
                    }]
                })
            })
        })
        .await?;
        match result {
            Ok(edits) => Ok(Some(edits.unwrap_or_default())),
            Err(e) => Err(RpcError::invalid_params(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_the_analysis_answers_that_request_with_an_error() {
        let answer: RpcResult<()> = run(|| panic!("the analysis tripped")).await;
        let error = answer.expect_err("a panic becomes an error answer");
        assert_eq!(error.code, tower_lsp::jsonrpc::ErrorCode::InternalError);
        assert_eq!(
            error.message,
            "internal error in crescent-lsp: the analysis tripped"
        );
        let formatted: RpcResult<usize> = run(|| panic!("{} went wrong", "this")).await;
        assert!(formatted
            .expect_err("an error")
            .message
            .ends_with("this went wrong"));
        // The next request is served as usual.
        assert_eq!(run(|| 42).await.expect("a normal answer"), 42);
    }
}
