//! Request handlers: each converts its parameters, takes a [`Document`] snapshot, runs the
//! analysis off the protocol loop ([`run`]) and converts the answer ([`convert`]).

use super::*;

impl Backend {
    pub(super) async fn on_initialize(
        &self,
        params: lsp::InitializeParams,
    ) -> RpcResult<lsp::InitializeResult> {
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
        let caps = ClientCaps {
            encoding: enc,
            progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watch: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            lens_refresh: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        };
        // A second `initialize` is a protocol error the client made; the first one's stand.
        let _ = self.state.client.set(caps);
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
        let api = self.load_api(&roots).await;
        {
            let api = Arc::new(api);
            let mut apis = write(&self.state.apis);
            apis.project = api.clone();
            apis.analysis = api;
        }
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

    pub(super) async fn on_shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    pub(super) async fn on_completion(
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

    pub(super) async fn on_code_action(
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

    pub(super) async fn on_inlay_hint(
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

    pub(super) async fn on_hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
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

    pub(super) async fn on_signature_help(
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

    pub(super) async fn on_goto_definition(
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

    pub(super) async fn on_references(
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

    pub(super) async fn on_prepare_rename(
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

    pub(super) async fn on_rename(
        &self,
        params: lsp::RenameParams,
    ) -> RpcResult<Option<lsp::WorkspaceEdit>> {
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

    pub(super) async fn on_semantic_tokens_full(
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

    pub(super) async fn on_document_highlight(
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

    pub(super) async fn on_selection_range(
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

    pub(super) async fn on_folding_range(
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

    pub(super) async fn on_document_link(
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

    pub(super) async fn on_code_lens(
        &self,
        params: lsp::CodeLensParams,
    ) -> RpcResult<Option<Vec<lsp::CodeLens>>> {
        Ok(self.live_lenses(&params.text_document.uri))
    }

    pub(super) async fn on_document_symbol(
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

    pub(super) async fn on_symbol(
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

    pub(super) async fn on_formatting(
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
