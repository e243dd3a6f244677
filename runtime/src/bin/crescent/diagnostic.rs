//! Compiler-style problem reports: `error: path:line:col: message`, the source line with a
//! caret, then notes; coloured only on a terminal without `NO_COLOR`.

use std::fmt::Write;
use std::io::IsTerminal;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The project cannot run as written, or a script faulted.
    Error,
    /// Probably a mistake; the project still runs.
    Warning,
}

/// Whether output may hold colour escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Colour on.
    pub color: bool,
}

impl Style {
    /// No escapes at all: for pipes, files and tests.
    pub const PLAIN: Style = Style { color: false };

    /// Colour when standard error is a terminal and `NO_COLOR` is unset or empty
    /// (<https://no-color.org>).
    pub fn stderr() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stderr().is_terminal() && !no_color,
        }
    }

    /// `text` in the SGR style `sgr` (`"1;31"`), or as is without colour.
    pub fn paint(self, sgr: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// One problem at a place in a file.
pub struct Diagnostic<'a> {
    pub severity: Severity,
    /// The path as shown.
    pub path: &'a str,
    /// 1-based; 0 when unknown (position left out).
    pub line: u32,
    /// 1-based, in characters; 0 when unknown (caret left out).
    pub column: u32,
    pub message: &'a str,
    /// The file's text, for the source line.
    pub source: Option<&'a str>,
    /// Lines shown after the source as `= note`; a line that starts with a space continues
    /// the note before it (shown indented, without `=`).
    pub notes: Vec<String>,
}

impl Diagnostic<'_> {
    /// The report as text, without a final line break.
    pub fn render(&self, style: Style) -> String {
        let label = match self.severity {
            Severity::Error => style.paint("1;31", "error"),
            Severity::Warning => style.paint("1;33", "warning"),
        };
        let at = match (self.line, self.column) {
            (0, _) => self.path.to_string(),
            (l, 0) => format!("{}:{l}", self.path),
            (l, c) => format!("{}:{l}:{c}", self.path),
        };
        let mut out = format!("{label}: {}: {}", style.paint("1", &at), self.message);
        let text = self
            .source
            .and_then(|s| s.lines().nth((self.line as usize).checked_sub(1)?));
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let bar = style.paint("1;34", "|");
        if let Some(text) = text {
            let _ = write!(out, "\n {} {bar} {text}", style.paint("1;34", &number));
            if self.column > 0 {
                // Keep tabs so the caret lines up with the text above it in a terminal.
                let pad: String = text
                    .chars()
                    .take(self.column as usize - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let caret = match self.severity {
                    Severity::Error => style.paint("1;31", "^"),
                    Severity::Warning => style.paint("1;33", "^"),
                };
                let _ = write!(out, "\n {gutter} {bar} {pad}{caret}");
            }
        }
        for note in &self.notes {
            // A note that starts with spaces continues the one before it.
            match note.strip_prefix(' ') {
                Some(rest) => {
                    let _ = write!(out, "\n {gutter}   {rest}");
                }
                None => {
                    let _ = write!(out, "\n {gutter} {} {note}", style.paint("1;34", "="));
                }
            }
        }
        out
    }
}

/// Renders one error the way compilers do, so editors and terminals can jump to it, without
/// colour: `error: path:line:col: message`, then the source line and a caret.
///
/// `line` and `column` are 1-based (`column` in characters); 0 means unknown, in which case
/// the position or the caret is left out.
pub fn render(path: &str, line: u32, column: u32, message: &str, source: Option<&str>) -> String {
    Diagnostic {
        severity: Severity::Error,
        path,
        line,
        column,
        message,
        source,
        notes: Vec::new(),
    }
    .render(Style::PLAIN)
}

/// Line and column (1-based; 0 when unknown) of a scene error: where its JSON path leads, or
/// the line the JSON parser gave.
pub fn scene_position(text: &str, e: &crescent_runtime::SceneError) -> (u32, u32) {
    if let Some(line) = e.line {
        return (line as u32, 0);
    }
    let Some(span) = crescent_analysis::json::locate(text, &e.json_path) else {
        return (0, 0);
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

/// A scene error as a compiler-style report, with the scene's line and a caret where its JSON
/// path leads.
pub fn render_scene_error(dir: &std::path::Path, e: &crescent_runtime::SceneError) -> String {
    let text = std::fs::read_to_string(&e.file).unwrap_or_default();
    let (line, column) = scene_position(&text, e);
    let shown = display_path(dir, "scene.json");
    render(
        &shown,
        line,
        column,
        &format!("{}: {}", e.json_path, e.message),
        Some(&text),
    )
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
            "error: scripts/a.lua:2:11: unexpected symbol near '='\n 2 | local b = = 2\n   |           ^"
        );
    }

    #[test]
    fn unknown_positions_are_left_out() {
        assert_eq!(
            render("a.lua", 0, 0, "boom", Some("x")),
            "error: a.lua: boom"
        );
        assert_eq!(
            render("a.lua", 1, 0, "boom", Some("x = 1")),
            "error: a.lua:1: boom\n 1 | x = 1"
        );
        assert_eq!(
            render("a.lua", 9, 1, "boom", Some("x = 1")),
            "error: a.lua:9:1: boom"
        );
    }

    #[test]
    fn tabs_stay_tabs_under_the_caret() {
        let text = render("a.lua", 1, 3, "m", Some("\t\tx"));
        assert!(text.ends_with("| \t\t^"), "{text:?}");
    }

    #[test]
    fn warnings_and_notes() {
        let d = Diagnostic {
            severity: Severity::Warning,
            path: "scene.json",
            line: 3,
            column: 5,
            message: "unknown component `Transfrom`",
            source: Some("{\n  \"entities\": [\n    {\"Transfrom\": {}}\n"),
            notes: vec!["did you mean `Transform`?".into()],
        };
        expect_test::expect![[r#"
            warning: scene.json:3:5: unknown component `Transfrom`
             3 |     {"Transfrom": {}}
               |     ^
               = did you mean `Transform`?"#]]
        .assert_eq(&d.render(Style::PLAIN));
        let colored = d.render(Style { color: true });
        assert!(
            colored.starts_with("\x1b[1;33mwarning\x1b[0m: "),
            "{colored:?}"
        );
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
