//! What the cursor is in, read from the tokens just before it, not from the tree.
//!
//! Completion and signature help must work while the user types, when the tree around the
//! cursor is usually broken. So this module lexes a window of text before the cursor with a
//! small Lua lexer and reads the context backwards: a member access `a.b:`, a string argument
//! of a call, an argument list, or a plain name. The receiver chain is then resolved to a type
//! with the file's [`Model`] (locals, `self` fields) and the [`Api`].

use super::members::Member;
use super::model::{returns_component, ty_from_api, Callee, Model, Returns, Ty};
use crescent_api::Api;

/// How far back the lexer looks.
const WINDOW: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident,
    Str { terminated: bool },
    Number,
    Punct,
    Comment { terminated: bool },
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// Identifier or punctuation text, or a string's contents.
    text: String,
}

/// One step of an expression chain such as `self.entity:get("Transform")`.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    /// The first name.
    Name(String),
    /// `.name`.
    Field(String),
    /// `:name(...)` with its first argument when it is a string literal.
    Method(String, Option<String>),
    /// `(...)` with its first argument when it is a string literal.
    Call(Option<String>),
    /// `[...]`.
    Index,
}

/// The call whose argument list holds the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct CallContext {
    /// The callee, ending with the function's name (`Field`, `Method` without args, or `Name`).
    pub callee: Vec<Seg>,
    /// Zero-based index of the argument under the cursor.
    pub arg_index: usize,
    /// Offset of the `(`.
    pub open_paren: usize,
    /// Whether the cursor is inside a table constructor given as that argument.
    pub in_table: bool,
    /// String literal arguments before the cursor, by position.
    pub string_args: Vec<Option<String>>,
}

/// What the cursor is in.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorContext {
    /// Inside a comment: nothing to complete.
    Comment,
    /// Inside a string literal; `prefix` is its text before the cursor.
    String {
        /// Offset where the string's contents start.
        content_start: usize,
        /// Contents before the cursor.
        prefix: String,
        /// The call it is an argument of, if any.
        call: Option<CallContext>,
    },
    /// After `receiver.` or `receiver:`.
    Member {
        /// The chain before the dot or colon.
        receiver: Vec<Seg>,
        /// Whether it was `:`.
        method: bool,
        /// Name typed so far.
        prefix: String,
        /// Offset where the typed name starts.
        prefix_start: usize,
    },
    /// A plain name (or nothing) at statement or expression position.
    Name {
        /// Name typed so far.
        prefix: String,
        /// Offset where it starts.
        prefix_start: usize,
        /// The call whose arguments hold the cursor, if any.
        call: Option<CallContext>,
        /// Whether the cursor starts a statement (the previous token ends one or opens a block).
        statement_start: bool,
    },
}

fn lex(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i += 2;
            let (end, terminated) = match long_level(b, i) {
                Some(level) => skip_long(b, i, level, to),
                None => {
                    while i < to && b[i] != b'\n' {
                        i += 1;
                    }
                    (i, i < to)
                }
            };
            i = end;
            out.push(Tok {
                kind: Kind::Comment { terminated },
                start,
                end,
                text: String::new(),
            });
            continue;
        }
        if c == b'"' || c == b'\'' {
            i += 1;
            let mut terminated = false;
            while i < to {
                if b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == c {
                    terminated = true;
                    i += 1;
                    break;
                }
                if b[i] == b'\n' {
                    break;
                }
                i += 1;
            }
            let i2 = i.min(to);
            let content_end = if terminated { i2 - 1 } else { i2 };
            let content = text.get(start + 1..content_end).unwrap_or("").to_string();
            out.push(Tok {
                kind: Kind::Str { terminated },
                start,
                end: i2,
                text: content,
            });
            i = i2;
            continue;
        }
        if c == b'[' {
            if let Some(level) = long_level(b, i) {
                let (end, terminated) = skip_long(b, i, level, to);
                let content = text
                    .get(i + level + 2..end.min(to))
                    .unwrap_or("")
                    .to_string();
                out.push(Tok {
                    kind: Kind::Str { terminated },
                    start,
                    end,
                    text: content,
                });
                i = end;
                continue;
            }
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < to && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            out.push(Tok {
                kind: Kind::Ident,
                start,
                end: i,
                text: text.get(start..i).unwrap_or("").to_string(),
            });
            continue;
        }
        if c.is_ascii_digit() {
            while i < to && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok {
                kind: Kind::Number,
                start,
                end: i,
                text: String::new(),
            });
            continue;
        }
        let three = text.get(i..(i + 3).min(to)).unwrap_or("");
        let two = text.get(i..(i + 2).min(to)).unwrap_or("");
        let len = if three == "..." {
            3
        } else if ["..", "::", "==", "~=", "<=", ">=", "//", "<<", ">>"].contains(&two) {
            2
        } else {
            1
        };
        i += len;
        out.push(Tok {
            kind: Kind::Punct,
            start,
            end: i,
            text: text.get(start..i).unwrap_or("").to_string(),
        });
    }
    out
}

fn long_level(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while b.get(j) == Some(&b'=') {
        j += 1;
    }
    (b.get(j) == Some(&b'[')).then_some(j - i - 1)
}

fn skip_long(b: &[u8], i: usize, level: usize, to: usize) -> (usize, bool) {
    let mut j = i + level + 2;
    while j < to {
        if b[j] == b']' {
            let mut k = j + 1;
            let mut eq = 0;
            while k < to && b[k] == b'=' {
                eq += 1;
                k += 1;
            }
            if eq == level && k < to && b[k] == b']' {
                return (k + 1, true);
            }
        }
        j += 1;
    }
    (to, false)
}

fn is(t: &Tok, p: &str) -> bool {
    t.kind == Kind::Punct && t.text == p
}

/// The stretch of text the cursor contexts read: `(from, offset)`, with `offset` clamped to a
/// character boundary and `from` at most [`WINDOW`] bytes before it, at a line start so the
/// lexer does not begin inside a token.
fn window(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut from = offset.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    if from > 0 {
        from = text[from..offset]
            .find('\n')
            .map(|n| from + n + 1)
            .unwrap_or(offset);
    }
    (from, offset)
}

/// Reads the context of the cursor at byte `offset`.
pub fn cursor_context(text: &str, offset: usize) -> CursorContext {
    let (from, offset) = window(text, offset);
    let toks = lex(text, from, offset);
    let Some(last) = toks.last() else {
        return CursorContext::Name {
            prefix: String::new(),
            prefix_start: offset,
            call: None,
            statement_start: true,
        };
    };
    match &last.kind {
        Kind::Comment { terminated: false } => return CursorContext::Comment,
        Kind::Str { terminated: false } if last.end == offset => {
            let content_start = offset - last.text.len();
            let toks: Vec<Tok> = toks[..toks.len() - 1]
                .iter()
                .filter(|t| !matches!(t.kind, Kind::Comment { .. }))
                .cloned()
                .collect();
            let call = call_context(&toks);
            return CursorContext::String {
                content_start,
                prefix: last.text.clone(),
                call,
            };
        }
        _ => {}
    }
    let toks: Vec<Tok> = toks
        .into_iter()
        .filter(|t| !matches!(t.kind, Kind::Comment { .. }))
        .collect();
    let Some(last) = toks.last() else {
        return CursorContext::Name {
            prefix: String::new(),
            prefix_start: offset,
            call: None,
            statement_start: true,
        };
    };
    let (prefix, prefix_start, before) = if last.kind == Kind::Ident && last.end == offset {
        (last.text.clone(), last.start, &toks[..toks.len() - 1])
    } else {
        (String::new(), offset, &toks[..])
    };
    if let Some(dot) = before.last() {
        if is(dot, ".") || is(dot, ":") {
            let receiver = chain_before(&before[..before.len() - 1]);
            if !receiver.is_empty() {
                return CursorContext::Member {
                    receiver,
                    method: is(dot, ":"),
                    prefix,
                    prefix_start,
                };
            }
        }
    }
    let statement_start = match before.last() {
        None => true,
        Some(t) => match t.kind {
            Kind::Ident => {
                matches!(
                    t.text.as_str(),
                    "do" | "then" | "else" | "end" | "repeat" | "break"
                ) || before.len() >= 2
                    && !matches!(before[before.len() - 2].kind, Kind::Punct)
                    && !is_keyword(&t.text)
            }
            Kind::Punct => t.text == ")" || t.text == ";" || t.text == "]" || t.text == "}",
            Kind::Str { .. } | Kind::Number => true,
            Kind::Comment { .. } => true,
        },
    };
    CursorContext::Name {
        prefix,
        prefix_start,
        call: call_context(before),
        statement_start,
    }
}

/// The call whose argument list holds the cursor at `offset`, read from the tokens before it.
pub fn call_at(text: &str, offset: usize) -> Option<CallContext> {
    let (from, offset) = window(text, offset);
    let toks: Vec<Tok> = lex(text, from, offset)
        .into_iter()
        .filter(|t| !matches!(t.kind, Kind::Comment { .. }))
        .collect();
    call_context(&toks)
}

/// Lua's reserved words.
pub const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// The call whose argument list is open at the end of `toks`.
fn call_context(toks: &[Tok]) -> Option<CallContext> {
    let mut depth = 0usize;
    let mut arg_index = 0;
    let mut in_table = false;
    let mut i = toks.len();
    let mut strings_rev: Vec<Option<String>> = Vec::new();
    let mut current_is_string: Option<String> = None;
    let mut current_tokens = 0;
    while i > 0 {
        i -= 1;
        let t = &toks[i];
        if t.kind == Kind::Punct {
            match t.text.as_str() {
                ")" | "]" | "}" => depth += 1,
                "(" | "[" | "{" if depth > 0 => depth -= 1,
                "{" => {
                    in_table = true;
                    arg_index = 0;
                    strings_rev.clear();
                    current_tokens = 0;
                    current_is_string = None;
                    continue;
                }
                "(" => {
                    if current_tokens > 0 {
                        strings_rev.push(current_is_string.take());
                    }
                    let callee = chain_before(&toks[..i]);
                    if callee.is_empty() {
                        return None;
                    }
                    strings_rev.reverse();
                    return Some(CallContext {
                        callee,
                        arg_index,
                        open_paren: t.start,
                        in_table,
                        string_args: strings_rev,
                    });
                }
                "[" => return None,
                "," if depth == 0 => {
                    arg_index += 1;
                    strings_rev.push(current_is_string.take());
                    current_tokens = 0;
                    continue;
                }
                ";" if depth == 0 => return None,
                _ => {}
            }
        } else if t.kind == Kind::Ident
            && depth == 0
            && matches!(
                t.text.as_str(),
                "end" | "do" | "then" | "local" | "function" | "return"
            )
        {
            return None;
        }
        if depth == 0 {
            current_tokens += 1;
            current_is_string = match &t.kind {
                Kind::Str { .. } if current_tokens == 1 => Some(t.text.clone()),
                _ => None,
            };
        }
    }
    None
}

/// The expression chain ending at the end of `toks`, first segment first; empty when the
/// tokens do not end with one.
fn chain_before(toks: &[Tok]) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut i = toks.len();
    loop {
        if i == 0 {
            break;
        }
        let t = &toks[i - 1];
        if is(t, ")") {
            let Some(open) = matching_open(toks, i - 1, "(", ")") else {
                return Vec::new();
            };
            let first = first_string_arg(&toks[open + 1..i - 1]);
            i = open;
            // The callee before the parenthesis.
            if i == 0 {
                return Vec::new();
            }
            let name_tok = &toks[i - 1];
            if name_tok.kind != Kind::Ident {
                if is(name_tok, ")") || is(name_tok, "]") {
                    segs.push(Seg::Call(first));
                    continue;
                }
                return Vec::new();
            }
            if i >= 2 && is(&toks[i - 2], ":") {
                segs.push(Seg::Method(name_tok.text.clone(), first));
                i -= 2;
                continue;
            }
            segs.push(Seg::Call(first));
            continue;
        }
        if is(t, "]") {
            let Some(open) = matching_open(toks, i - 1, "[", "]") else {
                return Vec::new();
            };
            segs.push(Seg::Index);
            i = open;
            continue;
        }
        if t.kind == Kind::Ident && !is_keyword(&t.text) {
            if i >= 2 && is(&toks[i - 2], ".") {
                segs.push(Seg::Field(t.text.clone()));
                i -= 2;
                continue;
            }
            if i >= 2 && is(&toks[i - 2], ":") && segs.is_empty() {
                // The callee of an open call: `receiver:method(`.
                segs.push(Seg::Method(t.text.clone(), None));
                i -= 2;
                continue;
            }
            segs.push(Seg::Name(t.text.clone()));
            break;
        }
        return Vec::new();
    }
    segs.reverse();
    if !matches!(segs.first(), Some(Seg::Name(_))) {
        return Vec::new();
    }
    segs
}

fn matching_open(toks: &[Tok], close: usize, open: &str, close_s: &str) -> Option<usize> {
    let mut depth = 0;
    let mut i = close + 1;
    while i > 0 {
        i -= 1;
        if is(&toks[i], close_s) {
            depth += 1;
        } else if is(&toks[i], open) {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn first_string_arg(args: &[Tok]) -> Option<String> {
    match args {
        [t] | [t, ..]
            if matches!(t.kind, Kind::Str { .. }) && (args.len() == 1 || is(&args[1], ",")) =>
        {
            Some(t.text.clone())
        }
        _ => None,
    }
}

/// What a chain resolves to.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The value's type, when known.
    pub ty: Option<Ty>,
    /// The engine function the chain names, when it names one.
    pub callee: Option<Callee>,
    /// Whether the value is a script's `self`.
    pub is_self: bool,
    /// What calling the value gives back when it is not an engine function (a local
    /// function, a module's export).
    pub returns: Option<Ty>,
}

/// Resolves a chain at `offset` with the file's model and the API.
pub fn resolve(segs: &[Seg], model: &Model, api: &Api, offset: usize) -> Resolved {
    let mut cur = Resolved::default();
    for (k, seg) in segs.iter().enumerate() {
        cur = match seg {
            Seg::Name(name) => {
                if k != 0 {
                    return Resolved::default();
                }
                match model.resolve_local(name, offset) {
                    Some(i) => Resolved {
                        ty: model.locals[i].ty.clone(),
                        callee: None,
                        is_self: name == "self",
                        // A generic's argument is not known from the text before the cursor.
                        returns: match &model.locals[i].returns {
                            Some(Returns::Ty(t)) => Some(t.clone()),
                            _ => None,
                        },
                    },
                    None => Resolved {
                        ty: api.namespace(name).map(|n| Ty::Namespace(n.name.clone())),
                        callee: api.global(name).map(|f| Callee::Global(f.name.clone())),
                        is_self: false,
                        returns: None,
                    },
                }
            }
            Seg::Field(name) => field(&cur, name, model, api),
            Seg::Method(name, first) => {
                let ty = match crate::members::method(api, cur.ty.as_ref(), name) {
                    Member::Method(callee) => callee
                        .function(api)
                        .and_then(|f| call_result(f, first.as_deref(), api)),
                    Member::Export { returns } => returns,
                    _ => return Resolved::default(),
                };
                Resolved {
                    ty,
                    ..Resolved::default()
                }
            }
            Seg::Call(first) => {
                let Some(callee) = &cur.callee else {
                    cur = Resolved {
                        ty: cur.returns.take(),
                        ..Resolved::default()
                    };
                    continue;
                };
                let ty = callee
                    .function(api)
                    .and_then(|f| call_result(f, first.as_deref(), api));
                if let (Callee::Global(g), Some(m)) = (callee, first) {
                    if g == "require" {
                        return Resolved {
                            ty: Some(Ty::Module(m.clone())),
                            callee: None,
                            is_self: false,
                            returns: None,
                        };
                    }
                }
                Resolved {
                    ty,
                    callee: None,
                    is_self: false,
                    returns: None,
                }
            }
            Seg::Index => Resolved::default(),
        };
    }
    cur
}

/// The resolution of a method name segment without calling it: `Method` as a callee.
pub fn resolve_callee(segs: &[Seg], model: &Model, api: &Api, offset: usize) -> Option<Callee> {
    match segs.split_last()? {
        (Seg::Method(name, _), rest) => {
            let base = resolve(rest, model, api, offset).ty;
            match crate::members::method(api, base.as_ref(), name) {
                Member::Method(callee) => Some(callee),
                _ => None,
            }
        }
        _ => resolve(segs, model, api, offset).callee,
    }
}

fn call_result(f: &crescent_api::Function, first: Option<&str>, api: &Api) -> Option<Ty> {
    if returns_component(f) {
        return first.map(|c| Ty::Component(c.to_string()));
    }
    f.returns.first().and_then(|r| ty_from_api(api, &r.ty))
}

fn field(cur: &Resolved, name: &str, model: &Model, api: &Api) -> Resolved {
    let mut out = Resolved::default();
    match crate::members::field(api, cur.ty.as_ref(), name, cur.is_self) {
        Member::Field(ty) => out.ty = ty,
        Member::Function(callee) => out.callee = Some(callee),
        Member::SelfField => out.ty = model.self_field(name).and_then(|f| f.ty.clone()),
        Member::Export { returns } => out.returns = returns,
        Member::Method(_) | Member::Unknown | Member::Unresolved => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(fixture: &str) -> CursorContext {
        let (text, offset) = super::super::Cursor::split(fixture);
        cursor_context(&text, offset)
    }

    #[test]
    fn member_after_method_call_chain() {
        let ctx = at(r#"local t = self.entity:get("Transform").pos$0"#);
        assert_eq!(
            ctx,
            CursorContext::Member {
                receiver: vec![
                    Seg::Name("self".into()),
                    Seg::Field("entity".into()),
                    Seg::Method("get".into(), Some("Transform".into()))
                ],
                method: false,
                prefix: "pos".into(),
                prefix_start: 39,
            }
        );
    }

    #[test]
    fn string_argument_of_a_call() {
        let ctx = at(r#"world.query("Transform", "Na$0"#);
        let CursorContext::String {
            prefix,
            call: Some(call),
            ..
        } = ctx
        else {
            panic!("{ctx:?}")
        };
        assert_eq!(prefix, "Na");
        assert_eq!(call.arg_index, 1);
        assert_eq!(
            call.callee,
            vec![Seg::Name("world".into()), Seg::Field("query".into())]
        );
        assert_eq!(call.string_args, vec![Some("Transform".to_string()), None]);
    }

    #[test]
    fn comments_and_plain_names() {
        assert_eq!(at("-- self.en$0"), CursorContext::Comment);
        let CursorContext::Name {
            prefix,
            statement_start,
            ..
        } = at("local x = 1\npri$0")
        else {
            panic!()
        };
        assert_eq!(prefix, "pri");
        assert!(statement_start);
    }

    #[test]
    fn concatenation_is_not_a_member_access() {
        assert!(matches!(at("local s = a ..$0"), CursorContext::Name { .. }));
    }
}
