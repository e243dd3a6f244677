//! Engine-aware analysis of Lua 5.4 scripts: plain Rust over text and byte offsets.
//!
//! Invariants (the server layer relies on them):
//! - nothing here imports `tower_lsp` or `lsp_types`, and nothing does I/O: the server owns
//!   files and documents and passes text in;
//! - positions are byte offsets; [`LineIndex`] converts them to lines and UTF-8 or UTF-16
//!   columns at the edge;
//! - parsing never fails ([`parse::parse`] returns a tree and errors) and never overflows the
//!   stack; no function here panics on any text;
//! - all engine knowledge comes from the [`crescent_api::Api`] passed in;
//! - full trees are for open documents; the workspace keeps only a [`summary::Summary`] of
//!   the other files and hands what it learns from them to features as [`WorkspaceFacts`].
//!
//! Layout: `parse` (full_moon, nesting guard), `model` (one walk: scopes, locals, engine calls,
//! components), `diagnostics` + `lints/` (one file per lint), `completion` (with a token-level
//! fallback for broken code), `hover`, `signature`, `navigation` (definition, references,
//! rename), `symbols`, `summary`, `format`, `fuzzy`, `line_index`.

pub mod completion;
pub mod context;
pub mod diagnostics;
pub mod format;
pub mod fuzzy;
pub mod hover;
pub mod line_index;
pub mod lints;
pub mod luac;
pub mod model;
pub mod navigation;
pub mod parse;
pub mod signature;
pub mod stdlib;
pub mod summary;
pub mod symbols;

pub use line_index::{Encoding, LineCol, LineIndex};
pub use model::{Model, Span};
pub use parse::Parse;

use crescent_api::Api;
use std::collections::BTreeSet;

/// The parse and model of one file.
#[derive(Debug)]
pub struct FileAnalysis {
    /// The tree and syntax errors.
    pub parse: Parse,
    /// What one walk over the tree learned.
    pub model: Model,
}

/// Parses and models `text`.
pub fn analyze(text: &str, api: &Api) -> FileAnalysis {
    let parse = parse::parse(text);
    let model = Model::build(&parse.ast, text, api);
    FileAnalysis { parse, model }
}

/// When `file` has syntax errors, the analysis of `text` with the line holding `offset` blanked
/// out, if that parses with fewer errors.
///
/// The line being typed is usually the broken one, and full_moon's recovery often drops the
/// whole enclosing function (parameters and body) along with it; blanking the line keeps every
/// offset in place and gives completion and signature help the scopes around the cursor.
pub fn repaired(text: &str, offset: usize, file: &FileAnalysis, api: &Api) -> Option<FileAnalysis> {
    if file.parse.errors.is_empty() {
        return None;
    }
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let mut patched = String::with_capacity(text.len());
    patched.push_str(&text[..start]);
    patched.extend(std::iter::repeat_n(' ', end - start));
    patched.push_str(&text[end..]);
    let fixed = analyze(&patched, api);
    (fixed.parse.errors.len() < file.parse.errors.len()).then_some(fixed)
}

/// What the rest of the workspace contributes to the analysis of one file.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceFacts {
    /// Components some script sets or spawns.
    pub script_components: BTreeSet<String>,
    /// Module names `require` can load (`lib.util`).
    pub modules: BTreeSet<String>,
    /// Files under `assets/`, relative to it.
    pub assets: BTreeSet<String>,
}
