//! The windowed example host (`examples/window`) under Xvfb with Mesa's software GL: it draws
//! the project's entities where their Transforms say, replays input to the same world, shows
//! a script error on screen and hot-reloads the fix. Screenshots are saved in
//! `tests/artifacts/`.

use crescent_e2e::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have_xvfb() -> bool {
    let found = Command::new("xvfb-run")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        let msg = "xvfb-run not found: install Debian's xvfb and libgl1-mesa-dri packages";
        println!("SKIPPED window: {msg}");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    }
    found
}

/// `crescent-window ARGS` under a virtual display with software GL.
fn window(args: &[&str]) -> Command {
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 1024x768x24"])
        .arg(binary("crescent-window"))
        .args(args)
        .env("LIBGL_ALWAYS_SOFTWARE", "1");
    cmd
}

fn artifact(name: &str) -> PathBuf {
    let dir = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir.join(name)
}

/// The screenshot's pixels, as RGB triples.
fn pixels(path: &Path) -> Vec<[u8; 3]> {
    let file = std::fs::File::open(path).expect("the screenshot was saved");
    let mut reader = png::Decoder::new(file).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    let channels = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// How many pixels are within 8 of `rgb` on every channel.
fn count(pixels: &[[u8; 3]], rgb: [u8; 3]) -> usize {
    pixels
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 8))
        .count()
}

const PLAYER_YELLOW: [u8; 3] = [255, 204, 51];
const ORBITER_RED: [u8; 3] = [230, 77, 102];
/// The error overlay's band: its dark red over the background.
const OVERLAY: [u8; 3] = [68, 3, 4];

const TRACK: &str = r#"[{"frame": 5, "press": ["fire"], "axes": {"move_x": 1}},
  {"frame": 40, "release": ["fire"], "axes": {"move_x": 0, "move_y": 1}},
  {"frame": 60, "pointer": [200, 100]}]"#;

#[test]
fn the_window_draws_the_projects_entities_and_replays_input_to_the_same_world() {
    if !have_xvfb() {
        return;
    }
    let project = copy_project(&repo_root().join("examples/window/project"));
    let track = project.path().join("track.json");
    std::fs::write(&track, TRACK).expect("track");
    let mut hashes = Vec::new();
    for run in 0..2 {
        let shot = artifact(&format!("window-{run}.png"));
        let _ = std::fs::remove_file(&shot);
        let out = window(&[
            arg(project.path()),
            "--frames",
            "90",
            "--screenshot",
            arg(&shot),
            "--input",
            arg(&track),
        ])
        .output()
        .expect("xvfb-run runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        let done = stdout
            .lines()
            .find(|l| l.starts_with("done: "))
            .unwrap_or_else(|| panic!("no summary: {stdout}\n{stderr}"));
        assert!(done.starts_with("done: 90 frames drawn"), "{done}");
        assert!(done.contains(" 0 errors"), "{done}\n{stderr}");
        hashes.push(done.rsplit(' ').next().unwrap_or_default().to_owned());

        let px = pixels(&shot);
        assert_eq!(px.len(), 960 * 640, "the window's size");
        // The player (a circle of radius 14) and an orbiter (a 20 x 20 square) are on screen.
        assert!(
            count(&px, PLAYER_YELLOW) > 300,
            "no player in {}",
            shot.display()
        );
        assert!(
            count(&px, ORBITER_RED) > 300,
            "no orbiter in {}",
            shot.display()
        );
        assert_eq!(count(&px, OVERLAY), 0, "an error is shown");
    }
    assert_eq!(hashes[0], hashes[1], "the same input gave two worlds");
}

#[test]
fn the_window_runs_the_demo_and_draws_its_entities() {
    if !have_xvfb() {
        return;
    }
    let demo = copy_project(&repo_root().join("lua/examples/demo"));
    let shot = artifact("window-demo.png");
    let _ = std::fs::remove_file(&shot);
    let out = window(&[
        arg(demo.path()),
        "--frames",
        "240",
        "--screenshot",
        arg(&shot),
    ])
    .output()
    .expect("xvfb-run runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("done: 240 frames drawn") && stdout.contains(" 0 errors"),
        "{stdout}\n{stderr}"
    );
    // The demo's entities have no Sprite: each is a 10 x 10 marker (below the status line,
    // which takes the top 30 rows).
    let px = pixels(&shot);
    let background = [18, 20, 28];
    let marked = px
        .iter()
        .skip(960 * 30)
        .filter(|p| (0..3).any(|i| p[i].abs_diff(background[i]) > 24))
        .count();
    assert!(
        marked > 6 * 100,
        "only {marked} pixels drawn in {}",
        shot.display()
    );
}

#[test]
fn a_script_error_is_shown_on_screen_and_the_saved_fix_reloads() {
    if !have_xvfb() {
        return;
    }
    let project = copy_project(&repo_root().join("examples/window/project"));
    let script = project.path().join("scripts/orbiter.lua");
    let good = std::fs::read_to_string(&script).expect("orbiter");
    let broken = good.replace(
        "self.angle = self.angle + self.speed * dt",
        "self.angle = self.angle + self.sped * dt",
    );
    assert_ne!(good, broken);
    std::fs::write(&script, &broken).expect("break the script");

    let before = artifact("window-error.png");
    let _ = std::fs::remove_file(&before);
    let out = window(&[
        arg(project.path()),
        "--frames",
        "20",
        "--screenshot",
        arg(&before),
    ])
    .output()
    .expect("xvfb-run runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("error: scripts/orbiter.lua:14: attempt to perform arithmetic on a nil value (field 'sped')"),
        "{stderr}"
    );
    assert!(
        count(&pixels(&before), OVERLAY) > 960 * 10,
        "no error band on screen"
    );

    // Running long enough to save the fix while it runs: the overlay goes with the reload.
    let after = artifact("window-reloaded.png");
    let _ = std::fs::remove_file(&after);
    let mut child = window(&[
        arg(project.path()),
        "--frames",
        "300",
        "--screenshot",
        arg(&after),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("xvfb-run starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let start = Instant::now();
    loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("the window ended before reporting the error"))
            .expect("stderr line");
        if line.contains("field 'sped'") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no error reported"
        );
    }
    std::fs::write(&script, &good).expect("save the fix");
    let out = child.wait_with_output().expect("the window ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("reloaded scripts/orbiter.lua"), "{stdout}");
    assert_eq!(
        count(&pixels(&after), OVERLAY),
        0,
        "the error is still shown"
    );
}
