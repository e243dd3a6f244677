//! Runtime errors as reported: the column an error points at, found from the name Lua's
//! message gives (Lua reports lines only), and the frames read back from the prelude.

use crescent_api::Frame;
use mlua::Table;

/// The 1-based column (in characters) on `line` of what `message` is about, or 0.
///
/// Lua names the culprit of most runtime errors: `attempt to index a nil value (global 'cfg')`,
/// `attempt to call a nil value (method 'jump')`, `(field 'speed')`, `(local 'n')`,
/// `(upvalue 'state')`, `(constant 'k')`. The column is where that name first appears on the
/// line as a whole word, after `.` for a field and `:` for a method, so a caret lands under it.
pub(crate) fn column(line: &str, message: &str) -> u32 {
    const KINDS: [&str; 6] = ["global", "local", "field", "method", "upvalue", "constant"];
    let Some((kind, name)) = KINDS.iter().find_map(|kind| {
        let open = format!("({kind} '");
        let start = message.rfind(&open)? + open.len();
        let end = start + message[start..].find("')")?;
        Some((*kind, &message[start..end]))
    }) else {
        return 0;
    };
    if name.is_empty() || name == "?" {
        return 0;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = line.as_bytes();
    // The first whole-word occurrence where the kind says it stands (`.name` or `["name"]` for
    // a field, `:name` for a method, not after either for a variable); failing that, the first
    // whole-word occurrence.
    let find = |strict: bool| -> Option<usize> {
        let mut from = 0;
        while let Some(found) = line[from..].find(name) {
            let at = from + found;
            let end = at + name.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let whole = !before.is_some_and(word) && !bytes.get(end).copied().is_some_and(word);
            let placed = !strict
                || match kind {
                    "field" => matches!(before, Some(b'.' | b'"' | b'\'')),
                    "method" => matches!(before, Some(b':')),
                    _ => !matches!(before, Some(b'.' | b':')),
                };
            if whole && placed {
                return Some(at);
            }
            from = end;
        }
        None
    };
    match find(true).or_else(|| find(false)) {
        Some(at) => line[..at].chars().count() as u32 + 1,
        None => 0,
    }
}

/// The frames of an error table made by the prelude (`{ path, line, name }` or
/// `{ skipped = n }` entries).
pub(crate) fn frames(t: Option<Table>) -> Vec<Frame> {
    let Some(t) = t else { return Vec::new() };
    t.sequence_values::<Table>()
        .flatten()
        .map(|f| Frame {
            path: text(&f, "path"),
            line: f.get("line").unwrap_or(0),
            function: text(&f, "name"),
            skipped: f.get("skipped").unwrap_or(0),
        })
        .collect()
}

/// A string field read as text (scripts are bytes: other bytes show as replacement characters).
pub(crate) fn text(t: &Table, key: &str) -> String {
    match t.get::<mlua::Value>(key) {
        Ok(mlua::Value::String(s)) => s.to_string_lossy().to_string(),
        _ => String::new(),
    }
}

/// The frames as a traceback, one line each.
pub(crate) fn traceback(frames: &[Frame]) -> String {
    frames
        .iter()
        .map(Frame::text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::column;

    #[test]
    fn finds_the_name_the_message_gives() {
        let cases = [
            (
                "  local x = cfg.speed",
                "attempt to index a nil value (global 'cfg')",
                13,
            ),
            (
                "  local x = self.cfg.speed",
                "attempt to index a nil value (field 'cfg')",
                18,
            ),
            (
                "  self:jump()",
                "attempt to call a nil value (method 'jump')",
                8,
            ),
            (
                "  n = n + count",
                "attempt to perform arithmetic on a nil value (global 'count')",
                11,
            ),
            // A whole word: `count` in `counter` is not it.
            (
                "counter = counter + count",
                "attempt to perform arithmetic on a nil value (global 'count')",
                21,
            ),
            // A global is not a field of the same name.
            (
                "x = t.n + n",
                "attempt to perform arithmetic on a nil value (global 'n')",
                11,
            ),
            (
                "é = cfg.x",
                "attempt to index a nil value (global 'cfg')",
                5,
            ),
        ];
        for (line, message, expected) in cases {
            assert_eq!(column(line, message), expected, "{line:?} / {message}");
        }
    }

    #[test]
    fn no_name_no_column() {
        assert_eq!(column("error('boom')", "boom"), 0);
        assert_eq!(
            column("x = y", "attempt to index a nil value (global 'zz')"),
            0
        );
        assert_eq!(
            column("t[k]()", "attempt to call a nil value (field '?')"),
            0
        );
    }
}
