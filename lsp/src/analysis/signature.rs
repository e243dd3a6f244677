//! Signature help: the engine function whose argument list holds the cursor.

use super::completion::{enclosing_call, function_doc};
use super::FileAnalysis;
use crescent_api::Api;

/// One signature with its parameters, for the editor's popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHelp {
    /// The full signature (`world.spawn(components: ..., scripts?: ...) -> Entity`).
    pub label: String,
    /// Markdown documentation.
    pub documentation: String,
    /// Each parameter's byte range inside `label`, with its doc.
    pub params: Vec<(usize, usize, String)>,
    /// Index of the parameter under the cursor.
    pub active: usize,
}

/// Signature help at byte `offset`.
pub fn signature_help(
    text: &str,
    offset: usize,
    file: &FileAnalysis,
    api: &Api,
) -> Option<SignatureHelp> {
    let (call, callee) = enclosing_call(text, offset, file, api)?;
    let f = callee.function(api)?;
    let prefix = match &callee {
        super::model::Callee::Global(_) => String::new(),
        super::model::Callee::Namespace(ns, _) => format!("{ns}."),
        super::model::Callee::Method(t, _) => format!("{t}:"),
    };
    let mut label = format!("{prefix}{}(", f.name);
    let mut params = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len();
        label.push_str(&p.label());
        params.push((start, label.len(), p.doc.clone()));
    }
    label.push(')');
    if !f.returns.is_empty() {
        let rets: Vec<&str> = f.returns.iter().map(|r| r.ty.as_str()).collect();
        label.push_str(&format!(" -> {}", rets.join(", ")));
    }
    let last = f.params.len().saturating_sub(1);
    let variadic = f.params.last().is_some_and(|p| p.name == "...");
    let active = if variadic {
        call.arg_index.min(last)
    } else {
        call.arg_index
    };
    Some(SignatureHelp {
        label,
        documentation: function_doc(f),
        params,
        active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(fixture: &str) -> Option<SignatureHelp> {
        let offset = fixture.find("$0").expect("fixture has $0");
        let text = fixture.replace("$0", "");
        let api = crescent_api::builtin();
        let file = super::super::analyze(&text, &api);
        signature_help(&text, offset, &file, &api)
    }

    #[test]
    fn active_parameter_follows_commas() {
        let h = at("world.spawn({ Transform = {} }, $0").expect("help");
        assert_eq!(
            h.label,
            "world.spawn(components: table<string, any>, scripts?: (string|table)[]) -> Entity"
        );
        assert_eq!(h.active, 1);
        let (s, e, _) = &h.params[1];
        assert_eq!(&h.label[*s..*e], "scripts?: (string|table)[]");
    }

    #[test]
    fn methods_and_variadics() {
        let h = at("function init(self)\n  self.entity:set(\"Name\", $0\nend").expect("help");
        assert!(h.label.starts_with("Entity:set("), "{}", h.label);
        assert_eq!(h.active, 1);
        let h = at("log.info(1, 2, 3, $0").expect("help");
        assert_eq!(h.active, 0);
        assert!(at("print$0").is_none());
    }
}
