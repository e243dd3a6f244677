//! A syntax checker that agrees with the reference compiler, `luac5.4 -p`: a port of the
//! checking part of Lua 5.4's lexer and parser (`llex.c`, `lparser.c`, with `luaO_str2num`),
//! without code generation.
//!
//! [`check`] returns the errors `luac` would report, first one first, with `luac`'s message
//! (without the `chunk:line:` prefix) and line: the line the lexer is on at the moment of the
//! error, i.e. where the current token (or the lookahead token) ends. Lexing is lazy, as in
//! `luac`: a bad token is only reported once the parser asks for it.
//!
//! `luac` stops at the first error. Semantic errors (`luaK_semerror`: const assignment, goto
//! and label checks, attributes) do not disturb the parse, so the checker records them and
//! goes on: the errors after the first are those `luac` would report next once the earlier
//! ones are fixed (at most 100 of them), up to the first syntax or lexical error, which ends
//! the check.
//!
//! Left out: the limits that only code generation meets (upvalues per function, registers per
//! expression, jump lengths, constants per function), and compile-time constant folding
//! (`luaK_exp2const`), which changes no error `luac` reports. The local-variable limit (200 per
//! function, counting `for` loops' hidden variables) and the C-call limit that bounds nesting
//! are kept; the latter also bounds the checker's own recursion, so it needs no large stack.
//! The checker never panics and reads the text once.

pub(crate) mod lexer;
mod parser;

/// An error `luac` reports, in byte offsets of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// `luac`'s message, e.g. `'=' expected near 'x'`.
    pub message: String,
    /// The line `luac` reports (1-based).
    pub line: u32,
    /// Start of the span: the offending token (on `line` when it spans several lines), the
    /// construct at fault for semantic errors, or the end of the text for `<eof>`.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// Whether the error stops `luac`'s parse where it is (a lexical or syntax error); semantic
    /// errors (`luaK_semerror`) do not disturb it.
    pub fatal: bool,
}

/// Where lexing starts: past a UTF-8 byte-order mark, and past a first line starting with
/// `#` (its newline kept), as `luaL_loadfilex` skips them.
pub(crate) fn start_offset(b: &[u8]) -> usize {
    let mut i = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    if b.get(i) == Some(&b'#') {
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
    }
    i
}

/// Checks `text` as `luac5.4 -p` would: no errors when it accepts the text, else its first
/// error first (see the module documentation for the rest).
pub fn check(text: &str) -> Vec<Error> {
    check_after(text, None).0
}

/// What a check leaves for the check of the next version of the text ([`check_after`]): the
/// parser's state before some of the top-level statements, with the semantic errors and the
/// main function's locals, and the result.
#[derive(Debug, Default)]
pub struct Resume {
    points: Vec<parser::Point>,
    top: Vec<parser::TopVar>,
    semantic: Vec<Error>,
    fatal: Option<Error>,
    /// Whether the check started at a point of the earlier one, and whether it got back in
    /// step with it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) reused: (bool, bool),
}

impl Resume {
    /// The errors of the check: semantic ones in order, then the one that ended it.
    pub fn errors(&self) -> Vec<Error> {
        self.semantic.iter().chain(&self.fatal).cloned().collect()
    }
}

/// [`check`] of `text`, a new version of `prev`'s text, with what that check left: it starts
/// again at the last top-level statement before the first changed byte, and stops at the
/// first top-level statement after the last one where the parser's state is the earlier
/// check's again (the same locals of the main function, nothing open): from there on, the
/// earlier check's errors hold, moved by the edit. The errors are [`check`]'s on any edit.
pub fn check_after(text: &str, prev: Option<(&str, &Resume)>) -> (Vec<Error>, Resume) {
    let b = text.as_bytes();
    let start = start_offset(b);
    if b.get(start) == Some(&0x1b) {
        // `luaL_loadfilex` reads a text starting with ESC as a precompiled chunk.
        let fatal = Error {
            fatal: true,
            message: "bad binary format (truncated chunk)".into(),
            line: 1,
            start,
            end: start + 1,
        };
        let resume = Resume {
            fatal: Some(fatal),
            ..Resume::default()
        };
        return (resume.errors(), resume);
    }
    let mut parser = parser::Parser::new(lexer::Lexer::new(b, start));
    let mut restart = None;
    if let Some((old_text, old)) = prev {
        let ob = old_text.as_bytes();
        let (prefix, suffix) = crate::edit::common_ends(ob, b);
        // A point whose token ends before the first changed byte lexes the same (the byte
        // after it, which ends it, is unchanged too); the text before it is the same.
        let at = old.points.partition_point(|p| p.end < prefix);
        if at > 0 && start_offset(ob) == start {
            restart = Some(parser::Restart {
                at: at - 1,
                points: &old.points,
                top: &old.top,
                semantic: &old.semantic,
            });
        }
        // Past the cap, the earlier check left errors out that the new one may need.
        if old.semantic.len() < parser::MAX_SEMANTIC_ERRORS {
            parser.sync = Some(parser::Sync {
                delta: b.len() as isize - ob.len() as isize,
                tail: b.len() - suffix,
                points: &old.points,
                top: &old.top,
                old: ob,
            });
        }
    }
    let restarted = restart.is_some();
    let fatal = parser.main_from(restart).err();
    let mut resume = Resume {
        points: std::mem::take(&mut parser.points),
        top: std::mem::take(&mut parser.top),
        semantic: std::mem::take(&mut parser.semantic),
        fatal,
        reused: (restarted, parser.synced.is_some()),
    };
    if let (Some((at, lines)), Some((_, old))) = (parser.synced, prev) {
        // Back in step at the earlier check's point `at`: the rest is the earlier check's,
        // moved by the edit.
        let delta = parser.sync.as_ref().map_or(0, |s| s.delta);
        let moved = |o: usize| (o as isize + delta).max(0) as usize;
        let line = |l: u32| (i64::from(l) + lines).clamp(1, i64::from(u32::MAX)) as u32;
        let shift = |e: &Error| Error {
            start: moved(e.start),
            end: moved(e.end),
            line: line(e.line),
            ..e.clone()
        };
        let p = old.points[at];
        let semantic_then = resume.semantic.len();
        let nactvar = p.nactvar.min(old.top.len());
        resume.semantic.extend(
            old.semantic[p.semantic.min(old.semantic.len())..]
                .iter()
                .map(shift),
        );
        resume.semantic.truncate(parser::MAX_SEMANTIC_ERRORS);
        resume.fatal = old.fatal.as_ref().map(shift);
        resume
            .points
            .extend(old.points[at..].iter().map(|q| parser::Point {
                start: moved(q.start),
                end: moved(q.end),
                line: line(q.line),
                line_start: moved(q.line_start),
                semantic: q.semantic - p.semantic + semantic_then,
                ..*q
            }));
        // The new check's own locals up to here (`fill_top`), then the earlier check's
        // declared after the point.
        resume.top.truncate(nactvar);
        resume.top.extend(
            old.top[nactvar.min(resume.top.len())..]
                .iter()
                .map(|&(a, b, k)| (moved(a), moved(b), k)),
        );
    }
    (resume.errors(), resume)
}

#[cfg(test)]
mod tests;
