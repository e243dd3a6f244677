//! Signature help: the engine function, or the function of a `require`d module, whose
//! argument list holds the cursor.

use super::completion::{enclosing_call, export_doc, function_doc, Called};
use super::summary::{Export, ExportKind};
use super::{FileAnalysis, WorkspaceFacts};
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
    facts: &WorkspaceFacts,
) -> Option<SignatureHelp> {
    let (call, called) = enclosing_call(text, offset, file, api)?;
    let callee = match called {
        Called::Engine(callee) => callee,
        Called::Export { module, name } => {
            let (_, e) = facts.export(&module, &name)?;
            return export_help(&module, e, call.arg_index);
        }
    };
    let f = callee.function(api)?;
    let prefix = match &callee {
        super::model::Callee::Global(_) => String::new(),
        super::model::Callee::Namespace(ns, _) => format!("{ns}."),
        super::model::Callee::Method(t, _) => format!("{t}:"),
        super::model::Callee::Static(t, _) => format!("{t}."),
    };
    let returns = if f.returns.is_empty() {
        String::new()
    } else {
        let rets: Vec<&str> = f.returns.iter().map(|r| r.ty.as_str()).collect();
        format!(" -> {}", rets.join(", "))
    };
    let params = f
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.label(), p.doc.clone()));
    Some(help(
        format!("{prefix}{}", f.name),
        params,
        &returns,
        function_doc(f),
        call.arg_index,
    ))
}

/// Signature help for a function a module exports.
fn export_help(module: &str, e: &Export, arg_index: usize) -> Option<SignatureHelp> {
    let sep = match e.kind {
        ExportKind::Function => ".",
        ExportKind::Method => ":",
        ExportKind::Value => return None,
    };
    let params = e
        .params
        .iter()
        .map(|p| (p.as_str(), p.clone(), String::new()));
    Some(help(
        format!("{module}{sep}{}", e.name),
        params,
        "",
        export_doc(module, e),
        arg_index,
    ))
}

/// `callee(a, b)` followed by `returns`, with each parameter's (name, label, doc) placed in the
/// label. The parameter under the cursor is the `arg_index`th; past the last one, a variadic
/// last parameter (`...`) stays active.
fn help<'a>(
    callee: String,
    params: impl Iterator<Item = (&'a str, String, String)>,
    returns: &str,
    documentation: String,
    arg_index: usize,
) -> SignatureHelp {
    let mut label = callee;
    label.push('(');
    let mut spans = Vec::new();
    let mut variadic = false;
    for (i, (name, text, doc)) in params.enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len();
        label.push_str(&text);
        spans.push((start, label.len(), doc));
        variadic = name == "...";
    }
    label.push(')');
    label.push_str(returns);
    let active = if variadic {
        arg_index.min(spans.len().saturating_sub(1))
    } else {
        arg_index
    };
    SignatureHelp {
        label,
        documentation,
        params: spans,
        active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_with(fixture: &str, facts: &WorkspaceFacts) -> Option<SignatureHelp> {
        let c = super::super::Cursor::new(fixture);
        signature_help(&c.text, c.offset, &c.file, &c.api, facts)
    }

    fn at(fixture: &str) -> Option<SignatureHelp> {
        at_with(fixture, &WorkspaceFacts::default())
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

    #[test]
    fn a_declared_class_constructor_and_method() {
        let class = "---@class Enemy\nlocal Enemy = {}\n---@param hp integer\n---@param speed? number\n---@return Enemy\nfunction Enemy.new(hp, speed) end\n---@param n number\nfunction Enemy:hurt(n) end\n";
        let h = at(&format!("{class}local e = Enemy.new(3, $0")).expect("help");
        assert_eq!(h.label, "Enemy.new(hp: integer, speed?: number) -> Enemy");
        assert_eq!(h.active, 1);
        let h = at(&format!("{class}local e = Enemy.new(3)\ne:hurt($0")).expect("help");
        assert_eq!(h.label, "Enemy:hurt(n: number)");
    }

    #[test]
    fn functions_of_a_required_module() {
        let facts = crate::completion::tests::facts_with_module(crate::completion::tests::UTIL);
        let at = |fixture: &str| at_with(fixture, &facts);
        let h = at("local util = require(\"lib.util\")\nlocal x = util.clamp(v, $0").expect("help");
        assert_eq!(h.label, "lib.util.clamp(x, lo, hi)");
        assert_eq!(h.active, 1);
        let (s, e, _) = &h.params[1];
        assert_eq!(&h.label[*s..*e], "lo");
        assert!(
            h.documentation.starts_with("Clamps `x`"),
            "{}",
            h.documentation
        );
        let h = at("local util = require(\"lib.util\")\nutil:step(1, 2, 3, $0)").expect("help");
        assert_eq!(h.label, "lib.util:step(dt, ...)");
        assert_eq!(h.active, 1, "the variadic parameter stays active");
        assert!(at("local util = require(\"lib.util\")\nutil.SCALE($0").is_none());
        assert!(at("local util = require(\"lib.util\")\nutil.nothing($0").is_none());
        assert!(at("local other = require(\"lib.other\")\nother.clamp($0").is_none());
    }
}
