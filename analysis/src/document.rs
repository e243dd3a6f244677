//! Whole-document features: highlights of the name under the cursor, folding ranges and links
//! (`require` names and asset paths), read from the model.

use crate::model::{Span, Target};
use crate::FileAnalysis;
use crescent_api::{Api, ParamKind};

/// One highlighted place and whether it writes the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    /// Where.
    pub span: Span,
    /// An assignment (or the declaration) rather than a read.
    pub write: bool,
}

/// Every place the name under `offset` refers to the same thing: a local's declaration,
/// writes and reads; a `self` field, a global, an engine member or a component everywhere it
/// occurs in the file.
pub fn highlights(offset: usize, file: &FileAnalysis, text: &str) -> Vec<Highlight> {
    let model = &file.model();
    let Some(occ) = model.occurrence_at(offset) else {
        return Vec::new();
    };
    let mut out: Vec<Highlight> = match &occ.target {
        Target::Local(i) => {
            let Some(l) = model.locals.get(*i) else {
                return Vec::new();
            };
            let writes = std::iter::once(l.decl).chain(l.writes.iter().copied());
            writes
                .map(|span| Highlight { span, write: true })
                .chain(l.reads.iter().map(|&span| Highlight { span, write: false }))
                .filter(|h| h.span.end > h.span.start)
                .collect()
        }
        target => model
            .occurrences
            .iter()
            .filter(|o| &o.target == target)
            .map(|o| Highlight {
                span: o.span,
                write: is_assigned(text, o.span),
            })
            .collect(),
    };
    out.sort_by_key(|h| (h.span.start, h.span.end));
    out.dedup_by_key(|h| h.span);
    out
}

/// Whether the text after `span` assigns it (`x = ...`, not `x == ...`).
pub(crate) fn is_assigned(text: &str, span: Span) -> bool {
    assigns(text.get(span.end..).unwrap_or(""))
}

/// Whether `rest`, the text after a name, assigns to it: `= ...`, not `== ...`.
pub(crate) fn assigns(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.starts_with('=') && !rest.starts_with("==")
}

/// What a folding range folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A function's body.
    Region,
    /// A block of two or more comment lines.
    Comment,
}

/// A range to fold: from the line holding `start` to the line holding `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// A byte on the first line.
    pub start: usize,
    /// A byte on the last line (the one kept visible: `end`, or the comment block's last line).
    pub end: usize,
    /// Its kind.
    pub kind: FoldKind,
}

/// Function bodies that span more than one line, and blocks of consecutive comment lines.
pub fn folding_ranges(file: &FileAnalysis, text: &str) -> Vec<Fold> {
    let mut out: Vec<Fold> = file
        .model()
        .function_bodies
        .iter()
        .filter(|b| text.get(b.start..b.end).is_some_and(|t| t.contains('\n')))
        .map(|b| Fold {
            start: b.start,
            end: b.end,
            kind: FoldKind::Region,
        })
        .collect();
    let mut block: Option<(usize, usize, usize)> = None; // first byte, last line's byte, lines
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let is_comment = line.trim_start().starts_with("--");
        match (block, is_comment) {
            (Some((first, _, n)), true) => block = Some((first, at, n + 1)),
            (None, true) => block = Some((at, at, 1)),
            (Some((first, last, n)), false) => {
                if n >= 2 {
                    out.push(Fold {
                        start: first,
                        end: last,
                        kind: FoldKind::Comment,
                    });
                }
                block = None;
            }
            (None, false) => {}
        }
        at += line.len();
    }
    if let Some((first, last, n)) = block {
        if n >= 2 {
            out.push(Fold {
                start: first,
                end: last,
                kind: FoldKind::Comment,
            });
        }
    }
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// What a link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A module, by its `require` name (`lib.util`).
    Module(String),
    /// A file under `assets/`, by its path there.
    Asset(String),
}

/// A link: the text inside the quotes, and what it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The string's contents.
    pub span: Span,
    /// The module or asset.
    pub target: LinkTarget,
}

/// `require("name")` names and the literal paths of `assets.*` calls. Whether the target
/// exists is for the caller (the lints say when it does not).
pub fn links(file: &FileAnalysis, api: &Api) -> Vec<Link> {
    let model = &file.model();
    let mut out: Vec<Link> = model
        .requires
        .iter()
        .map(|(name, span)| Link {
            span: *span,
            target: LinkTarget::Module(name.clone()),
        })
        .collect();
    for call in &model.calls {
        let Some((path, span)) = &call.first_string else {
            continue;
        };
        let takes_asset = call
            .callee
            .function(api)
            .and_then(|f| f.params.first())
            .is_some_and(|p| p.kind == ParamKind::AssetPath);
        if takes_asset {
            out.push(Link {
                span: *span,
                target: LinkTarget::Asset(path.clone()),
            });
        }
    }
    out.sort_by_key(|l| l.span.start);
    out
}

/// The identifier around `offset` (letters, digits and `_` on both sides), if any.
pub fn word_at(text: &str, offset: usize) -> Option<Span> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (end > start).then(|| Span::new(start, end))
}

/// The ranges around `offset`, innermost first, each containing the one before: the name,
/// the argument list and call holding it, the statement's line, each enclosing function
/// (its body, then its whole definition), and the file.
pub fn selection_ranges(offset: usize, file: &FileAnalysis, text: &str) -> Vec<Span> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut out: Vec<Span> = Vec::new();
    let mut push = |s: Span| {
        let grows = out
            .last()
            .is_none_or(|l| s.start <= l.start && l.end <= s.end && s != *l);
        if grows && s.start <= offset && offset <= s.end {
            out.push(s);
        }
    };
    if let Some(word) = word_at(text, offset) {
        push(word);
    }
    // Calls holding it, innermost first.
    let mut calls: Vec<&crate::model::Call> = file
        .model()
        .calls
        .iter()
        .filter(|c| c.span.start <= offset && offset <= c.span.end)
        .collect();
    calls.sort_by_key(|c| c.span.end - c.span.start);
    for c in calls {
        if let Some(arg) = c.arg_spans.iter().find(|a| a.touches(offset)) {
            push(*arg);
        }
        push(c.args_span);
        push(c.span);
    }
    // The line, without its indentation.
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let indent = text[line_start..line_end].len() - text[line_start..line_end].trim_start().len();
    push(Span::new(line_start + indent, line_end));
    // Enclosing functions, innermost first: the body, then the definition's lines.
    let mut bodies: Vec<Span> = file
        .model()
        .function_bodies
        .iter()
        .copied()
        .filter(|b| b.touches(offset))
        .collect();
    bodies.sort_by_key(|b| b.end - b.start);
    for b in bodies {
        // The body runs up to its `end`; the selection takes the keyword too.
        let end = if text.get(b.end..).is_some_and(|r| r.starts_with("end")) {
            b.end + 3
        } else {
            b.end
        };
        push(Span::new(b.start, end));
        let def_start = text[..b.start].rfind('\n').map_or(0, |i| i + 1);
        push(Span::new(def_start, end));
    }
    push(Span::new(0, text.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, spans: impl IntoIterator<Item = (Span, char)>) -> String {
        let mut spans: Vec<(Span, char)> = spans.into_iter().collect();
        spans.sort_by_key(|(s, _)| s.start);
        let mut out = String::new();
        let mut at = 0;
        for (s, mark) in spans {
            out.push_str(&text[at..s.start]);
            out.push(mark);
            out.push_str(&text[s.start..s.end]);
            out.push(mark);
            at = s.end;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn highlights_tell_writes_from_reads() {
        let c = crate::Cursor::new("local n = 1\nn = n + 1\nprint(n$0)\nfunction update(self)\n  self.hp = 3\n  print(self.hp)\nend\n");
        let h = highlights(c.offset, &c.file, &c.text);
        assert_eq!(
            marked(&c.text, h.iter().map(|h| (h.span, if h.write { '!' } else { '?' }))),
            "local !n! = 1\n!n! = ?n? + 1\nprint(?n?)\nfunction update(self)\n  self.hp = 3\n  print(self.hp)\nend\n"
        );
        let at = c.text.find("self.hp)").unwrap_or(0) + 6;
        let h = highlights(at, &c.file, &c.text);
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(h[0].write && !h[1].write, "{h:?}");
    }

    #[test]
    fn folds_function_bodies_and_comment_blocks() {
        let text = "-- one\n-- two\nfunction init(self)\n  local x = 1\nend\n-- alone\nlocal function f() end\n";
        let c = crate::Cursor::new(&format!("{text}$0"));
        let folds = folding_ranges(&c.file, &c.text);
        let lines: Vec<(usize, usize, FoldKind)> = folds
            .iter()
            .map(|f| {
                (
                    text[..f.start].matches('\n').count(),
                    text[..f.end].matches('\n').count(),
                    f.kind,
                )
            })
            .collect();
        assert_eq!(lines, [(0, 1, FoldKind::Comment), (2, 4, FoldKind::Region)]);
    }

    #[test]
    fn selection_grows_from_the_name_to_the_file() {
        let c = crate::Cursor::new(
            "local a = 1\nfunction update(self, dt)\n  self.entity:translate(vec3(1, a$0, 0), dt)\nend\n",
        );
        let shown: Vec<&str> = selection_ranges(c.offset, &c.file, &c.text)
            .iter()
            .map(|s| &c.text[s.start..s.end])
            .collect();
        assert_eq!(
            shown,
            [
                "a",
                "(1, a, 0)",
                "vec3(1, a, 0)",
                "(vec3(1, a, 0), dt)",
                "self.entity:translate(vec3(1, a, 0), dt)",
                "(self, dt)\n  self.entity:translate(vec3(1, a, 0), dt)\nend",
                "function update(self, dt)\n  self.entity:translate(vec3(1, a, 0), dt)\nend",
                &c.text[..],
            ]
        );
    }

    #[test]
    fn links_to_modules_and_assets() {
        let c = crate::Cursor::new("local u = require(\"lib.util\")\nlocal d = assets.load_json(\"waves.json\")\nlog.info(\"not a link\")$0");
        let l = links(&c.file, &c.api);
        let shown: Vec<(&str, LinkTarget)> = l
            .iter()
            .map(|l| (&c.text[l.span.start..l.span.end], l.target.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                ("lib.util", LinkTarget::Module("lib.util".into())),
                ("waves.json", LinkTarget::Asset("waves.json".into())),
            ]
        );
    }
}
