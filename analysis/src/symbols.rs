//! Document symbols: functions, top-level locals and `self` fields of a file.

use super::model::{LocalKind, Span};
use super::FileAnalysis;

/// What a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SymbolKind {
    /// A function (global, local or table member).
    Function,
    /// A method (`function t:m()`).
    Method,
    /// A top-level local or global variable.
    Variable,
    /// A field of the script's `self`.
    Field,
}

/// A named thing in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Written name (`update`, `M.helper`, `self.speed`).
    pub name: String,
    /// Kind of symbol.
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// The name inside it.
    pub name_span: Span,
    /// Signature or short description.
    pub detail: Option<String>,
}

/// The symbols of a file, in source order.
pub fn document_symbols(file: &FileAnalysis) -> Vec<Symbol> {
    let model = &file.model();
    let mut out = Vec::new();
    for f in &model.functions {
        out.push(Symbol {
            name: f.name.clone(),
            kind: if f.method {
                SymbolKind::Method
            } else {
                SymbolKind::Function
            },
            span: f.span,
            name_span: f.name_span,
            detail: Some(format!("({})", f.params.join(", "))),
        });
    }
    for l in &model.locals {
        if l.kind == LocalKind::Local && !model.in_function(l.decl.start) {
            out.push(Symbol {
                name: l.name.clone(),
                kind: SymbolKind::Variable,
                span: l.decl,
                name_span: l.decl,
                detail: l.init.clone(),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (name, span) in &model.global_writes {
        let is_function = model.functions.iter().any(|f| &f.name == name);
        if !is_function && !model.in_function(span.start) && seen.insert(name.clone()) {
            out.push(Symbol {
                name: name.clone(),
                kind: SymbolKind::Variable,
                span: *span,
                name_span: *span,
                detail: Some("global".into()),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for f in &model.self_fields {
        if seen.insert(f.name.clone()) {
            out.push(Symbol {
                name: format!("self.{}", f.name),
                kind: SymbolKind::Field,
                span: f.span,
                name_span: f.span,
                detail: None,
            });
        }
    }
    out.sort_by_key(|s| s.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_survive_a_broken_line() {
        let text = "local speed = 2\nfunction init(self)\n  self.hp = 3\nend\nlocal x = = 1\nfunction M:jump() end\nfunction update(self, dt) end\n";
        let api = crescent_api::builtin();
        let file = super::super::analyze(text, &api);
        let names: Vec<String> = document_symbols(&file)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert!(names.contains(&"speed".to_string()), "{names:?}");
        assert!(names.contains(&"init".to_string()), "{names:?}");
        assert!(names.contains(&"self.hp".to_string()), "{names:?}");
        assert!(names.contains(&"update".to_string()), "{names:?}");
    }
}
