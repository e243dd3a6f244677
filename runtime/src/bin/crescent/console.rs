//! What `crescent run` shows while a game runs: script logs and errors on standard error, a
//! live status line (redrawn in place on a terminal, periodic plain lines otherwise), and
//! with `--events json` every event as one JSON object per line on standard output.
//!
//! The status line never leaves copies behind: it is cut to the terminal's width (asked of
//! the terminal at every redraw, so a resize is followed), and the cursor is parked at its
//! start, so the next redraw or log line erases from there to the end of the screen, which also
//! covers the rows a terminal that rewraps on resize may have spread it over.

use crate::diagnostic::{display_path, Diagnostic, Severity, Style};
use crescent_runtime::{Event, Stats};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthChar;

/// How often the in-place status line is redrawn on a terminal.
const REDRAW: Duration = Duration::from_millis(250);
/// How often a plain status line is printed when standard error is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);
/// Erase from the cursor to the end of the screen.
const ERASE: &str = "\x1b[J";

/// Standard output and standard error of a running game.
pub struct Console {
    root: PathBuf,
    tty: bool,
    style: Style,
    events_json: bool,
    status_shown: bool,
    last_draw: Option<Instant>,
    last_plain: Instant,
    fps_mark: (Instant, u64),
    fps: f64,
    /// Script errors seen so far.
    pub errors: u64,
    last_log: String,
    /// Script sources read for error reports, until the script reloads.
    sources: HashMap<String, Option<String>>,
}

impl Console {
    /// A console for the project at `root` that writes events as JSON lines on standard
    /// output when `events_json`.
    pub fn new(root: &Path, events_json: bool) -> Console {
        let now = Instant::now();
        Console {
            root: root.to_path_buf(),
            tty: std::io::stderr().is_terminal(),
            style: Style::stderr(),
            events_json,
            status_shown: false,
            last_draw: None,
            last_plain: now,
            fps_mark: (now, 0),
            fps: 0.0,
            errors: 0,
            last_log: String::new(),
            sources: HashMap::new(),
        }
    }

    /// Shows one event: JSON on standard output if asked, and a readable line on standard error.
    pub fn event(&mut self, event: &Event) {
        if self.events_json {
            // The same objects as on the dev channel, from the same function.
            let json = crescent_runtime::event_json(event);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{json}");
        }
        let style = self.style;
        let text = match event {
            Event::Log {
                level,
                message,
                path,
                line,
            } => {
                self.last_log = message.lines().next().unwrap_or_default().to_string();
                let sgr = match level.as_str() {
                    "debug" => "2",
                    "warn" => "33",
                    "error" => "31",
                    _ => "32",
                };
                // Project-relative, as the script names itself: log lines stay short (an error
                // report, which one jumps to, shows the path from here).
                let at = match line {
                    0 => path.clone(),
                    l => format!("{path}:{l}"),
                };
                format!(
                    "{} {at}: {message}",
                    style.paint(sgr, &format!("{level:<5}"))
                )
            }
            Event::ScriptError { .. } => {
                self.errors += 1;
                self.script_error(event)
            }
            Event::Reloaded {
                path,
                ms,
                instances,
            } => {
                self.sources.remove(path);
                format!("reloaded {path} ({instances} instances, {ms:.1} ms)")
            }
            Event::ReloadFailed {
                path,
                line,
                column,
                message,
            } => {
                self.sources.remove(path);
                let source = self.source(path);
                Diagnostic {
                    severity: Severity::Error,
                    path: &display_path(&self.root, path),
                    line: *line,
                    column: *column,
                    message,
                    source: source.as_deref(),
                    notes: vec!["the reload was refused: the old code keeps running".into()],
                }
                .render(style)
            }
        };
        self.line(&text);
    }

    /// A script error as a compiler-style report: position, message, source line and caret,
    /// which instance faulted in which phase, and the script frames when there is more than
    /// the one the error is in.
    fn script_error(&mut self, event: &Event) -> String {
        let (
            Event::ScriptError {
                path,
                line,
                column,
                message,
                script,
                frames,
                ..
            },
            Some(place),
        ) = (event, event.fault_place())
        else {
            return String::new();
        };
        self.last_log = format!("error in {path}:{line}");
        let mut notes = vec![format!("{place}; the instance is stopped")];
        if frames.len() > 1 {
            notes.push("traceback (innermost first):".into());
            // A run of the same frame (recursion) is shown once, with its count.
            let mut i = 0;
            while i < frames.len() {
                let same = frames[i..].iter().take_while(|f| **f == frames[i]).count();
                let text = frames[i].text();
                notes.push(match same {
                    1 => format!("    {text}"),
                    n => format!("    {text} ({n} times)"),
                });
                i += same;
            }
        }
        let source = self.source(path);
        Diagnostic {
            severity: Severity::Error,
            path: &display_path(&self.root, if path.is_empty() { script } else { path }),
            line: *line,
            column: *column,
            message,
            source: source.as_deref(),
            notes,
        }
        .render(self.style)
    }

    fn source(&mut self, path: &str) -> Option<String> {
        if path.is_empty() {
            return None;
        }
        let root = &self.root;
        self.sources
            .entry(path.to_string())
            .or_insert_with(|| {
                std::fs::read(root.join(path))
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .clone()
    }

    /// Prints a line on standard error, above the status line.
    pub fn line(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        if self.status_shown {
            // The cursor is at the start of the status line: erase it, write over it.
            let _ = write!(err, "{ERASE}");
            self.status_shown = false;
            // Redraw the status line after the text at the next tick.
            self.last_draw = None;
        }
        let _ = writeln!(err, "{text}");
    }

    /// Updates the status from `stats`: redrawn in place on a terminal, a plain line every few
    /// seconds otherwise.
    pub fn tick(&mut self, stats: &Stats) {
        let now = Instant::now();
        let (mark, frames) = self.fps_mark;
        let span = now.duration_since(mark);
        if span >= Duration::from_millis(500) {
            self.fps = (stats.frames - frames) as f64 / span.as_secs_f64();
            self.fps_mark = (now, stats.frames);
        }
        if self.tty {
            if self
                .last_draw
                .is_some_and(|t| now.duration_since(t) < REDRAW)
            {
                return;
            }
            self.last_draw = Some(now);
            let status = fit(&self.status(stats), terminal_width());
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{ERASE}{status}\r");
            let _ = err.flush();
            self.status_shown = true;
        } else if now.duration_since(self.last_plain) >= PLAIN_EVERY {
            self.last_plain = now;
            let status = self.status(stats);
            self.line(&format!("status: {status}"));
        }
    }

    /// Removes the status line, before the final output.
    pub fn finish(&mut self) {
        if self.status_shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{ERASE}");
            let _ = err.flush();
            self.status_shown = false;
        }
    }

    fn status(&self, s: &Stats) -> String {
        let mut text = format!(
            "frame {} | {:.0} fps | {} entities | {} scripts | {} faulted | {} errors",
            s.frames, self.fps, s.entities, s.scripts, s.faulted, self.errors
        );
        if !self.last_log.is_empty() {
            text.push_str(" | ");
            text.push_str(&self.last_log);
        }
        text
    }
}

/// `text` on one terminal row of `width` columns: control characters become spaces, wide
/// characters count twice, and the last column stays free (writing into it makes some
/// terminals wrap).
pub fn fit(text: &str, width: usize) -> String {
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// The width of the terminal on standard error, else `$COLUMNS`, else 80.
fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(std::io::stderr()) {
        if w > 0 {
            return w as usize;
        }
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_at_80_and_200_columns() {
        let mut c = Console::new(Path::new("."), false);
        c.fps = 59.8;
        c.errors = 2;
        c.last_log = "wave 3 | score 140 | the boss arrives from the north gate".into();
        let stats = Stats {
            frames: 12345,
            entities: 16,
            scripts: 15,
            faulted: 1,
            frame_ms: 1.2,
        };
        let line = c.status(&stats);
        expect_test::expect![
            "frame 12345 | 60 fps | 16 entities | 15 scripts | 1 faulted | 2 errors | wave 3"
        ]
        .assert_eq(&fit(&line, 80));
        expect_test::expect!["frame 12345 | 60 fps | 16 entities | 15 scripts | 1 faulted | 2 errors | wave 3 | score 140 | the boss arrives from the north gate"]
            .assert_eq(&fit(&line, 200));
    }

    #[test]
    fn fit_cuts_to_the_width_and_keeps_the_last_column_free() {
        assert_eq!(fit("frame 12 | 60 fps", 10), "frame 12 ");
        assert_eq!(fit("short", 80), "short");
        assert_eq!(fit("a\tb\x1b[2Jc", 80), "a b [2Jc");
        // Wide characters take two columns.
        assert_eq!(fit("日本語", 6), "日本");
        assert_eq!(fit("anything", 0), "");
    }
}
