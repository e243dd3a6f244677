//! Open documents: text, line index and a lazily computed analysis per version.

use crate::analysis::classes::{self, Class};
use crate::analysis::{analyze_shared, Encoding, FileAnalysis, LineCol, LineIndex};
use crescent_api::Api;
use std::sync::{Arc, Mutex, OnceLock};
use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// One version of a document. Immutable: an edit makes a new one, so a request that took a
/// snapshot keeps a consistent text, index and analysis while later edits arrive.
pub struct Document {
    /// The client's version number (0 for files read from disk).
    pub version: i32,
    /// The text.
    pub text: Arc<str>,
    /// Line starts of `text`.
    pub line_index: Arc<LineIndex>,
    /// The API the analysis uses: the project's, with the types this text declares
    /// (`---@class`) added.
    pub api: Arc<Api>,
    /// The project's API, before this text's types were added.
    base: Arc<Api>,
    /// The types this text declares.
    pub classes: Arc<Vec<Class>>,
    analysis: OnceLock<Arc<FileAnalysis>>,
    /// The analysis of an earlier version, whose parsed statements this one reuses; dropped
    /// once this version's analysis exists.
    earlier: Mutex<Option<Arc<FileAnalysis>>>,
}

/// Drops `earlier` on a thread of its own: freeing the analysis of a large file (its model,
/// its trees, the repairs it cached) takes a millisecond or more, which the request waiting
/// for the new version's analysis should not pay.
fn drop_later(earlier: Option<Arc<FileAnalysis>>) {
    static DROPS: OnceLock<std::sync::mpsc::Sender<Arc<FileAnalysis>>> = OnceLock::new();
    let Some(earlier) = earlier else {
        return;
    };
    let drops = DROPS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Arc<FileAnalysis>>();
        let spawned = std::thread::Builder::new()
            .name("analysis-drop".into())
            .spawn(move || rx.into_iter().for_each(drop));
        if spawned.is_err() {
            // No thread: the receiver is gone and every send below fails, dropping here.
            tracing::debug!("no thread for dropping analyses; dropping them inline");
        }
        tx
    });
    // A failed send hands the analysis back, and it is dropped here.
    drop(drops.send(earlier));
}

/// `api` with the types `classes` declare; the same `Arc` when there are none.
fn with_types(api: &Arc<Api>, classes: &[Class]) -> Arc<Api> {
    if classes.is_empty() {
        api.clone()
    } else {
        Arc::new(classes::with_classes(api, classes))
    }
}

impl Document {
    /// A document for `text` at `version`.
    pub fn new(version: i32, text: impl Into<Arc<str>>, api: Arc<Api>) -> Document {
        let text: Arc<str> = text.into();
        let classes = Arc::new(classes::read(&text));
        Document {
            version,
            line_index: Arc::new(LineIndex::new(&text)),
            api: with_types(&api, &classes),
            base: api,
            classes,
            text,
            analysis: OnceLock::new(),
            earlier: Mutex::new(None),
        }
    }

    /// The newest analysis this version or an earlier one has: what the next version starts
    /// from.
    fn latest(&self) -> Option<Arc<FileAnalysis>> {
        self.analysis.get().cloned().or_else(|| {
            self.earlier
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        })
    }

    /// The same text analyzed against another API (after `.crescent/api.json` changed).
    pub fn with_api(&self, api: Arc<Api>) -> Document {
        Document {
            version: self.version,
            text: self.text.clone(),
            line_index: self.line_index.clone(),
            api: with_types(&api, &self.classes),
            base: api,
            classes: self.classes.clone(),
            analysis: OnceLock::new(),
            earlier: Mutex::new(self.latest().map(|a| Arc::new(a.parse_only()))),
        }
    }

    /// The parse and model, computed on first use. Call it off the protocol loop: it parses.
    pub fn analysis(&self) -> Arc<FileAnalysis> {
        self.analysis
            .get_or_init(|| {
                let earlier = self
                    .earlier
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                let now = Arc::new(analyze_shared(&self.text, &self.api, earlier.as_deref()));
                drop_later(earlier);
                now
            })
            .clone()
    }

    /// Byte offset of an LSP position (clamped to the text).
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        self.line_index.offset(
            &self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            enc,
        )
    }

    /// LSP position of a byte offset.
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let lc = self.line_index.position(&self.text, offset, enc);
        Position::new(lc.line, lc.col)
    }

    /// LSP range of a byte span.
    pub fn range(&self, start: usize, end: usize, enc: Encoding) -> Range {
        Range::new(self.position(start, enc), self.position(end, enc))
    }

    /// The next version after applying `changes` in order (full or incremental).
    pub fn apply(
        &self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> Document {
        // Each change is made on the text and line starts the one before it left; the first
        // reads this version's own, and no change copies the text more than once or scans
        // more than the lines it edits.
        let mut current: Option<(String, LineIndex)> = None;
        for change in changes {
            let (text, index): (&str, &LineIndex) = match &current {
                Some((t, i)) => (t, i),
                None => (&self.text, &self.line_index),
            };
            let next = match change.range {
                None => {
                    let t = change.text.clone();
                    let i = LineIndex::new(&t);
                    (t, i)
                }
                Some(range) => {
                    let at = |p: Position| {
                        index.offset(
                            text,
                            LineCol {
                                line: p.line,
                                col: p.character,
                            },
                            enc,
                        )
                    };
                    let start = at(range.start);
                    let end = at(range.end).max(start);
                    let mut t =
                        String::with_capacity(text.len() - (end - start) + change.text.len());
                    t.push_str(&text[..start]);
                    t.push_str(&change.text);
                    t.push_str(&text[end..]);
                    let i = index.after_edit(&t, start, end, &change.text);
                    (t, i)
                }
            };
            current = Some(next);
        }
        let (text, index) = match current {
            Some(c) => c,
            None => (self.text.to_string(), (*self.line_index).clone()),
        };
        let classes = classes::read(&text);
        if classes == *self.classes {
            return Document {
                version,
                text: text.into(),
                line_index: Arc::new(index),
                api: self.api.clone(),
                base: self.base.clone(),
                classes: self.classes.clone(),
                analysis: OnceLock::new(),
                earlier: Mutex::new(self.latest()),
            };
        }
        // The file's own types changed: what the earlier models say of them is stale.
        let classes = Arc::new(classes);
        Document {
            version,
            text: text.into(),
            line_index: Arc::new(index),
            api: with_types(&self.base, &classes),
            base: self.base.clone(),
            classes,
            analysis: OnceLock::new(),
            earlier: Mutex::new(self.latest().map(|a| Arc::new(a.parse_only()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_edits_in_utf16_and_utf8() {
        let api = Arc::new(crescent_api::builtin());
        let doc = Document::new(1, "s = \"😀\" x\nlocal y = 1\n", api);
        // `x` is at UTF-16 column 9 (the emoji takes two units) and byte 11.
        let d16 = doc.apply(
            2,
            &[change(0, 9, 0, 10, "z"), change(1, 6, 1, 7, "w")],
            Encoding::Utf16,
        );
        assert_eq!(&*d16.text, "s = \"😀\" z\nlocal w = 1\n");
        let d8 = doc.apply(2, &[change(0, 11, 0, 12, "q")], Encoding::Utf8);
        assert_eq!(&*d8.text, "s = \"😀\" q\nlocal y = 1\n");
        // Out-of-range positions clamp instead of panicking.
        let far = doc.apply(3, &[change(99, 0, 120, 5, "-- end")], Encoding::Utf16);
        assert!(far.text.ends_with("-- end"));
        // Line breaks added and removed by several changes: the line starts the version
        // carries are those of its text.
        let lines = doc.apply(
            4,
            &[
                change(0, 2, 0, 2, "\n\r\n"),
                change(3, 0, 3, 5, "loc\nal"),
                change(1, 0, 2, 0, ""),
            ],
            Encoding::Utf16,
        );
        let fresh = LineIndex::new(&lines.text);
        assert_eq!(lines.line_index.line_count(), fresh.line_count());
        for l in 0..fresh.line_count() {
            assert_eq!(
                lines.line_index.line_start(l),
                fresh.line_start(l),
                "{:?}",
                lines.text
            );
        }
    }

    #[test]
    fn a_new_version_parses_only_the_statements_an_edit_touched() {
        let api = Arc::new(crescent_api::builtin());
        let text: String = (0..50)
            .map(|i| format!("function f{i}()\n  return {i}\nend\n"))
            .collect();
        let doc = Document::new(1, text, api);
        let first = doc.analysis();
        // Two edits in a row, the middle version never analysed: the third still starts from
        // the first's runs.
        let v2 = doc.apply(2, &[change(3, 0, 3, 0, "-- a comment\n")], Encoding::Utf16);
        let v3 = v2.apply(3, &[change(11, 9, 11, 10, "7")], Encoding::Utf16);
        let third = v3.analysis();
        assert_eq!(third.parse.segments.len(), 50);
        // Only the runs from the one before the first edit to the second are parsed again.
        assert_eq!(third.parse.reused(&first.parse), 46);
        assert!(third.parse.errors.is_empty());
    }
}
