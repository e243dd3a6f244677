//! Compiler-style error text: `path:line:col: message`, then the source line and a caret.

use std::fmt::Write;

/// Renders one error the way compilers do, so editors and terminals can jump to it.
///
/// `line` and `column` are 1-based (`column` in characters); 0 means unknown, in which case
/// the position or the caret is left out.
pub fn render(path: &str, line: u32, column: u32, message: &str, source: Option<&str>) -> String {
    let mut out = match (line, column) {
        (0, _) => format!("{path}: {message}"),
        (l, 0) => format!("{path}:{l}: {message}"),
        (l, c) => format!("{path}:{l}:{c}: {message}"),
    };
    let text = source.and_then(|s| s.lines().nth((line as usize).checked_sub(1)?));
    if let Some(text) = text {
        let number = line.to_string();
        let gutter = " ".repeat(number.len());
        let _ = write!(out, "\n {number} | {text}");
        if column > 0 {
            // Keep tabs so the caret lines up with the text above it in a terminal.
            let pad: String = text
                .chars()
                .take(column as usize - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = write!(out, "\n {gutter} | {pad}^");
        }
    }
    out
}

/// A path for messages: `dir/rel` with `/` separators, without a leading `./`.
pub fn display_path(dir: &std::path::Path, rel: &str) -> String {
    let joined = dir.join(rel);
    let text = joined.to_string_lossy().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_a_caret_at_the_column() {
        let text = render(
            "scripts/a.lua",
            2,
            11,
            "unexpected symbol near '='",
            Some("local a = 1\nlocal b = = 2\n"),
        );
        assert_eq!(
            text,
            "scripts/a.lua:2:11: unexpected symbol near '='\n 2 | local b = = 2\n   |           ^"
        );
    }

    #[test]
    fn unknown_positions_are_left_out() {
        assert_eq!(render("a.lua", 0, 0, "boom", Some("x")), "a.lua: boom");
        assert_eq!(
            render("a.lua", 1, 0, "boom", Some("x = 1")),
            "a.lua:1: boom\n 1 | x = 1"
        );
        assert_eq!(
            render("a.lua", 9, 1, "boom", Some("x = 1")),
            "a.lua:9:1: boom"
        );
    }

    #[test]
    fn tabs_stay_tabs_under_the_caret() {
        let text = render("a.lua", 1, 3, "m", Some("\t\tx"));
        assert!(text.ends_with("| \t\t^"), "{text:?}");
    }

    #[test]
    fn paths_drop_the_current_folder() {
        assert_eq!(
            display_path(std::path::Path::new("."), "scripts/a.lua"),
            "scripts/a.lua"
        );
        assert_eq!(
            display_path(std::path::Path::new("game"), "scripts/a.lua"),
            "game/scripts/a.lua"
        );
    }
}
