//! Notification handlers: the document lifecycle (`didOpen`, `didChange`, `didClose`), file
//! watching and `initialized`. `didChange` is applied before its first `.await`, so a request
//! handled after it sees the edit.

use super::*;

impl Backend {
    pub(super) async fn on_initialized(&self, _params: lsp::InitializedParams) {
        self.register_watchers().await;
        self.start_live_links();
        let this = self.clone_handle();
        tokio::spawn(async move { this.index_workspace().await });
    }

    pub(super) async fn on_did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let document = Arc::new(Document::new(doc.version, doc.text, self.api()));
        write(&self.state.docs).insert(doc.uri.clone(), document);
        self.spawn_publish(doc.uri);
    }

    pub(super) async fn on_did_change(&self, params: lsp::DidChangeTextDocumentParams) {
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

    pub(super) async fn on_did_close(&self, params: lsp::DidCloseTextDocumentParams) {
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

    pub(super) async fn on_did_change_watched_files(
        &self,
        params: lsp::DidChangeWatchedFilesParams,
    ) {
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
}
