//! `crescent run` as a person sees it: in a pseudo-terminal of a given size, its output fed to
//! a terminal emulator (vt100), the screen checked row by row; and the plain output (no escape
//! codes) when standard error is a pipe.
#![cfg(unix)]

use crescent_e2e::*;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A pseudo-terminal pair of `cols` x `rows`: (controller, device the child gets).
fn pty(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let mut controller = -1;
    let mut device = -1;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new descriptors, which are owned from here on.
    let r = unsafe {
        libc::openpty(
            &mut controller,
            &mut device,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and nothing else owns them.
    unsafe {
        (
            OwnedFd::from_raw_fd(controller),
            OwnedFd::from_raw_fd(device),
        )
    }
}

/// What the terminal shows: one string per row, trailing spaces cut.
fn rows(screen: &vt100::Screen) -> Vec<String> {
    screen
        .rows(0, screen.size().1.into())
        .map(|r| r.trim_end().to_string())
        .collect()
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a size above zero")
}

fn is_status(row: &str) -> bool {
    row.starts_with("frame ") && row.contains(" fps")
}

/// A terminal session: the screens seen while the program ran (sampled), the screen at the
/// end, and every byte the program wrote.
struct Session {
    seen: Vec<Vec<String>>,
    /// The index in `seen` of the first screen after the resize.
    resized_at: usize,
    end: Vec<String>,
    raw: Vec<u8>,
}

/// Runs `crescent ARGS` on a terminal of `cols` columns for `secs` seconds of real time
/// (resizing it to `resize` columns half way, if given), then interrupts it.
fn run_on_terminal(
    args: &[&str],
    env: &[(&str, &str)],
    cols: u16,
    resize: Option<u16>,
    secs: f64,
) -> Session {
    let (controller, device) = pty(cols, 200);
    let mut command = Command::new(crescent_bin());
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(device.try_clone().expect("dup")))
        .stderr(Stdio::from(device))
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("crescent starts");
    // The command holds our copies of the terminal's device: without them, reading the
    // controller fails once the child has exited.
    drop(command);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        nonzero(200),
        nonzero(cols),
        0,
    )));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (feed, record) = (parser.clone(), raw.clone());
    let mut reader = std::fs::File::from(controller.try_clone().expect("dup"));
    let pump = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // Reading fails with EIO once the child has closed the terminal.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().expect("parser").process(&buf[..n]);
            record.lock().expect("raw").extend_from_slice(&buf[..n]);
        }
    });
    let mut seen = Vec::new();
    let start = Instant::now();
    let mut resized = resize.is_none();
    let mut resized_at = 0;
    while start.elapsed() < Duration::from_secs_f64(secs) {
        std::thread::sleep(Duration::from_millis(100));
        if !resized && start.elapsed() > Duration::from_secs_f64(secs / 2.0) {
            resized = true;
            resized_at = seen.len();
            let to = resize.unwrap_or(cols);
            let size = libc::winsize {
                ws_row: 200,
                ws_col: to,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            // SAFETY: TIOCSWINSZ on a terminal we own, with a valid winsize.
            let r = unsafe { libc::ioctl(controller.as_raw_fd(), libc::TIOCSWINSZ, &size) };
            assert_eq!(r, 0, "TIOCSWINSZ: {}", std::io::Error::last_os_error());
            // The emulator then does what a terminal that does not rewrap does.
            parser
                .lock()
                .expect("parser")
                .screen_mut()
                .set_size(nonzero(200), nonzero(to));
        }
        seen.push(rows(parser.lock().expect("parser").screen()));
    }
    // SAFETY: sends SIGINT to the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "crescent did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The child is gone; closing our end too makes the reader's next read fail.
    drop(controller);
    let _ = pump.join();
    let end = rows(parser.lock().expect("parser").screen());
    let raw = raw.lock().expect("raw").clone();
    Session {
        seen,
        resized_at,
        end,
        raw,
    }
}

/// The demo, as the README's first command runs it, in terminals of several widths: the status
/// line is on one row, is redrawn in place, and is gone at the end; nothing wraps.
#[test]
fn the_demo_in_a_terminal_leaves_no_status_lines_behind() {
    for (first, resize) in [(80u16, None), (40, None), (200, None), (120, Some(50u16))] {
        let Session {
            seen,
            resized_at,
            end,
            ..
        } = run_on_terminal(&["run"], &[], first, resize, 2.5);
        // After a resize, the screens and the end are at the new width (the first redraw after
        // it may still have been cut for the old one, so it is let off).
        let cols = resize.unwrap_or(first);
        let mut drawn = 0;
        for (i, screen) in seen.iter().enumerate() {
            let status: Vec<&String> = screen.iter().filter(|r| is_status(r)).collect();
            // The width the status was drawn for; redraws come every 250 ms, so the screens
            // of the 400 ms after a resize may still show one cut for the old width.
            let width = match resize {
                Some(_) if i < resized_at => first,
                Some(_) if i < resized_at + 4 => u16::MAX,
                _ => cols,
            };
            assert!(
                status.len() <= 1,
                "{cols} columns: {} status rows on one screen:\n{}",
                status.len(),
                screen.join("\n")
            );
            if let Some(s) = status.first() {
                drawn += 1;
                assert!(
                    s.chars().count() < width as usize,
                    "{width} columns: the status fills the row: {s:?}"
                );
            }
        }
        assert!(drawn > 0, "{cols} columns: no status line was ever drawn");
        if resize.is_some() {
            let after = seen[resized_at + 4..]
                .iter()
                .filter(|s| s.iter().any(|r| is_status(r)))
                .count();
            assert!(after > 0, "no status line was drawn after the resize");
        }
        let text = end.join("\n");
        assert!(
            !end.iter().any(|r| is_status(r)),
            "{cols} columns: a status line was left behind:\n{text}"
        );
        assert!(text.contains("done: "), "{cols} columns:\n{text}");
        // Every row that is not blank is a line the program wrote, never the tail of a
        // wrapped one: each starts as crescent's lines do.
        for row in end.iter().filter(|r| !r.is_empty()) {
            assert!(
                row.chars().count() <= cols as usize,
                "{cols} columns: {row:?}"
            );
        }
        if cols == 200 {
            // Wide enough for the whole status: it ends with the last log line.
            let last = seen
                .iter()
                .rev()
                .find_map(|s| s.iter().find(|r| is_status(r)).cloned())
                .unwrap_or_default();
            assert!(last.contains(" errors"), "{last}");
        }
    }
}

/// NO_COLOR keeps colour out of a terminal too; the status line still redraws in place.
#[test]
fn no_color_means_no_colour_escapes() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/bad.lua"]}]}"#,
        ),
        (
            "scripts/bad.lua",
            "function update(self, dt) local x = nil; x.y = 1 end\n",
        ),
    ]);
    let path = arg(dir.path()).to_string();
    let colored = run_on_terminal(&["run", &path], &[], 100, None, 1.5);
    let text = String::from_utf8_lossy(&colored.raw).into_owned();
    assert!(text.contains("\x1b[1;31merror\x1b[0m"), "{text:?}");
    let plain = run_on_terminal(&["run", &path], &[("NO_COLOR", "1")], 100, None, 1.5);
    let text = String::from_utf8_lossy(&plain.raw).into_owned();
    assert!(text.contains("error: "), "{text:?}");
    // Cursor movement and erasing only, never a colour (SGR, ending in `m`).
    assert!(
        !text.contains("\x1b[1;31m") && !text.contains("\x1b[0m"),
        "{text:?}"
    );
    assert!(plain.seen.iter().any(|s| s.iter().any(|r| is_status(r))));
}

/// A script error, as printed when standard error is a pipe: one report, compiler style, no
/// escape codes, the entity's name, the source line and caret, script frames only.
#[test]
fn a_runtime_error_is_reported_once_in_plain_text() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "Player", "scripts": ["scripts/player.lua"]}]}"#,
        ),
        (
            "scripts/lib/util.lua",
            "local M = {}\nfunction M.speed_of(cfg)\n  return cfg.speed * 2\nend\nreturn M\n",
        ),
        (
            "scripts/player.lua",
            "local util = require(\"lib.util\")\nfunction init(self)\n  log.warn(\"ready\")\nend\nfunction update(self, dt)\n  local s = util.speed_of(self.cfg)\n  return s\nend\n",
        ),
    ]);
    let run = crescent_in(dir.path(), &["run", ".", "--frames", "3"]).expect_code(0);
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    let shown: String = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("done: "))
        .map(|l| format!("{l}\n"))
        .collect();
    expect_test::expect![[r#"
        warn  scripts/player.lua:3: ready
        error: scripts/lib/util.lua:3:10: attempt to index a nil value (local 'cfg')
         3 |   return cfg.speed * 2
           |          ^
           = in `update` of scripts/player.lua on entity 1 "Player"; the instance is stopped
           = traceback (innermost first):
                scripts/lib/util.lua:3: in function 'speed_of'
                scripts/player.lua:6: in update
    "#]]
    .assert_eq(&shown);
}
