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
    let b = text.as_bytes();
    let start = start_offset(b);
    if b.get(start) == Some(&0x1b) {
        // `luaL_loadfilex` reads a text starting with ESC as a precompiled chunk.
        return vec![Error {
            fatal: true,
            message: "bad binary format (truncated chunk)".into(),
            line: 1,
            start,
            end: start + 1,
        }];
    }
    let mut parser = parser::Parser::new(lexer::Lexer::new(b, start));
    let fatal = parser.mainfunc().err();
    let mut errors = std::mem::take(&mut parser.semantic);
    errors.extend(fatal);
    errors
}

#[cfg(test)]
mod tests;
