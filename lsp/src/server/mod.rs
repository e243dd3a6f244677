//! The LSP server layer: the only code that knows tower-lsp and the protocol types.
//!
//! Laid out as rust-analyzer's is: `global_state` (the one `State` every handler shares,
//! and what outlives a request: publishing, indexing, watching, the APIs), `requests` and
//! `notifications` (one handler each; the `LanguageServer` impl below only dispatches to
//! them), [`convert`] (protocol conversions both ways), [`documents`] (open documents and
//! their versions), [`live`] and `scene` (the running game's link, the scene's lints).
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
mod global_state;
pub mod live;
mod notifications;
mod requests;
mod scene;

use global_state::{AtPlace, ClientCaps, State};

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
            apis: RwLock::default(),
            client: std::sync::OnceLock::new(),
            runtime: RwLock::default(),
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

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> RpcResult<lsp::InitializeResult> {
        self.on_initialize(params).await
    }

    async fn initialized(&self, params: lsp::InitializedParams) {
        self.on_initialized(params).await
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.on_shutdown().await
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        self.on_did_open(params).await
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        self.on_did_change(params).await
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.on_did_close(params).await
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.on_did_change_watched_files(params).await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> RpcResult<Option<lsp::CompletionResponse>> {
        self.on_completion(params).await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> RpcResult<Option<lsp::CodeActionResponse>> {
        self.on_code_action(params).await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> RpcResult<Option<Vec<lsp::InlayHint>>> {
        self.on_inlay_hint(params).await
    }

    async fn hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
        self.on_hover(params).await
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> RpcResult<Option<lsp::SignatureHelp>> {
        self.on_signature_help(params).await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> RpcResult<Option<lsp::GotoDefinitionResponse>> {
        self.on_goto_definition(params).await
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> RpcResult<Option<Vec<lsp::Location>>> {
        self.on_references(params).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> RpcResult<Option<lsp::PrepareRenameResponse>> {
        self.on_prepare_rename(params).await
    }

    async fn rename(&self, params: lsp::RenameParams) -> RpcResult<Option<lsp::WorkspaceEdit>> {
        self.on_rename(params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> RpcResult<Option<lsp::SemanticTokensResult>> {
        self.on_semantic_tokens_full(params).await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> RpcResult<Option<Vec<lsp::DocumentHighlight>>> {
        self.on_document_highlight(params).await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> RpcResult<Option<Vec<lsp::SelectionRange>>> {
        self.on_selection_range(params).await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> RpcResult<Option<Vec<lsp::FoldingRange>>> {
        self.on_folding_range(params).await
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> RpcResult<Option<Vec<lsp::DocumentLink>>> {
        self.on_document_link(params).await
    }

    async fn code_lens(
        &self,
        params: lsp::CodeLensParams,
    ) -> RpcResult<Option<Vec<lsp::CodeLens>>> {
        self.on_code_lens(params).await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> RpcResult<Option<lsp::DocumentSymbolResponse>> {
        self.on_document_symbol(params).await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> RpcResult<Option<Vec<lsp::SymbolInformation>>> {
        self.on_symbol(params).await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> RpcResult<Option<Vec<lsp::TextEdit>>> {
        self.on_formatting(params).await
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
