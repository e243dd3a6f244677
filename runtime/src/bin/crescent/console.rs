//! What `crescent run` shows while a game runs: script logs and errors on standard error, a
//! live status line (redrawn in place on a terminal, periodic plain lines otherwise), and
//! with `--events json` every event as one JSON object per line on standard output.

use crescent_runtime::{Event, Stats};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the in-place status line is redrawn on a terminal.
const REDRAW: Duration = Duration::from_millis(250);
/// How often a plain status line is printed when standard error is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Standard output and standard error of a running game.
pub struct Console {
    tty: bool,
    events_json: bool,
    status_shown: bool,
    last_draw: Option<Instant>,
    last_plain: Instant,
    fps_mark: (Instant, u64),
    fps: f64,
    /// Script errors seen so far.
    pub errors: u64,
    last_log: String,
}

impl Console {
    /// A console that writes events as JSON lines on standard output when `events_json`.
    pub fn new(events_json: bool) -> Console {
        let now = Instant::now();
        Console {
            tty: std::io::stderr().is_terminal(),
            events_json,
            status_shown: false,
            last_draw: None,
            last_plain: now,
            fps_mark: (now, 0),
            fps: 0.0,
            errors: 0,
            last_log: String::new(),
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
        let text = match event {
            Event::Log {
                level,
                message,
                path,
                line,
            } => {
                self.last_log = message.lines().next().unwrap_or_default().to_string();
                format!("{level:<5} {path}:{line}: {message}")
            }
            Event::ScriptError {
                path,
                line,
                message,
                traceback,
                entity,
                phase,
            } => {
                self.errors += 1;
                self.last_log = format!("error in {path}:{line}");
                let mut text =
                    format!("error {path}:{line}: {message} (entity {entity}, in {phase})");
                for tb in traceback.lines().filter(|l| !l.trim().is_empty()) {
                    text.push_str("\n      ");
                    text.push_str(tb.trim_end());
                }
                text
            }
            Event::Reloaded {
                path,
                ms,
                instances,
            } => format!("reloaded {path} ({instances} instances, {ms:.1} ms)"),
            Event::ReloadFailed {
                path,
                line,
                column,
                message,
            } => {
                format!("reload failed {path}:{line}:{column}: {message} (old code keeps running)")
            }
        };
        self.line(&text);
    }

    /// Prints a line on standard error, above the status line.
    pub fn line(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        if self.status_shown {
            let _ = write!(err, "\r\x1b[2K");
            self.status_shown = false;
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
            let width = terminal_width();
            let status: String = self.status(stats).chars().take(width - 1).collect();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{status}");
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
            let _ = write!(err, "\r\x1b[2K");
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

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(120)
}
