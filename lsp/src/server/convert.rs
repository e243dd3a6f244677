//! Conversions from analysis results to protocol types (`to_proto`).

use super::documents::Document;
use crate::analysis::completion::{CompletionItem, ItemKind};
use crate::analysis::diagnostics::{Diagnostic, Severity};
use crate::analysis::symbols::SymbolKind;
use crate::analysis::{Encoding, LineCol};
use tower_lsp::lsp_types as lsp;

/// A range of a closed file (positions already in the client's encoding) in protocol form.
pub fn range((start, end): (LineCol, LineCol)) -> lsp::Range {
    lsp::Range::new(
        lsp::Position::new(start.line, start.col),
        lsp::Position::new(end.line, end.col),
    )
}

/// A diagnostic in protocol form.
pub fn diagnostic(doc: &Document, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: doc.range(d.span.start, d.span.end, enc),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
            Severity::Hint => lsp::DiagnosticSeverity::HINT,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("crescent-lsp".into()),
        message: d.message.clone(),
        tags: d.unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..Default::default()
    }
}

/// A completion item in protocol form, replacing `replace` (the word being typed).
pub fn completion_item(
    it: &CompletionItem,
    replace: lsp::Range,
    sort: usize,
) -> lsp::CompletionItem {
    let kind = match it.kind {
        ItemKind::Function => lsp::CompletionItemKind::FUNCTION,
        ItemKind::Method => lsp::CompletionItemKind::METHOD,
        ItemKind::Field => lsp::CompletionItemKind::FIELD,
        ItemKind::Variable => lsp::CompletionItemKind::VARIABLE,
        ItemKind::Module => lsp::CompletionItemKind::MODULE,
        ItemKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        ItemKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ItemKind::File => lsp::CompletionItemKind::FILE,
        ItemKind::Component => lsp::CompletionItemKind::STRUCT,
    };
    let new_text = it.insert_text.clone().unwrap_or_else(|| it.label.clone());
    lsp::CompletionItem {
        label: it.label.clone(),
        kind: Some(kind),
        detail: it.detail.clone(),
        documentation: it.documentation.as_ref().map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: d.clone(),
            })
        }),
        sort_text: Some(format!("{sort:04}")),
        filter_text: Some(it.label.clone()),
        insert_text_format: Some(if it.snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: replace,
            new_text,
        })),
        ..Default::default()
    }
}

/// A symbol kind in protocol form.
pub fn symbol_kind(k: SymbolKind) -> lsp::SymbolKind {
    match k {
        SymbolKind::Function => lsp::SymbolKind::FUNCTION,
        SymbolKind::Method => lsp::SymbolKind::METHOD,
        SymbolKind::Variable => lsp::SymbolKind::VARIABLE,
        SymbolKind::Field => lsp::SymbolKind::FIELD,
    }
}

/// The protocol's name of an encoding.
pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// An inlay hint as LSP sends it: a parameter name before its argument.
pub fn inlay_hint(
    doc: &Document,
    h: crate::analysis::inlay::InlayHint,
    enc: Encoding,
) -> lsp::InlayHint {
    lsp::InlayHint {
        position: doc.position(h.offset, enc),
        label: lsp::InlayHintLabel::String(h.label),
        kind: Some(lsp::InlayHintKind::PARAMETER),
        text_edits: None,
        tooltip: None,
        padding_left: None,
        padding_right: Some(true),
        data: None,
    }
}

/// The token types and modifiers `semantic_tokens` numbers refer to.
pub fn semantic_legend() -> lsp::SemanticTokensLegend {
    use crate::analysis::semantic::{TokenKind, MODIFIERS};
    lsp::SemanticTokensLegend {
        token_types: TokenKind::LEGEND
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t))
            .collect(),
        token_modifiers: MODIFIERS
            .iter()
            .map(|m| lsp::SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Tokens in LSP's relative encoding: each one's line and start as deltas from the previous
/// token, with its length, in the negotiated position encoding.
pub fn semantic_tokens(
    doc: &Document,
    tokens: &[crate::analysis::semantic::Token],
    enc: Encoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0, 0);
    for t in tokens {
        let start = doc.position(t.span.start, enc);
        let end = doc.position(t.span.end, enc);
        if end.line != start.line {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: t.kind.index(),
            token_modifiers_bitset: t.modifiers,
        });
        line = start.line;
        col = start.character;
    }
    out
}
