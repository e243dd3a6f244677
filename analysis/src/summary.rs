//! Compact per-file summaries for the workspace index: what other files need to know.
//!
//! A full tree costs ~200 bytes per source byte, so the workspace keeps one [`Summary`] per
//! closed file instead: its symbols (with positions in both encodings), the script components
//! it sets, the modules it requires, its `self` fields and, for a module, what it exports.

pub use super::exports::ExportKind;
use super::line_index::{Encoding, LineCol, LineIndex};
use super::symbols::{document_symbols, SymbolKind};
use super::{FileAnalysis, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// Start and end of a name in a summarized file, in both encodings: the file's text is gone,
/// and each client asks in its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRange {
    /// UTF-8 columns.
    pub utf8: (LineCol, LineCol),
    /// UTF-16 columns.
    pub utf16: (LineCol, LineCol),
}

impl NameRange {
    fn of(text: &str, index: &LineIndex, span: Span) -> NameRange {
        let at = |enc| {
            (
                index.position(text, span.start, enc),
                index.position(text, span.end, enc),
            )
        };
        NameRange {
            utf8: at(Encoding::Utf8),
            utf16: at(Encoding::Utf16),
        }
    }

    /// The range in the given encoding.
    pub fn get(&self, enc: Encoding) -> (LineCol, LineCol) {
        match enc {
            Encoding::Utf8 => self.utf8,
            Encoding::Utf16 => self.utf16,
        }
    }
}

/// A symbol of a summarized file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySymbol {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SymbolKind,
    /// Where the name is.
    pub name_range: NameRange,
}

/// A field of the table a module returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// Field name.
    pub name: String,
    /// Function, method or value.
    pub kind: ExportKind,
    /// Parameter names (`...` for varargs; without the implicit `self` of methods).
    pub params: Vec<String>,
    /// The comment lines directly above the definition, without their dashes.
    pub doc: String,
    /// A value's initializer, shortened; empty for functions.
    pub value: String,
    /// Where the name is at the definition.
    pub name_range: NameRange,
    /// For a function: the type a call gives back, when its `---@return` names one or its
    /// `return` statements give a value of a known type (`Enemy`, `vec3`).
    pub returns: Option<String>,
}

impl Export {
    /// `name(a, b)` for functions and methods (`name(a) -> Enemy` when the return is known),
    /// `name` for values.
    pub fn signature(&self) -> String {
        match (self.kind, &self.returns) {
            (ExportKind::Value, _) => self.name.clone(),
            (_, Some(r)) => format!("{}({}) -> {r}", self.name, self.params.join(", ")),
            (_, None) => format!("{}({})", self.name, self.params.join(", ")),
        }
    }
}

/// What the workspace remembers of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Functions, top-level variables and `self` fields.
    pub symbols: Vec<SummarySymbol>,
    /// Components the file sets or spawns (`entity:set("Ammo", 3)`, spawn table keys).
    pub script_components: Vec<String>,
    /// Modules the file requires.
    pub requires: Vec<String>,
    /// Number of syntax errors.
    pub syntax_errors: usize,
    /// The fields of the table the file returns; `None` unless it returns a table.
    pub exports: Option<Arc<[Export]>>,
    /// The names of its top-level `properties = { ... }` table, sorted; `None` without one.
    pub properties: Option<Vec<String>>,
    /// The types it declares (`---@class`), known to every file of the workspace.
    pub classes: Vec<crate::classes::Class>,
    /// For a definition file (its first line `---@meta`), the globals it declares, sorted.
    pub meta_globals: Vec<String>,
}

/// Whether `text` is a definition file: its first line that is not blank is `---@meta`
/// (optionally with a name, as LuaLS writes it).
pub fn is_meta(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l == "---@meta" || l.starts_with("---@meta "))
}

/// Summarizes an analyzed file; `classes` are the types it declares (`classes::read` of
/// `text`, which the caller usually has already).
pub fn summarize(
    text: &str,
    file: &FileAnalysis,
    index: &LineIndex,
    classes: Vec<crate::classes::Class>,
) -> Summary {
    let symbols = document_symbols(file)
        .into_iter()
        .map(|s| SummarySymbol {
            name_range: NameRange::of(text, index, s.name_span),
            name: s.name,
            kind: s.kind,
        })
        .collect();
    let mut script_components: Vec<String> = file
        .model()
        .components
        .iter()
        .filter(|c| c.defines)
        .map(|c| c.name.clone())
        .collect();
    script_components.sort();
    script_components.dedup();
    let mut requires: Vec<String> = file
        .model()
        .requires
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    requires.sort();
    requires.dedup();
    let exports = super::exports::exports(&file.parse, text).map(|raw| {
        // The declarations by where their names are, for the exports to find theirs.
        let functions: HashMap<usize, &crate::model::FunctionDecl> = file
            .model()
            .functions
            .iter()
            .map(|f| (f.name_span.start, f))
            .collect();
        raw.into_iter()
            .map(|e| Export {
                returns: match e.kind {
                    ExportKind::Value => None,
                    _ => functions
                        .get(&e.name_span.start)
                        .and_then(|f| export_returns(text, f)),
                },
                name_range: NameRange::of(text, index, e.name_span),
                name: e.name,
                kind: e.kind,
                params: e.params,
                doc: e.doc,
                value: e.value,
            })
            .collect()
    });
    let properties = super::exports::declared_properties(&file.parse).map(|p| {
        let mut names: Vec<String> = p.into_iter().map(|(n, _)| n).collect();
        names.sort();
        names
    });
    let mut meta_globals: Vec<String> = if is_meta(text) {
        file.model()
            .global_writes
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    } else {
        Vec::new()
    };
    meta_globals.sort();
    meta_globals.dedup();
    Summary {
        symbols,
        script_components,
        requires,
        syntax_errors: file.parse.errors.len(),
        exports,
        properties,
        classes,
        meta_globals,
    }
}

/// The type name a call of the exported function `f` gives back: the one its `---@return`
/// writes (kept as written: a class another file declares is resolved where the module is
/// used, against the workspace's types), or the type of what its `return` gives when the
/// analysis knows it.
fn export_returns(text: &str, f: &crate::model::FunctionDecl) -> Option<String> {
    let tags = crate::annotations::tags_above(text, f.span.start);
    if let Some(written) = crate::annotations::written_return(&tags) {
        let named = written
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        const LUA: [&str; 9] = [
            "nil", "any", "boolean", "number", "integer", "string", "table", "function", "thread",
        ];
        let kept = named
            && !written.is_empty()
            && !LUA.contains(&written)
            && !crate::annotations::is_generic(&tags, written);
        return kept.then(|| written.to_string());
    }
    match &f.returns {
        Some(crate::model::Returns::Ty(crate::model::Ty::Type(t))) => Some(t.clone()),
        _ => None,
    }
}

/// Reads, parses and summarizes a file's text in one step (for indexing threads). The types
/// the file declares are known to its own analysis, as they are to an open document's.
pub fn summarize_text(text: &str, api: &crescent_api::Api) -> Summary {
    let classes = crate::classes::read(text);
    let file = if classes.is_empty() {
        super::analyze(text, api)
    } else {
        super::analyze(text, &crate::classes::with_classes(api, &classes))
    };
    let index = LineIndex::new(text);
    summarize(text, &file, &index, classes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_components_requires_and_symbols() {
        let text = "local util = require(\"lib.util\")\nfunction init(self)\n  self.entity:set(\"Ammo\", 3)\n  world.spawn({ Shield = 1 })\nend\n";
        let s = summarize_text(text, &crescent_api::builtin());
        assert_eq!(s.script_components, ["Ammo", "Shield"]);
        assert_eq!(s.requires, ["lib.util"]);
        assert_eq!(s.properties, None);
        let p = summarize_text(
            "properties = { speed = 5, [\"jump height\"] = 2, 3 }\nfunction update(self) end\n",
            &crescent_api::builtin(),
        );
        assert_eq!(
            p.properties.as_deref(),
            Some(&["jump height".to_string(), "speed".to_string()][..])
        );
        assert!(s.symbols.iter().any(|s| s.name == "init"));
        assert!(s.symbols.iter().any(|s| s.name == "util"));
    }

    #[test]
    fn a_meta_file_declares_its_globals() {
        let text =
            "\n---@meta\n\n---@param id integer\nfunction host_spawn(id) end\nHOST_VERSION = 2\n";
        let s = summarize_text(text, &crescent_api::builtin());
        assert_eq!(s.meta_globals, ["HOST_VERSION", "host_spawn"]);
        assert!(is_meta("---@meta crescent\n"));
        let plain = summarize_text("function helper() end\n", &crescent_api::builtin());
        assert!(
            plain.meta_globals.is_empty(),
            "a script's globals are its own"
        );
        assert!(!is_meta("-- ---@meta\n"));
    }

    #[test]
    fn summary_keeps_a_modules_exports_with_both_encodings() {
        let text = "local M = {}\n-- Says «hi».\nfunction M.greet(name, ...) end\nlocal s = \"é\" M.loud = true\nreturn M\n";
        let s = summarize_text(text, &crescent_api::builtin());
        let exports = s.exports.expect("a module that returns a table");
        let names: Vec<String> = exports.iter().map(Export::signature).collect();
        assert_eq!(names, ["greet(name, ...)", "loud"]);
        let greet = &exports[0];
        assert_eq!(greet.kind, ExportKind::Function);
        assert_eq!(greet.doc, "Says «hi».");
        assert_eq!(greet.name_range.utf8.0, LineCol { line: 2, col: 11 });
        let loud = &exports[1];
        assert_eq!(loud.kind, ExportKind::Value);
        assert_eq!(loud.value, "true");
        assert_eq!(loud.doc, "", "code before it on its line");
        assert_eq!(
            loud.name_range.get(Encoding::Utf8).0,
            LineCol { line: 3, col: 17 }
        );
        assert_eq!(
            loud.name_range.get(Encoding::Utf16).0,
            LineCol { line: 3, col: 16 }
        );
        // Scripts that return nothing keep no exports.
        let script = summarize_text("function init(self) end\n", &crescent_api::builtin());
        assert_eq!(script.exports, None);
    }
}
