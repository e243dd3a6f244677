//! Parsing Lua 5.4: full_moon builds the (possibly partial) tree, and the syntax checker
//! ([`super::luac`], a port of `luac`'s lexer and parser) decides the syntax errors.
//!
//! Invariants: [`parse`] never fails and never panics; it returns a tree (partial when the text
//! has errors) and the syntax errors, sorted by position. The errors follow these rules:
//! - when the checker accepts the text there are none, whatever full_moon reported;
//! - otherwise the first is `luac5.4 -p`'s first error, with its message and on its line; the
//!   semantic errors the checker found before its hard (lexical or syntax) error follow, each
//!   where `luac` would report it once the earlier ones are fixed;
//! - then, to show more than one broken line, full_moon's errors that start at least two lines
//!   after the checker's hard error, except its "to close" and "needs to be a statement"
//!   reports (cascades of an earlier error), at most one per region of adjacent lines.
//!
//! full_moon recurses per nesting level and a stack overflow aborts the process, so text nested
//! deeper than Lua itself accepts is refused before parsing (with the checker's error when it
//! has one), and parsing runs on a thread with a large reserved stack.

use super::luac;
use super::segment::{self, Cuts};
use full_moon::ast::{Ast, LastStmt, Stmt};
use full_moon::LuaVersion;
use std::sync::Arc;

/// Deepest nesting of blocks, brackets and unary operators handed to full_moon. `luac` spends
/// at least one of its 200 C levels (`LUAI_MAXCCALLS`) per nesting level, so text past this
/// depth is text `luac` refuses too: the checker reports why, and full_moon never sees it.
pub const MAX_NESTING: usize = 200;

/// Stack reserved (not committed) for the parsing thread.
const PARSE_STACK: usize = 512 << 20;

/// A syntax error, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset where the error starts.
    pub start: usize,
    /// Byte offset where it ends (at least `start`).
    pub end: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

/// One run of top-level statements (see [`super::segment`]) parsed on its own: positions in
/// its tree count from `base`, the run's offset in the text.
#[derive(Clone)]
pub struct Segment {
    /// Offset of the run in the text.
    pub base: usize,
    /// The (possibly partial) tree of the run.
    pub ast: Arc<Ast>,
    /// full_moon's errors in the run, relative to `base`.
    tree_errors: Arc<[SyntaxError]>,
}

/// The result of parsing one text: always a tree (one per run of top-level statements), plus
/// the errors met on the way.
#[derive(Clone)]
pub struct Parse {
    /// The runs, in order; together they cover the text.
    pub segments: Vec<Segment>,
    /// Syntax errors, sorted by position, cascades removed.
    pub errors: Vec<SyntaxError>,
    /// The text parsed, for the next version to find what it has in common with it.
    text: Arc<str>,
    /// The cuts the runs were made with (`None`: one run).
    cuts: Option<Cuts>,
    /// What the syntax check left for the next version's (`luac::check_after`); `None`
    /// without a check.
    check: Option<Arc<luac::Resume>>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parse")
            .field("segments", &self.segments.len())
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl Parse {
    /// The chunk's statements in order, each with the offset its positions count from.
    pub fn stmts(&self) -> impl Iterator<Item = (usize, &Stmt)> {
        self.segments
            .iter()
            .flat_map(|s| s.ast.nodes().stmts().map(move |st| (s.base, st)))
    }

    /// The chunk's final `return` or `break` (of its last run), with its offset.
    pub fn last_stmt(&self) -> Option<(usize, &LastStmt)> {
        let s = self.segments.last()?;
        s.ast.nodes().last_stmt().map(|l| (s.base, l))
    }

    /// The index of the run holding byte `offset` (0 when there is none).
    pub fn run_index(&self, offset: usize) -> usize {
        self.segments
            .partition_point(|s| s.base <= offset)
            .saturating_sub(1)
    }

    /// The span of the run holding `offset` (the whole text when there is no run).
    pub fn run_at(&self, offset: usize) -> crate::Span {
        let i = self.segments.partition_point(|s| s.base <= offset);
        let start = i
            .checked_sub(1)
            .and_then(|i| self.segments.get(i))
            .map_or(0, |s| s.base);
        let end = self.segments.get(i).map_or(self.text.len(), |s| s.base);
        crate::Span::new(start, end)
    }

    /// How many runs of this parse were taken from the parse it was made from.
    /// How many errors the trees of the runs overlapping `span` have (the parser's own, which
    /// [`Parse::errors`] leaves out when the syntax checker accepts the text).
    pub fn tree_errors_in(&self, span: crate::Span) -> usize {
        let mut n = 0;
        for (i, s) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map_or(self.text.len(), |n| n.base);
            if s.base <= span.end && span.start < end.max(s.base + 1) {
                n += s.tree_errors.len();
            }
        }
        n
    }

    pub fn reused(&self, prev: &Parse) -> usize {
        let old: std::collections::HashSet<*const Ast> =
            prev.segments.iter().map(|p| Arc::as_ptr(&p.ast)).collect();
        self.segments
            .iter()
            .filter(|s| old.contains(&Arc::as_ptr(&s.ast)))
            .count()
    }
}

thread_local! {
    static BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Starts a thread with a stack large enough to parse on directly (no extra thread per parse).
///
/// # Errors
/// Fails when the operating system refuses a new thread.
pub fn spawn_parse_thread<F, T>(name: &str, f: F) -> std::io::Result<std::thread::JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(PARSE_STACK)
        .spawn(move || {
            BIG_STACK.with(|b| b.set(true));
            f()
        })
}

/// Parses `text` as Lua 5.4.
pub fn parse(text: &str) -> Parse {
    reparse(text, None)
}

/// Parses `text`, taking the tree of every run of statements that `prev` (the parse of an
/// earlier version) already parsed: an edit costs the runs it touches, plus a scan of the
/// text that is linear and cheap (the checker's lexer and parser).
pub fn reparse(text: &str, prev: Option<&Parse>) -> Parse {
    reparse_shared(&Arc::from(text), prev)
}

/// [`reparse`] of a text the caller holds shared already (an editor's document), which the
/// parse keeps without a copy.
pub fn reparse_shared(text: &Arc<str>, prev: Option<&Parse>) -> Parse {
    parse_cut(
        text,
        prev,
        &[Some(Cuts::Lenient), Some(Cuts::Strict), None],
        true,
    )
}

/// `text`, a version of `prev.text` that is read once and thrown away (a broken line blanked
/// for completion, [`crate::repaired`]), reparsed in `prev`'s runs without the syntax checker:
/// what it costs is the runs the change touched, not the whole text. Its errors are the trees'
/// own, which say whether a run parses but not what luac would report.
pub fn reparse_trees(text: &Arc<str>, prev: &Parse) -> Parse {
    parse_cut(text, Some(prev), &[prev.cuts], false)
}

/// Parses `text` in one run, as one tree: what the runs of [`parse`] must agree with on any
/// text Lua accepts.
pub fn parse_whole(text: &str) -> Parse {
    parse_cut(&Arc::from(text), None, &[None], true)
}

/// Parses with the first of `tries` whose runs all parse (or the last); `None` is one run.
/// Without `check`, the errors are the trees' own instead of the syntax checker's.
fn parse_cut(
    shared: &Arc<str>,
    prev: Option<&Parse>,
    tries: &[Option<Cuts>],
    check: bool,
) -> Parse {
    let text: &str = shared;
    let (checked, resume) = if check {
        let earlier = prev.and_then(|p| Some((&*p.text, &**p.check.as_ref()?)));
        let (errors, resume) = luac::check_after(text, earlier);
        (errors, Some(Arc::new(resume)))
    } else {
        (Vec::new(), None)
    };
    let no_tree = |errors| Parse {
        segments: Vec::new(),
        errors,
        text: shared.clone(),
        cuts: None,
        check: resume.clone(),
    };
    let mut result = None;
    for &cuts in tries {
        let runs = match (cuts, prev) {
            (Some(c), Some(p)) if p.cuts == Some(c) && !p.segments.is_empty() => {
                after_edit(text, p, c)
            }
            (Some(c), _) => segment::starts(text, c).into_iter().map(Run::New).collect(),
            (None, _) => vec![Run::New(0)],
        };
        let Some(parsed) = parse_runs(text, &runs) else {
            return parser_failed(shared, &checked, resume);
        };
        let Some(parsed) = parsed else {
            // Nested too deep for the parser: no tree, but the errors are still the
            // checker's (it recurses no deeper than luac).
            return no_tree(combine(text, &checked, std::iter::empty()));
        };
        // A text the checker accepts must split into runs that parse: when one does not, a
        // cut was wrong (a column-0 keyword inside a block); split again, more carefully.
        let clean = parsed.iter().all(|s| s.tree_errors.is_empty());
        result = Some((parsed, cuts));
        if clean || !checked.is_empty() {
            break;
        }
    }
    let (segments, cuts) = result.unwrap_or_default();
    let tree_errors = segments.iter().flat_map(|s| {
        s.tree_errors.iter().map(|e| SyntaxError {
            start: e.start + s.base,
            end: e.end + s.base,
            message: e.message.clone(),
        })
    });
    let errors = if check {
        combine(text, &checked, tree_errors)
    } else {
        tree_errors.collect()
    };
    Parse {
        segments,
        errors,
        text: shared.clone(),
        cuts,
        check: resume,
    }
}

/// A run of the new version: one to parse (from its start to the next run's), or one of the
/// previous version whose text is unchanged, at its new offset.
enum Run<'p> {
    New(usize),
    Kept(&'p Segment, usize),
}

impl Run<'_> {
    fn base(&self) -> usize {
        match self {
            Run::New(b) | Run::Kept(_, b) => *b,
        }
    }
}

/// The runs of `text`, a new version of `prev.text`: the runs before the first changed byte
/// and after the last one are kept; the text between is split again, from the start of the
/// run before the one holding the byte before the change, until the split makes a cut where a
/// kept run starts (from there on it would split as before).
fn after_edit<'p>(text: &str, prev: &'p Parse, cuts: Cuts) -> Vec<Run<'p>> {
    let old = prev.text.as_bytes();
    let new = text.as_bytes();
    let (prefix, suffix) = crate::edit::common_ends(old, new);
    let segs = &prev.segments;
    // Split again from the run before the one holding the byte before the change: the
    // change can extend that byte's token, or turn the keyword its run starts with into
    // something else, so that the cut there goes; the cut before is made of unchanged tokens.
    let first = segs.partition_point(|s| s.base < prefix).saturating_sub(2);
    let unchanged_from = old.len() - suffix;
    // New offset of an old offset in the unchanged end of the text.
    let moved = |b: usize| b + new.len() - old.len();
    let kept_after: Vec<usize> = (first + 1..segs.len())
        .filter(|&i| segs[i].base >= unchanged_from)
        .collect();
    let is_kept_start = |b: usize| {
        kept_after
            .binary_search_by(|&i| moved(segs[i].base).cmp(&b))
            .is_ok()
    };
    let restart = segs[first].base;
    let (starts, synced) = segment::starts_until(text, restart, cuts, is_kept_start);
    let mut runs: Vec<Run> = segs[..first].iter().map(|s| Run::Kept(s, s.base)).collect();
    runs.extend(starts.into_iter().map(Run::New));
    if let Some(at) = synced {
        let from = segs.partition_point(|s| s.base < unchanged_from || moved(s.base) < at);
        runs.extend(segs[from..].iter().map(|s| Run::Kept(s, moved(s.base))));
    }
    runs
}

/// Parses the new runs of `text`; `None` when the parser failed (a panic, or no thread to
/// parse on), `Some(None)` when a run nests deeper than the parser may go.
fn parse_runs(text: &str, runs: &[Run]) -> Option<Option<Vec<Segment>>> {
    let run = || {
        let mut out = Vec::with_capacity(runs.len());
        for (i, r) in runs.iter().enumerate() {
            let base = r.base();
            match r {
                Run::Kept(old, _) => out.push(Segment {
                    base,
                    ast: old.ast.clone(),
                    tree_errors: old.tree_errors.clone(),
                }),
                Run::New(_) => {
                    let end = runs.get(i + 1).map_or(text.len(), |n| n.base());
                    let piece = &text[base..end];
                    if too_deep(piece) {
                        return Some(None);
                    }
                    let (ast, tree_errors) = parse_piece(piece)?;
                    out.push(Segment {
                        base,
                        ast: Arc::new(ast),
                        tree_errors: tree_errors.into(),
                    });
                }
            }
        }
        Some(Some(out))
    };
    if BIG_STACK.with(|b| b.get()) {
        return run();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || {
                BIG_STACK.with(|b| b.set(true));
                run()
            })
            .ok()
            .and_then(|handle| handle.join().ok())
            .flatten()
    })
}

/// full_moon's tree and errors for one run (on a big stack already); `None` when it panicked.
fn parse_piece(piece: &str) -> Option<(Ast, Vec<SyntaxError>)> {
    std::panic::catch_unwind(|| {
        // full_moon 3.0.0 without its Luau features reaches `unreachable!()` on a backtick
        // outside a string or comment (found by lsp/tests/fuzz.rs). Lua has no backtick token,
        // so luac's checker (given the real text) reports it; full_moon gets a space instead.
        let tree_text = if piece.contains('`') {
            std::borrow::Cow::Owned(piece.replace('`', " "))
        } else {
            std::borrow::Cow::Borrowed(piece)
        };
        let result = full_moon::parse_fallible(&tree_text, LuaVersion::lua54());
        let errors = result
            .errors()
            .iter()
            .map(|e| {
                let (s, t) = e.range();
                let start = s.bytes().min(piece.len());
                SyntaxError {
                    start,
                    end: t.bytes().clamp(start, piece.len()),
                    message: e.error_message().to_string(),
                }
            })
            .collect();
        (result.into_ast(), errors)
    })
    .ok()
}

/// The parser failed: the checker's errors, or an error of the whole file, and no tree; the
/// server stays up.
fn parser_failed(
    shared: &Arc<str>,
    checked: &[luac::Error],
    check: Option<Arc<luac::Resume>>,
) -> Parse {
    let text: &str = shared;
    let mut errors = combine(text, checked, std::iter::empty());
    if errors.is_empty() {
        errors.push(SyntaxError {
            start: 0,
            end: 0,
            message: "the parser failed on this file".into(),
        });
    }
    Parse {
        segments: Vec::new(),
        errors,
        text: shared.clone(),
        cuts: None,
        check,
    }
}

/// The syntax errors of a text: the checker's (see the module documentation), then
/// full_moon's errors well past the checker's hard error.
fn combine(
    text: &str,
    checked: &[luac::Error],
    full_moon: impl Iterator<Item = SyntaxError>,
) -> Vec<SyntaxError> {
    let Some(first) = checked.first() else {
        return Vec::new();
    };
    let mut errors: Vec<SyntaxError> = checked
        .iter()
        .filter(|e| e.start >= first.start)
        .map(|e| SyntaxError {
            start: e.start,
            end: e.end.max(e.start),
            message: e.message.clone(),
        })
        .collect();
    if let Some(hard) = checked.iter().find(|e| e.fatal) {
        let mut lines = Lines::new(text);
        let hard_line = lines.at(hard.start);
        let mut last_line = errors.iter().map(|e| e.end).max().map(|end| lines.at(end));
        let mut later: Vec<SyntaxError> = full_moon
            .filter(|e| {
                !e.message.contains("to close") && !e.message.contains("needs to be a statement")
            })
            .collect();
        later.sort_by_key(|e| e.start);
        for e in later {
            let line = lines.at(e.start);
            if line < hard_line + 2 {
                continue;
            }
            // A cascade sits on the same line as the previous error or the next one.
            if last_line.is_some_and(|prev| line <= prev + 1) {
                continue;
            }
            last_line = Some(lines.at(e.end));
            errors.push(e);
        }
    }
    errors.sort_by_key(|e| e.start);
    errors
}

/// The 0-based lines of offsets asked for mostly in increasing order: newlines are counted
/// from the previous offset (from the start again when one goes back), so a pass over the
/// text costs as far as the last offset, and a file without late errors pays nothing more.
struct Lines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text: text.as_bytes(),
            offset: 0,
            line: 0,
        }
    }

    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            (self.offset, self.line) = (0, 0);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.offset..offset]).count();
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Whether the nesting of blocks, brackets or unary operators anywhere exceeds
/// [`MAX_NESTING`], scanning past strings and comments.
pub fn too_deep(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth: usize = 0;
    let mut unary_run: usize = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i += 2;
                if let Some(level) = long_bracket(b, i) {
                    i = skip_long(b, i, level);
                } else {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                unary_run = 0;
                continue;
            }
            b'[' => {
                if let Some(level) = long_bracket(b, i) {
                    i = skip_long(b, i, level);
                    unary_run = 0;
                    continue;
                }
                depth += 1;
            }
            b'(' | b'{' => depth += 1,
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            b'-' | b'#' | b'~' => {
                unary_run += 1;
                if unary_run > MAX_NESTING {
                    return true;
                }
                i += 1;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                match &b[start..i] {
                    b"function" | b"do" | b"if" | b"repeat" => depth += 1,
                    b"end" | b"until" => depth = depth.saturating_sub(1),
                    b"not" => {
                        unary_run += 1;
                        if unary_run > MAX_NESTING {
                            return true;
                        }
                        continue;
                    }
                    _ => {}
                }
                unary_run = 0;
                if depth > MAX_NESTING {
                    return true;
                }
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        unary_run = 0;
        if depth > MAX_NESTING {
            return true;
        }
        i += 1;
    }
    false
}

/// The level of a long bracket `[==[` starting at `i`, if one starts there.
fn long_bracket(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while b.get(j) == Some(&b'=') {
        j += 1;
    }
    (b.get(j) == Some(&b'[')).then_some(j - i - 1)
}

fn skip_long(b: &[u8], i: usize, level: usize) -> usize {
    let mut j = i + level + 2;
    while j < b.len() {
        if b[j] == b']' {
            let mut k = j + 1;
            let mut eq = 0;
            while b.get(k) == Some(&b'=') {
                eq += 1;
                k += 1;
            }
            if eq == level && b.get(k) == Some(&b']') {
                return k + 1;
            }
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_code_has_no_errors() {
        let p =
            parse("local x <const> = 1\nlocal t <close> = nil\ngoto done\n::done::\nreturn x // 2");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
    }

    #[test]
    fn one_broken_line_gives_one_error_on_that_line() {
        let text = "local a = 1\nlocal b = = 2\nlocal c = 3\nfunction f() return c end\n";
        let p = parse(text);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(line_of(text, p.errors[0].start), 1);
        // The rest of the file still parses into statements.
        assert!(p.stmts().count() >= 3);
    }

    #[test]
    fn a_backtick_is_luacs_error_not_a_parser_crash() {
        // Found by lsp/tests/fuzz.rs: full_moon panicked on a backtick in code.
        for text in ["local s = `x`\nlocal t = 1\n", "print(\"`ok`\")\n`", "`"] {
            let p = parse(text);
            let on_own_thread = spawn_parse_thread("t", move || parse(text).errors.len())
                .expect("thread")
                .join()
                .expect("no panic on a big stack either");
            assert_eq!(on_own_thread, p.errors.len());
            if text.starts_with("print") {
                assert_eq!(line_of(text, p.errors[0].start), 1, "{:?}", p.errors);
            }
            assert!(!p.errors.is_empty(), "{text:?}");
            assert!(
                p.errors[0].message.contains("unexpected symbol near '`'"),
                "{:?}",
                p.errors
            );
        }
        // Inside a string it is ordinary text.
        assert!(parse("print('`code`')\n").errors.is_empty());
    }

    #[test]
    fn errors_follow_luac_then_later_broken_lines() {
        // luac's first error first, with its message, on its line.
        let text = "local t = {\n  a = 1\n  b = 2\n}\n";
        let p = parse(text);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(
            p.errors[0].message,
            "'}' expected (to close '{' at line 1) near 'b'"
        );
        assert_eq!(line_of(text, p.errors[0].start), 2);
        // Semantic errors before the hard error are all reported; a broken line well after it
        // is reported too, the line right after it is taken for a cascade.
        let text =
            "local k <const> = 1\nk = 2\nk = 3\nlocal a = = 1\nlocal b = = 2\n\n\nlocal c = = 3\n";
        let p = parse(text);
        let lines: Vec<usize> = p.errors.iter().map(|e| line_of(text, e.start)).collect();
        assert_eq!(lines, [1, 2, 3, 7], "{:?}", p.errors);
        assert_eq!(p.errors[2].message, "unexpected symbol near '='");
        // A text luac accepts has no errors.
        assert!(parse("local s <const> = [==[\n]]\n]==] goto x ::x::")
            .errors
            .is_empty());
    }

    #[test]
    fn deep_nesting_is_refused_without_crashing() {
        let text = format!("x = {}1{}", "(".repeat(5000), ")".repeat(5000));
        let p = parse(&text);
        assert_eq!(p.errors.len(), 1);
        // luac's own message when it refuses the text too.
        assert_eq!(p.errors[0].message, "C stack overflow");
        let blocks = format!("{}{}", "do ".repeat(3000), "end ".repeat(3000));
        assert!(!parse(&blocks).errors.is_empty());
        let nots = format!("x = {}true", "not ".repeat(3000));
        assert!(!parse(&nots).errors.is_empty());
    }

    #[test]
    fn nesting_luac_accepts_parses_into_a_tree() {
        // The deepest nesting luac5.4 accepts: 196 parentheses, 198 blocks.
        let text = format!("x = {}1{}", "(".repeat(196), ")".repeat(196));
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.stmts().count(), 1);
        let blocks = format!("{}{}", "do ".repeat(198), "end ".repeat(198));
        let p = parse(&blocks);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.stmts().count(), 1);
        // One more block and luac refuses it; so does the server, with luac's message.
        let deeper = format!("{}{}", "do ".repeat(199), "end ".repeat(199));
        assert_eq!(parse(&deeper).errors[0].message, "C stack overflow");
    }
}
