//! The checks `luac` makes while compiling that full_moon's parser does not: `break` outside a
//! loop, `goto` without a visible label, duplicate labels, `...` outside a vararg function,
//! unknown attributes, assignment to a `<const>` local, invalid escapes and malformed numbers.
//!
//! They are reported as syntax errors because the script fails to load with them.

use super::parse::SyntaxError;
use full_moon::ast::{self, Ast, Expression, LastStmt, Parameter};
use full_moon::tokenizer::{StringLiteralQuoteType, Symbol, Token, TokenType};
use full_moon::visitors::Visitor;

struct Block {
    labels: Vec<(String, usize)>,
    pending: Vec<(String, usize, usize)>,
}

struct Function {
    vararg: bool,
    loops: usize,
    blocks: Vec<Block>,
}

struct Checks<'a> {
    text: &'a str,
    functions: Vec<Function>,
    errors: Vec<SyntaxError>,
    /// Set when a function body starts, so its block is known as the function's outermost.
    entering_function: bool,
}

fn tok_span(t: &Token) -> (usize, usize) {
    (t.start_position().bytes(), t.end_position().bytes())
}

impl Checks<'_> {
    fn error(&mut self, start: usize, end: usize, message: String) {
        self.errors.push(SyntaxError {
            start,
            end: end.max(start),
            message,
        });
    }

    fn line(&self, offset: usize) -> usize {
        self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn current(&mut self) -> Option<&mut Function> {
        self.functions.last_mut()
    }
}

impl Visitor for Checks<'_> {
    fn visit_function_body(&mut self, body: &ast::FunctionBody) {
        let vararg = body
            .parameters()
            .iter()
            .any(|p| matches!(p, Parameter::Ellipsis(_)));
        self.functions.push(Function {
            vararg,
            loops: 0,
            blocks: Vec::new(),
        });
        self.entering_function = true;
    }

    fn visit_function_body_end(&mut self, _: &ast::FunctionBody) {
        self.functions.pop();
    }

    fn visit_block(&mut self, _: &ast::Block) {
        self.entering_function = false;
        if let Some(f) = self.current() {
            f.blocks.push(Block {
                labels: Vec::new(),
                pending: Vec::new(),
            });
        }
    }

    fn visit_block_end(&mut self, _: &ast::Block) {
        let Some(f) = self.functions.last_mut() else {
            return;
        };
        let Some(block) = f.blocks.pop() else { return };
        let mut unresolved = Vec::new();
        for (name, start, end) in block.pending {
            if !block.labels.iter().any(|(l, _)| *l == name) {
                unresolved.push((name, start, end));
            }
        }
        match f.blocks.last_mut() {
            Some(parent) => parent.pending.extend(unresolved),
            None => {
                for (name, start, end) in unresolved {
                    self.error(start, end, format!("no visible label '{name}' for goto"));
                }
            }
        }
    }

    fn visit_while(&mut self, _: &ast::While) {
        if let Some(f) = self.current() {
            f.loops += 1;
        }
    }
    fn visit_while_end(&mut self, _: &ast::While) {
        if let Some(f) = self.current() {
            f.loops = f.loops.saturating_sub(1);
        }
    }
    fn visit_repeat(&mut self, _: &ast::Repeat) {
        if let Some(f) = self.current() {
            f.loops += 1;
        }
    }
    fn visit_repeat_end(&mut self, _: &ast::Repeat) {
        if let Some(f) = self.current() {
            f.loops = f.loops.saturating_sub(1);
        }
    }
    fn visit_numeric_for(&mut self, _: &ast::NumericFor) {
        if let Some(f) = self.current() {
            f.loops += 1;
        }
    }
    fn visit_numeric_for_end(&mut self, _: &ast::NumericFor) {
        if let Some(f) = self.current() {
            f.loops = f.loops.saturating_sub(1);
        }
    }
    fn visit_generic_for(&mut self, _: &ast::GenericFor) {
        if let Some(f) = self.current() {
            f.loops += 1;
        }
    }
    fn visit_generic_for_end(&mut self, _: &ast::GenericFor) {
        if let Some(f) = self.current() {
            f.loops = f.loops.saturating_sub(1);
        }
    }

    fn visit_last_stmt(&mut self, stmt: &LastStmt) {
        if let LastStmt::Break(token) = stmt {
            if self.functions.last().is_some_and(|f| f.loops == 0)
                && token.token().start_position().line() > 0
            {
                let (s, e) = tok_span(token.token());
                self.error(s, e, "break outside loop".into());
            }
        }
    }

    fn visit_goto(&mut self, goto: &ast::lua52::Goto) {
        let name = goto.label_name().token().to_string();
        let (s, e) = tok_span(goto.goto_token().token());
        if let Some(block) = self.functions.last_mut().and_then(|f| f.blocks.last_mut()) {
            block.pending.push((name, s, e));
        }
    }

    fn visit_label(&mut self, label: &ast::lua52::Label) {
        let name = label.name().token().to_string();
        let (s, e) = tok_span(label.name().token());
        let previous = self.functions.last().and_then(|f| {
            f.blocks
                .iter()
                .flat_map(|b| b.labels.iter())
                .find(|(l, _)| *l == name)
                .map(|(_, at)| *at)
        });
        if let Some(at) = previous {
            let line = self.line(at);
            self.error(
                s,
                e,
                format!("label '{name}' already defined on line {line}"),
            );
        }
        if let Some(block) = self.functions.last_mut().and_then(|f| f.blocks.last_mut()) {
            block.labels.push((name, s));
        }
    }

    fn visit_expression(&mut self, e: &Expression) {
        if let Expression::Symbol(t) = e {
            if t.is_symbol(Symbol::Ellipsis) && self.functions.last().is_some_and(|f| !f.vararg) {
                let (s, end) = tok_span(t.token());
                self.error(s, end, "cannot use '...' outside a vararg function".into());
            }
        }
    }

    fn visit_attribute(&mut self, a: &ast::lua54::Attribute) {
        let name = a.name().token().to_string();
        if name != "const" && name != "close" {
            let (s, e) = tok_span(a.name().token());
            self.error(s, e, format!("unknown attribute '{name}'"));
        }
    }

    fn visit_number(&mut self, t: &Token) {
        let (s, e) = tok_span(t);
        let next = self.text.as_bytes().get(e).copied();
        if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
            let mut end = e;
            let b = self.text.as_bytes();
            while end < b.len()
                && (b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] == b'.')
            {
                end += 1;
            }
            let near = self.text.get(s..end).unwrap_or("");
            self.error(s, end, format!("malformed number near '{near}'"));
        }
    }

    fn visit_string_literal(&mut self, t: &Token) {
        let TokenType::StringLiteral {
            literal,
            quote_type,
            ..
        } = t.token_type()
        else {
            return;
        };
        if *quote_type == StringLiteralQuoteType::Brackets {
            return;
        }
        if let Some(bad) = invalid_escape(literal.as_str()) {
            let (s, e) = tok_span(t);
            self.error(s, e, format!("invalid escape sequence '\\{bad}'"));
        }
    }
}

/// The first invalid escape of a short string's contents, if any.
fn invalid_escape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let &c = b.get(i + 1)?;
        match c {
            b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'"' | b'\'' | b'\n'
            | b'\r' | b'z' => i += 2,
            b'x' => {
                let ok = b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 3).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return Some("x".into());
                }
                i += 4;
            }
            b'0'..=b'9' => {
                let mut j = i + 1;
                let mut value = 0u32;
                while j < b.len() && j < i + 4 && b[j].is_ascii_digit() {
                    value = value * 10 + u32::from(b[j] - b'0');
                    j += 1;
                }
                if value > 255 {
                    return Some(s.get(i + 1..j).unwrap_or("").to_string());
                }
                i = j;
            }
            b'u' => {
                if b.get(i + 2) != Some(&b'{') {
                    return Some("u".into());
                }
                let mut j = i + 3;
                while j < b.len() && b[j].is_ascii_hexdigit() {
                    j += 1;
                }
                if j == i + 3 || b.get(j) != Some(&b'}') {
                    return Some("u".into());
                }
                i = j + 1;
            }
            other => return Some((other as char).to_string()),
        }
    }
    None
}

/// Runs the checks over a parsed file.
pub fn check(ast: &Ast, text: &str) -> Vec<SyntaxError> {
    let mut c = Checks {
        text,
        // The main chunk is a vararg function.
        functions: vec![Function {
            vararg: true,
            loops: 0,
            blocks: Vec::new(),
        }],
        errors: Vec::new(),
        entering_function: false,
    };
    c.visit_ast(ast);
    let _ = c.entering_function;
    c.errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        let ast = full_moon::parse_fallible(text, full_moon::LuaVersion::lua54()).into_ast();
        check(&ast, text).into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn what_luac_refuses() {
        assert_eq!(messages("break"), ["break outside loop"]);
        assert_eq!(
            messages("while true do local f = function() break end end"),
            ["break outside loop"]
        );
        assert_eq!(messages("goto done"), ["no visible label 'done' for goto"]);
        assert_eq!(
            messages("::a:: do ::a:: end"),
            ["label 'a' already defined on line 1"]
        );
        assert_eq!(
            messages("local function f() return ... end"),
            ["cannot use '...' outside a vararg function"]
        );
        assert_eq!(messages("local x <fast> = 1"), ["unknown attribute 'fast'"]);
        assert_eq!(
            messages("local s = \"a\\qb\""),
            ["invalid escape sequence '\\q'"]
        );
        assert_eq!(messages("local n = 3x"), ["malformed number near '3x'"]);
        assert!(messages("local p = [[(\\*)%2]]").is_empty());
    }

    #[test]
    fn what_luac_accepts() {
        let ok = "local t = {...}\nfor i = 1, 2 do if i then break end end\n\
                  do goto skip end ::skip::\nwhile true do goto continue ::continue:: end\n\
                  local f = function(...) return ... end\nlocal c <const>, d <close> = 1, nil\n\
                  local s = '\\x41\\065\\u{48}\\z\n  x\\n'\nrepeat local y = 1 until y\n";
        assert!(messages(ok).is_empty(), "{:?}", messages(ok));
    }
}
