//! Parsing Lua 5.4 with full_moon, fallibly, without ever overflowing the stack.
//!
//! Invariants: [`parse`] never fails and never panics; it returns a tree (partial when the text
//! has errors) and the syntax errors, at most one per region of adjacent lines, because
//! full_moon follows a real error with cascading ones. full_moon recurses per nesting level and
//! a stack overflow aborts the process, so text nested deeper than Lua itself accepts is
//! refused before parsing, and parsing runs on a thread with a large reserved stack.

use full_moon::ast::Ast;
use full_moon::LuaVersion;

/// Deepest nesting of blocks and brackets accepted; `luac` refuses past about 200 C levels.
pub const MAX_NESTING: usize = 190;

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

/// The result of parsing one text: always a tree, plus the errors met on the way.
pub struct Parse {
    /// The (possibly partial) tree.
    pub ast: Ast,
    /// Syntax errors, sorted by position, cascades removed.
    pub errors: Vec<SyntaxError>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parse")
            .field("errors", &self.errors)
            .finish_non_exhaustive()
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
    if let Some((offset, depth)) = too_deep(text) {
        let empty = full_moon::parse_fallible("", LuaVersion::lua54()).into_ast();
        return Parse {
            ast: empty,
            errors: vec![SyntaxError {
                start: offset,
                end: offset,
                message: format!("nesting deeper than {depth} levels"),
            }],
        };
    }
    if BIG_STACK.with(|b| b.get()) {
        return parse_now(text);
    }
    let run = || parse_now(text);
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, run)
            .ok()
            .map(|handle| handle.join())
    });
    match spawned {
        Some(Ok(parse)) => parse,
        // The thread could not start (resources) or the parser panicked: report it as an error
        // of the whole file rather than bringing the server down.
        _ => Parse {
            ast: full_moon::parse_fallible("", LuaVersion::lua54()).into_ast(),
            errors: vec![SyntaxError {
                start: 0,
                end: 0,
                message: "the parser failed on this file".into(),
            }],
        },
    }
}

fn parse_now(text: &str) -> Parse {
    let result = full_moon::parse_fallible(text, LuaVersion::lua54());
    let mut raw: Vec<SyntaxError> = result
        .errors()
        .iter()
        .map(|e| {
            let (s, t) = e.range();
            let start = s.bytes().min(text.len());
            SyntaxError {
                start,
                end: t.bytes().clamp(start, text.len()),
                message: e.error_message().to_string(),
            }
        })
        .collect();
    // An unclosed block reported around a real error inside it is that error's cascade.
    let cascade = |e: &SyntaxError| {
        e.message.contains("to close") || e.message.contains("needs to be a statement")
    };
    let inner: Vec<usize> = raw
        .iter()
        .filter(|e| !cascade(e))
        .map(|e| e.start)
        .collect();
    raw.retain(|e| !(e.message.contains("to close") && inner.iter().any(|&s| s > e.start)));
    for e in &mut raw {
        relocate(text, e);
    }
    raw.extend(super::compile_checks::check(result.ast(), text));
    raw.sort_by_key(|e| e.start);
    let mut errors: Vec<SyntaxError> = Vec::new();
    let mut last_line: Option<usize> = None;
    for e in raw {
        let line = line_of(text, e.start);
        if let Some(prev) = last_line {
            // A cascade sits on the same line as the real error or the next one.
            if line <= prev + 1 {
                continue;
            }
        }
        last_line = Some(line_of(text, e.end));
        errors.push(e);
    }
    Parse {
        ast: result.into_ast(),
        errors,
    }
}

/// Moves an "expected ..." error to the token the parser could not use, where `luac` reports
/// it: full_moon places these on the last good token (or the whole unclosed block) instead.
fn relocate(text: &str, e: &mut SyntaxError) {
    // "... after expression" errors already sit on the offending token.
    if !e.message.starts_with("expected") || e.message.ends_with("after expression") {
        return;
    }
    let at = next_token(text, e.end);
    let mut end = at;
    let b = text.as_bytes();
    while end < b.len() && !b[end].is_ascii_whitespace() {
        end += 1;
    }
    e.start = at;
    e.end = end.max(at);
}

/// The offset of the first byte at or after `from` that is not whitespace or a comment.
fn next_token(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from.min(b.len());
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'-' && b[i + 1] == b'-' {
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
        return i;
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Finds where the nesting of blocks, brackets or unary operators first exceeds
/// [`MAX_NESTING`], scanning past strings and comments.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
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
                    return Some((i, MAX_NESTING));
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
                            return Some((start, MAX_NESTING));
                        }
                        continue;
                    }
                    _ => {}
                }
                unary_run = 0;
                if depth > MAX_NESTING {
                    return Some((start, MAX_NESTING));
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
            return Some((i, MAX_NESTING));
        }
        i += 1;
    }
    None
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
        assert!(p.ast.nodes().stmts().count() >= 3);
    }

    #[test]
    fn deep_nesting_is_refused_without_crashing() {
        let text = format!("x = {}1{}", "(".repeat(5000), ")".repeat(5000));
        let p = parse(&text);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].message.contains("nesting"));
        let blocks = format!("{}{}", "do ".repeat(3000), "end ".repeat(3000));
        assert!(!parse(&blocks).errors.is_empty());
        let nots = format!("x = {}true", "not ".repeat(3000));
        assert!(!parse(&nots).errors.is_empty());
    }

    #[test]
    fn moderate_nesting_parses() {
        let text = format!("x = {}1{}", "(".repeat(150), ")".repeat(150));
        assert!(parse(&text).errors.is_empty());
        let blocks = format!("{}{}", "do ".repeat(150), "end ".repeat(150));
        assert!(parse(&blocks).errors.is_empty());
    }
}
