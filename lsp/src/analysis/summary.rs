//! Compact per-file summaries for the workspace index: what other files need to know.
//!
//! A full tree costs ~200 bytes per source byte, so the workspace keeps one [`Summary`] per
//! closed file instead: its symbols (with positions in both encodings), the script components
//! it sets, the modules it requires and its `self` fields.

use super::line_index::{Encoding, LineCol, LineIndex};
use super::symbols::{document_symbols, SymbolKind};
use super::FileAnalysis;

/// A symbol of a summarized file, positioned for both encodings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySymbol {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SymbolKind,
    /// Start and end of the name, UTF-8 columns.
    pub utf8: (LineCol, LineCol),
    /// Start and end of the name, UTF-16 columns.
    pub utf16: (LineCol, LineCol),
}

impl SummarySymbol {
    /// The range in the given encoding.
    pub fn range(&self, enc: Encoding) -> (LineCol, LineCol) {
        match enc {
            Encoding::Utf8 => self.utf8,
            Encoding::Utf16 => self.utf16,
        }
    }
}

/// What the workspace remembers of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Functions, top-level variables and `self` fields.
    pub symbols: Vec<SummarySymbol>,
    /// Components the file sets or spawns (`entity:set("Ammo", 3)`, spawn table keys).
    pub script_components: Vec<String>,
    /// Modules the file requires.
    pub requires: Vec<String>,
    /// Number of syntax errors.
    pub syntax_errors: usize,
}

/// Summarizes an analyzed file.
pub fn summarize(text: &str, file: &FileAnalysis, index: &LineIndex) -> Summary {
    let pos = |offset: usize, enc| index.position(text, offset, enc);
    let symbols = document_symbols(file)
        .into_iter()
        .map(|s| SummarySymbol {
            utf8: (
                pos(s.name_span.start, Encoding::Utf8),
                pos(s.name_span.end, Encoding::Utf8),
            ),
            utf16: (
                pos(s.name_span.start, Encoding::Utf16),
                pos(s.name_span.end, Encoding::Utf16),
            ),
            name: s.name,
            kind: s.kind,
        })
        .collect();
    let mut script_components: Vec<String> = file
        .model
        .components
        .iter()
        .filter(|c| c.defines)
        .map(|c| c.name.clone())
        .collect();
    script_components.sort();
    script_components.dedup();
    let mut requires: Vec<String> = file.model.requires.iter().map(|(m, _)| m.clone()).collect();
    requires.sort();
    requires.dedup();
    Summary {
        symbols,
        script_components,
        requires,
        syntax_errors: file.parse.errors.len(),
    }
}

/// Reads, parses and summarizes a file's text in one step (for indexing threads).
pub fn summarize_text(text: &str, api: &crescent_api::Api) -> Summary {
    let file = super::analyze(text, api);
    let index = LineIndex::new(text);
    summarize(text, &file, &index)
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
        assert!(s.symbols.iter().any(|s| s.name == "init"));
        assert!(s.symbols.iter().any(|s| s.name == "util"));
    }
}
