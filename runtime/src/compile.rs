//! Compiling without running: `compile_check` and the `path:line:col: message` shape of
//! Lua syntax errors.

use mlua::chunk::ChunkMode;
use mlua::{Lua, LuaOptions, StdLib};

/// A syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters), derived from Lua's "near 'token'"; 0 when unknown.
    pub column: u32,
    /// Lua's message without the `path:line:` prefix.
    pub message: String,
}

/// Compiles `source` as text-mode Lua (never runs it) and returns its first syntax error.
/// The source is bytes, as Lua reads it: text or not, UTF-8 or not.
///
/// # Example
/// ```
/// let err = crescent_runtime::compile_check("scripts/a.lua", "local x = = 1").unwrap();
/// assert_eq!((err.line, err.column), (1, 11));
/// assert!(crescent_runtime::compile_check("scripts/b.lua", b"return '\xe9t\xe9'").is_none());
/// ```
pub fn compile_check(path: &str, source: impl AsRef<[u8]>) -> Option<CompileError> {
    let source = source.as_ref();
    let lua = match Lua::new_with(StdLib::NONE, LuaOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            return Some(CompileError {
                line: 0,
                column: 0,
                message: e.to_string(),
            })
        }
    };
    match lua
        .load(source)
        .set_name(format!("={path}"))
        .set_mode(ChunkMode::Text)
        .into_function()
    {
        Ok(_) => None,
        Err(mlua::Error::SyntaxError { message, .. }) => Some(parse_lua_error(
            path,
            &message,
            &String::from_utf8_lossy(source),
        )),
        Err(e) => Some(CompileError {
            line: 0,
            column: 0,
            message: e.to_string(),
        }),
    }
}

/// Splits `path:line: message` and finds the column of the token Lua names with "near".
pub(crate) fn parse_lua_error(path: &str, raw: &str, source: &str) -> CompileError {
    let (line, message) = split_position(path, raw);
    let column = if line > 0 {
        near_column(path, &message, source, line)
    } else {
        0
    };
    CompileError {
        line,
        column,
        message,
    }
}

/// `path:12: msg` -> (12, "msg"); anything else -> (0, whole text).
pub(crate) fn split_position(path: &str, raw: &str) -> (u32, String) {
    let rest = raw
        .strip_prefix(path)
        .and_then(|r| r.strip_prefix(':'))
        .or_else(|| {
            // another file (a module): "scripts/other.lua:3: ..."
            let i = raw.find(".lua:")?;
            Some(&raw[i + 5..])
        });
    if let Some(rest) = rest {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(line) = digits.parse::<u32>() {
            let msg = rest[digits.len()..].trim_start_matches(':').trim_start();
            return (line, msg.to_string());
        }
    }
    (0, raw.to_string())
}

fn near_column(path: &str, message: &str, source: &str, line: u32) -> u32 {
    let Some(i) = message.rfind(" near ") else {
        return 0;
    };
    let tok = &message[i + 6..];
    let text = source.lines().nth(line as usize - 1);
    if tok == "<eof>" {
        return text.map_or(1, |t| t.chars().count() as u32 + 1);
    }
    let Some(text) = text else {
        return 0;
    };
    let tok = tok
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(tok);
    // The token may occur several times on the line: the erroring occurrence is the first one
    // where the source cut just after it gives the same message.
    let line_start = line_offset(source, line);
    let mut first = None;
    for (byte, _) in text.match_indices(tok) {
        let col = text[..byte].chars().count() as u32 + 1;
        first.get_or_insert(col);
        let cut = &source[..line_start + byte + tok.len()];
        if let Some(e) = compile_only(path, cut) {
            if e == message {
                return col;
            }
        }
    }
    first.unwrap_or(0)
}

fn line_offset(source: &str, line: u32) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            return offset;
        }
        offset += l.len();
    }
    offset
}

/// The message (without position) of compiling `source`, if it fails.
fn compile_only(path: &str, source: &str) -> Option<String> {
    let lua = Lua::new_with(StdLib::NONE, LuaOptions::default()).ok()?;
    match lua
        .load(source)
        .set_name(format!("={path}"))
        .set_mode(ChunkMode::Text)
        .into_function()
    {
        Ok(_) => None,
        Err(mlua::Error::SyntaxError { message, .. }) => Some(split_position(path, &message).1),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_line_and_column_of_the_token() {
        let e = compile_check("scripts/a.lua", "local a = 1\nlocal b = = 2\n").expect("error");
        assert_eq!(e.line, 2);
        assert_eq!(e.column, 11);
        assert!(
            e.message.contains("unexpected symbol near '='"),
            "{}",
            e.message
        );
    }

    #[test]
    fn eof_errors_point_past_the_end() {
        let e = compile_check("scripts/a.lua", "function f()\n  return 1").expect("error");
        assert_eq!((e.line, e.column), (2, 11));
        assert!(e.message.contains("<eof>"), "{}", e.message);
    }

    #[test]
    fn valid_code_and_binary_refusal() {
        assert_eq!(compile_check("scripts/a.lua", "return 1"), None);
        let e = compile_check("scripts/a.lua", "\x1bLua").expect("binary refused");
        assert!(
            e.message.contains("binary") || e.message.contains("text"),
            "{}",
            e.message
        );
    }
}
