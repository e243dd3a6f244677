//! The lexer of the syntax checker: a port of Lua 5.4's `llex.c` (and of `luaO_str2num` for
//! numerals), producing tokens one at a time as the parser asks for them.
//!
//! Only what the checker needs is kept: token kinds and their byte spans (names are slices of
//! the text; string and numeral values are not built). Errors carry `luac`'s message and the
//! line the lexer was on when it met them, which is what `luac` reports.

use super::Error;

/// A token kind; single characters keep their byte, as in `llex.c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A single-character token (`+`, `(`, a stray `@` or a non-ASCII byte, ...).
    Char(u8),
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    IDiv,
    Concat,
    Dots,
    Eq,
    Ge,
    Le,
    Ne,
    Shl,
    Shr,
    DbColon,
    Eos,
    Flt,
    Int,
    Name,
    String,
}

impl Tok {
    /// `luaX_token2str`: how messages name a token kind.
    pub fn describe(self) -> String {
        let fixed = match self {
            Tok::Char(c) => {
                return if (0x20..0x7f).contains(&c) {
                    format!("'{}'", c as char)
                } else {
                    format!("'<\\{c}>'")
                };
            }
            Tok::And => "and",
            Tok::Break => "break",
            Tok::Do => "do",
            Tok::Else => "else",
            Tok::Elseif => "elseif",
            Tok::End => "end",
            Tok::False => "false",
            Tok::For => "for",
            Tok::Function => "function",
            Tok::Goto => "goto",
            Tok::If => "if",
            Tok::In => "in",
            Tok::Local => "local",
            Tok::Nil => "nil",
            Tok::Not => "not",
            Tok::Or => "or",
            Tok::Repeat => "repeat",
            Tok::Return => "return",
            Tok::Then => "then",
            Tok::True => "true",
            Tok::Until => "until",
            Tok::While => "while",
            Tok::IDiv => "//",
            Tok::Concat => "..",
            Tok::Dots => "...",
            Tok::Eq => "==",
            Tok::Ge => ">=",
            Tok::Le => "<=",
            Tok::Ne => "~=",
            Tok::Shl => "<<",
            Tok::Shr => ">>",
            Tok::DbColon => "::",
            Tok::Eos => return "<eof>".into(),
            Tok::Flt => return "<number>".into(),
            Tok::Int => return "<integer>".into(),
            Tok::Name => return "<name>".into(),
            Tok::String => return "<string>".into(),
        };
        format!("'{fixed}'")
    }
}

/// `txtToken`: how a message names the token it is near: quoted text (`raw`, what was read of
/// it) for names, strings and numerals, else its kind.
pub fn txt_token(tok: Tok, raw: &[u8]) -> String {
    match tok {
        Tok::Name | Tok::String | Tok::Flt | Tok::Int => {
            format!("'{}'", String::from_utf8_lossy(raw))
        }
        other => other.describe(),
    }
}

/// One token: its kind, its bytes, and the line the lexer was on after reading it.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
    /// `ls->linenumber` once the token is read: the line where it ends.
    pub line: u32,
    /// Byte offset where that line starts.
    pub line_start: usize,
}

impl Token {
    /// The start of the token's span, moved to the start of its last line when it spans lines.
    pub fn start_on_last_line(&self) -> usize {
        self.start.max(self.line_start).min(self.end)
    }
}

/// The lexer state (`LexState` minus the parser's parts).
pub struct Lexer<'a> {
    src: &'a [u8],
    /// Offset of `ls->current`; `src.len()` is `EOZ`.
    pos: usize,
    /// `ls->linenumber`.
    pub line: u32,
    /// Byte offset where line `line` starts.
    pub line_start: usize,
}

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `lisspace`: the C locale's spaces.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn reserved(word: &[u8]) -> Option<Tok> {
    Some(match word {
        b"and" => Tok::And,
        b"break" => Tok::Break,
        b"do" => Tok::Do,
        b"else" => Tok::Else,
        b"elseif" => Tok::Elseif,
        b"end" => Tok::End,
        b"false" => Tok::False,
        b"for" => Tok::For,
        b"function" => Tok::Function,
        b"goto" => Tok::Goto,
        b"if" => Tok::If,
        b"in" => Tok::In,
        b"local" => Tok::Local,
        b"nil" => Tok::Nil,
        b"not" => Tok::Not,
        b"or" => Tok::Or,
        b"repeat" => Tok::Repeat,
        b"return" => Tok::Return,
        b"then" => Tok::Then,
        b"true" => Tok::True,
        b"until" => Tok::Until,
        b"while" => Tok::While,
        _ => return None,
    })
}

impl<'a> Lexer<'a> {
    /// Starts lexing `src` at `pos` (past a byte-order mark or a `#` first line, as
    /// `luaL_loadfilex` skips them).
    pub fn new(src: &'a [u8], pos: usize) -> Self {
        Lexer {
            src,
            pos: pos.min(src.len()),
            line: 1,
            line_start: 0,
        }
    }

    /// A lexer at `pos`, which starts line `line` (1-based) at `line_start`: where an earlier
    /// check stood (see `super::parser::Point`).
    pub fn at(src: &'a [u8], pos: usize, line: u32, line_start: usize) -> Self {
        Lexer {
            src,
            pos: pos.min(src.len()),
            line,
            line_start,
        }
    }

    /// The text being lexed.
    pub fn source(&self) -> &'a [u8] {
        self.src
    }

    /// Where `part`, a slice of the text, starts in it.
    pub fn offset_of(&self, part: &[u8]) -> Option<usize> {
        let base = self.src.as_ptr() as usize;
        let at = (part.as_ptr() as usize).checked_sub(base)?;
        (at + part.len() <= self.src.len()).then_some(at)
    }

    fn current(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn advance(&mut self) {
        if self.pos < self.src.len() {
            self.pos += 1;
        }
    }

    fn at_newline(&self) -> bool {
        matches!(self.current(), Some(b'\n' | b'\r'))
    }

    /// `inclinenumber`: skips `\n`, `\r`, `\n\r` or `\r\n` and counts one line.
    fn inc_line(&mut self) {
        let old = self.current();
        self.advance();
        if self.at_newline() && self.current() != old {
            self.advance();
        }
        self.line = self.line.saturating_add(1);
        self.line_start = self.pos;
    }

    fn check_next1(&mut self, c: u8) -> bool {
        if self.current() == Some(c) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// The operator that starts with `first`: the two-byte one whose second byte is next, if
    /// `pairs` has one (consuming that byte), else `first` alone.
    fn operator(&mut self, first: u8, pairs: &[(u8, Tok)]) -> Tok {
        for &(second, tok) in pairs {
            if self.check_next1(second) {
                return tok;
            }
        }
        Tok::Char(first)
    }

    fn check_next2(&mut self, set: &[u8; 2]) -> bool {
        match self.current() {
            Some(c) if c == set[0] || c == set[1] => {
                self.advance();
                true
            }
            _ => false,
        }
    }

    /// `lexerror`: `msg near <text>`, where the text is what was read of the token so far
    /// (for names, strings and numerals) or the token's name.
    fn error(&self, msg: &str, start: usize, near: Option<Tok>) -> Error {
        let end = self.pos.max(start);
        let message = match near {
            Some(t) => format!(
                "{msg} near {}",
                txt_token(t, &self.src[start.min(end)..end])
            ),
            None => msg.to_string(),
        };
        Error {
            fatal: true,
            message,
            line: self.line,
            start: start.max(self.line_start).min(end),
            end,
        }
    }

    /// Reads the next token (`llex`).
    pub fn next_token(&mut self) -> Result<Token, Error> {
        let tok_start;
        let tok = loop {
            let start = self.pos;
            let Some(c) = self.current() else {
                tok_start = start;
                break Tok::Eos;
            };
            match c {
                b'\n' | b'\r' => self.inc_line(),
                b' ' | b'\t' | 0x0b | 0x0c => self.advance(),
                b'-' => {
                    self.advance();
                    if self.current() != Some(b'-') {
                        tok_start = start;
                        break Tok::Char(b'-');
                    }
                    self.advance();
                    if self.current() == Some(b'[') {
                        let sep = self.skip_sep();
                        if sep >= 2 {
                            self.read_long_string(start, sep, false)?;
                            continue;
                        }
                    }
                    while !self.at_newline() && self.current().is_some() {
                        self.advance();
                    }
                }
                b'[' => {
                    tok_start = start;
                    let sep = self.skip_sep();
                    if sep >= 2 {
                        self.read_long_string(start, sep, true)?;
                        break Tok::String;
                    } else if sep == 0 {
                        return Err(self.error(
                            "invalid long string delimiter",
                            start,
                            Some(Tok::String),
                        ));
                    }
                    break Tok::Char(b'[');
                }
                b'=' | b'<' | b'>' | b'/' | b'~' | b':' => {
                    tok_start = start;
                    self.advance();
                    // The first byte of a one- or two-byte operator, as in llex.c.
                    let pairs: &[(u8, Tok)] = match c {
                        b'=' => &[(b'=', Tok::Eq)],
                        b'<' => &[(b'=', Tok::Le), (b'<', Tok::Shl)],
                        b'>' => &[(b'=', Tok::Ge), (b'>', Tok::Shr)],
                        b'/' => &[(b'/', Tok::IDiv)],
                        b'~' => &[(b'=', Tok::Ne)],
                        _ => &[(b':', Tok::DbColon)],
                    };
                    break self.operator(c, pairs);
                }
                b'"' | b'\'' => {
                    tok_start = start;
                    self.read_string(c, start)?;
                    break Tok::String;
                }
                b'.' => {
                    tok_start = start;
                    self.advance();
                    if self.check_next1(b'.') {
                        break if self.check_next1(b'.') {
                            Tok::Dots
                        } else {
                            Tok::Concat
                        };
                    } else if !self.current().is_some_and(|c| c.is_ascii_digit()) {
                        break Tok::Char(b'.');
                    }
                    break self.read_numeral(start)?;
                }
                b'0'..=b'9' => {
                    tok_start = start;
                    break self.read_numeral(start)?;
                }
                _ if is_alpha(c) => {
                    tok_start = start;
                    while self.current().is_some_and(is_alnum) {
                        self.advance();
                    }
                    break reserved(&self.src[start..self.pos]).unwrap_or(Tok::Name);
                }
                _ => {
                    tok_start = start;
                    self.advance();
                    break Tok::Char(c);
                }
            }
        };
        Ok(Token {
            tok,
            start: tok_start,
            end: self.pos,
            line: self.line,
            line_start: self.line_start,
        })
    }

    /// The text of a token.
    pub fn text(&self, t: &Token) -> &'a [u8] {
        let src: &'a [u8] = self.src;
        src.get(t.start..t.end).unwrap_or(&[])
    }

    /// `read_numeral`: reads liberally, then validates with `luaO_str2num`.
    fn read_numeral(&mut self, start: usize) -> Result<Tok, Error> {
        let mut expo = b"Ee";
        let first = self.current();
        self.advance();
        if first == Some(b'0') && self.check_next2(b"xX") {
            expo = b"Pp";
        }
        loop {
            if self.check_next2(expo) {
                self.check_next2(b"-+");
            } else if self
                .current()
                .is_some_and(|c| c.is_ascii_hexdigit() || c == b'.')
            {
                self.advance();
            } else {
                break;
            }
        }
        if self.current().is_some_and(is_alpha) {
            self.advance();
        }
        match str2num(&self.src[start..self.pos]) {
            Some(tok) => Ok(tok),
            None => Err(self.error("malformed number", start, Some(Tok::Flt))),
        }
    }

    /// `skip_sep`: reads `[=*[` or `]=*]` up to the last bracket; returns the count of `=`
    /// plus 2 when well formed, 1 for a lone bracket, 0 for an unfinished `[==`.
    fn skip_sep(&mut self) -> usize {
        let s = self.current();
        let mut count = 0;
        self.advance();
        while self.current() == Some(b'=') {
            self.advance();
            count += 1;
        }
        if self.current() == s {
            count + 2
        } else if count == 0 {
            1
        } else {
            0
        }
    }

    fn read_long_string(&mut self, start: usize, sep: usize, string: bool) -> Result<(), Error> {
        let line = self.line;
        self.advance();
        if self.at_newline() {
            self.inc_line();
        }
        loop {
            match self.current() {
                None => {
                    let what = if string { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {line})");
                    return Err(self.error(&msg, start, Some(Tok::Eos)));
                }
                Some(b']') => {
                    if self.skip_sep() == sep {
                        self.advance();
                        return Ok(());
                    }
                }
                Some(b'\n' | b'\r') => self.inc_line(),
                Some(_) => self.advance(),
            }
        }
    }

    /// `esccheck`: on failure, takes the current character into the message and fails.
    fn esc_check(&mut self, ok: bool, msg: &str, start: usize) -> Result<(), Error> {
        if ok {
            return Ok(());
        }
        if self.current().is_some() {
            self.advance();
        }
        Err(self.error(msg, start, Some(Tok::String)))
    }

    fn get_hexa(&mut self, start: usize) -> Result<u32, Error> {
        self.advance();
        let c = self.current();
        self.esc_check(
            c.is_some_and(|c| c.is_ascii_hexdigit()),
            "hexadecimal digit expected",
            start,
        )?;
        Ok(c.and_then(|c| (c as char).to_digit(16)).unwrap_or(0))
    }

    fn read_string(&mut self, del: u8, start: usize) -> Result<(), Error> {
        self.advance();
        while self.current() != Some(del) {
            match self.current() {
                None => return Err(self.error("unfinished string", start, Some(Tok::Eos))),
                Some(b'\n' | b'\r') => {
                    return Err(self.error("unfinished string", start, Some(Tok::String)))
                }
                Some(b'\\') => {
                    self.advance();
                    match self.current() {
                        Some(
                            b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'"' | b'\'',
                        ) => self.advance(),
                        Some(b'x') => {
                            self.get_hexa(start)?;
                            self.get_hexa(start)?;
                            self.advance();
                        }
                        Some(b'u') => self.utf8_escape(start)?,
                        Some(b'\n' | b'\r') => self.inc_line(),
                        None => {}
                        Some(b'z') => {
                            self.advance();
                            while self.current().is_some_and(is_space) {
                                if self.at_newline() {
                                    self.inc_line();
                                } else {
                                    self.advance();
                                }
                            }
                        }
                        Some(c) => {
                            self.esc_check(c.is_ascii_digit(), "invalid escape sequence", start)?;
                            let mut r: u32 = 0;
                            let mut i = 0;
                            while i < 3 {
                                match self.current() {
                                    Some(d) if d.is_ascii_digit() => {
                                        r = 10 * r + u32::from(d - b'0');
                                        self.advance();
                                    }
                                    _ => break,
                                }
                                i += 1;
                            }
                            self.esc_check(r <= 255, "decimal escape too large", start)?;
                        }
                    }
                }
                Some(_) => self.advance(),
            }
        }
        self.advance();
        Ok(())
    }

    /// `readutf8esc`: `\u{XXX}`, at most 2^31 - 1.
    fn utf8_escape(&mut self, start: usize) -> Result<(), Error> {
        self.advance();
        let brace = self.current() == Some(b'{');
        self.esc_check(brace, "missing '{'", start)?;
        let mut r = self.get_hexa(start)?;
        loop {
            self.advance();
            let Some(d) = self.current().and_then(|c| (c as char).to_digit(16)) else {
                break;
            };
            self.esc_check(r <= (0x7FFF_FFFF >> 4), "UTF-8 value too large", start)?;
            r = (r << 4) + d;
        }
        let close = self.current() == Some(b'}');
        self.esc_check(close, "missing '}'", start)?;
        self.advance();
        Ok(())
    }
}

/// `luaO_str2num` on a numeral read by `read_numeral`: its kind, or `None` when malformed.
/// Decimal and hexadecimal integers (overflowing decimals become floats, hexadecimals wrap),
/// decimal floats and hexadecimal floats with `p` exponents; never `inf` or `nan`.
pub fn str2num(s: &[u8]) -> Option<Tok> {
    let hex = s.len() >= 2 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X');
    let body = if hex { &s[2..] } else { s };
    let digit = |c: &u8| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    if !body.is_empty() && body.iter().all(digit) {
        return Some(Tok::Int);
    }
    if s.iter().any(|&c| c == b'n' || c == b'N') {
        return None;
    }
    // The float syntax `strtod` accepts, which must cover the whole numeral.
    let mut i = 0;
    let mut mantissa = 0;
    while body.get(i).is_some_and(digit) {
        i += 1;
        mantissa += 1;
    }
    if body.get(i) == Some(&b'.') {
        i += 1;
        while body.get(i).is_some_and(digit) {
            i += 1;
            mantissa += 1;
        }
    }
    if mantissa == 0 {
        return None;
    }
    let exp: &[u8] = if hex { b"pP" } else { b"eE" };
    if body.get(i).is_some_and(|c| exp.contains(c)) {
        i += 1;
        if matches!(body.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let digits = i;
        while body.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits {
            return None;
        }
    }
    (i == body.len()).then_some(Tok::Flt)
}
