//! The server's global state, shared by every handler ([`State`]), and what the handlers do
//! with it beyond one request: snapshots of documents, publishing diagnostics, indexing the
//! workspace, watching files, the API the analyses use.
//!
//! One [`State`] holds it all, behind a lock per part that changes on its own: the open
//! documents, the workspace index, the APIs (replaced together), the running game's
//! diagnostics and live samples; what the client supports is set once. When two are held at
//! once, `workspace` is taken before `docs`, and the others alone; no guard lives across an
//! `.await` (the handlers' futures must be `Send`, so the compiler checks that one).

use super::*;

/// Everything the server knows, shared by its handlers.
pub(super) struct State {
    pub(super) docs: RwLock<HashMap<lsp::Url, Arc<Document>>>,
    /// Completion, hover and signature help requests being answered ([`AtPlace`]).
    pub(super) at_place: std::sync::atomic::AtomicUsize,
    /// Woken when the last of them is answered.
    pub(super) at_place_done: tokio::sync::Notify,
    pub(super) workspace: RwLock<Workspace>,
    /// The APIs, replaced together.
    pub(super) apis: RwLock<Apis>,
    /// What the client said it supports, set once by `initialize`.
    pub(super) client: std::sync::OnceLock<ClientCaps>,
    /// Diagnostics reported by a running game, per file; merged with the static ones.
    pub(super) runtime: RwLock<HashMap<lsp::Url, Vec<lsp::Diagnostic>>>,
    /// The running games' recent live samples, per project root (see `live.rs`).
    pub(super) live_stats: RwLock<HashMap<PathBuf, live::StatsWindow>>,
}

/// The API analyses use and what it is made of.
#[derive(Clone)]
pub(super) struct Apis {
    /// The API analyses use: `project` with the types the workspace's files declare.
    pub(super) analysis: Arc<Api>,
    /// The project's API (built in, plus `.crescent/api.json` or the running game's).
    pub(super) project: Arc<Api>,
    /// The workspace types `analysis` was made with.
    pub(super) classes: Arc<Vec<analysis::classes::Class>>,
}

impl Default for Apis {
    fn default() -> Apis {
        let builtin = Arc::new(crescent_api::builtin());
        Apis {
            analysis: builtin.clone(),
            project: builtin,
            classes: Arc::default(),
        }
    }
}

/// What the client supports, from its `initialize` request.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClientCaps {
    /// The position encoding agreed on.
    pub(super) encoding: Encoding,
    /// `window/workDoneProgress`.
    pub(super) progress: bool,
    /// Dynamic registration of `workspace/didChangeWatchedFiles`.
    pub(super) watch: bool,
    /// `workspace/codeLens/refresh`.
    pub(super) lens_refresh: bool,
}

/// Before `initialize` (or without it): what every client supports.
impl Default for ClientCaps {
    fn default() -> ClientCaps {
        ClientCaps {
            encoding: Encoding::Utf16,
            progress: false,
            watch: false,
            lens_refresh: false,
        }
    }
}

/// A completion, hover or signature help request being answered. Diagnostics wait for these
/// (`Backend::spawn_publish`): on a large file, a whole-file model and every lint running
/// beside a completion made it three times slower (memory and caches are shared even where
/// cores are not).
pub(super) struct AtPlace(Arc<State>);

impl AtPlace {
    pub(super) fn new(state: &Arc<State>) -> AtPlace {
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

impl Backend {
    /// What the client supports.
    pub(super) fn caps(&self) -> ClientCaps {
        self.state.client.get().copied().unwrap_or_default()
    }

    pub(super) fn encoding(&self) -> Encoding {
        self.caps().encoding
    }

    pub(super) fn api(&self) -> Arc<Api> {
        read(&self.state.apis).analysis.clone()
    }

    /// The workspace facts as they are now; later changes make a new `Arc`.
    pub(super) fn facts(&self) -> Arc<analysis::WorkspaceFacts> {
        read(&self.state.workspace).facts.clone()
    }

    /// The open document, or the file read from disk when it is closed.
    pub(super) fn snapshot(&self, uri: &lsp::Url) -> Option<Arc<Document>> {
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
    pub(super) async fn publish_closed(&self, paths: Vec<PathBuf>) {
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
    pub(super) fn export_files(&self, module: &str) -> Vec<(PathBuf, Option<Arc<Document>>)> {
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
    pub(super) async fn publish(&self, uri: lsp::Url) {
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
    pub(super) fn spawn_publish(&self, uri: lsp::Url) {
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

    pub(super) fn republish_others(&self, except: &lsp::Url) {
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

    pub(super) fn republish_all(&self) {
        let uris: Vec<lsp::Url> = read(&self.state.docs).keys().cloned().collect();
        for uri in uris {
            let this = self.clone_handle();
            tokio::spawn(async move { this.publish(uri).await });
        }
    }

    pub(super) fn clone_handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: self.state.clone(),
        }
    }

    /// Reloads `.crescent/api.json` of every root and re-analyzes the open documents.
    pub(super) async fn reload_api(&self) {
        let roots = read(&self.state.workspace).roots.clone();
        let api = self.load_api(&roots).await;
        self.set_api(Arc::new(api));
    }

    /// The project API of `roots` (`.crescent/api.json`), with what could not be read logged
    /// to the client.
    pub(super) async fn load_api(&self, roots: &[PathBuf]) -> Api {
        let (api, errors) = workspace::load_api(roots);
        for e in errors {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("ignoring the workspace API description: {e}"),
                )
                .await;
        }
        api
    }

    /// Indexes the workspace folders, reporting `$/progress`.
    pub(super) async fn index_workspace(&self) {
        let roots = read(&self.state.workspace).roots.clone();
        let token = lsp::NumberOrString::String("crescent/index".into());
        let progress = self.caps().progress
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

    pub(super) async fn register_watchers(&self) {
        if !self.caps().watch {
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
    pub(super) async fn export_at(
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
    pub(super) async fn export_sites(
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

    pub(super) fn asset_path(&self, path: &Path) -> Option<String> {
        let comps: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        let at = comps.iter().position(|c| c == "assets")?;
        Some(comps[at + 1..].join("/"))
    }
}
