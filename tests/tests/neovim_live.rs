//! Neovim beside a running game: the user setup snippet from `editors/neovim/`, in headless
//! Neovim, shows the game's runtime error as a diagnostic and the `crescent/reloaded`
//! notification (through `vim.notify`) once the script is fixed.

use crescent_e2e::game::RunningGame;
use crescent_e2e::{lsp_bin, project, repo_root};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GOOD: &str = "function update(self, dt)\n  self.n = (self.n or 0) + 1\nend\n";

fn broken(round: u32) -> String {
    format!("-- {round}\nfunction update(self, dt)\n  error(\"neovim sees this\")\nend\n")
}

/// `nvim --version`'s minor version, or `None` when Neovim is not installed.
fn nvim_minor() -> Option<u32> {
    let out = Command::new("nvim").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.lines().next()?.split_whitespace().nth(1)?;
    version
        .trim_start_matches('v')
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}

/// Saves `text(round)` every half second, with a new round each time so every save changes the
/// file, until `marker` exists. The server joins the game on its own schedule, so one save
/// could come before it listens; each save reloads the script and reports again.
fn save_until(script: &Path, marker: &Path, text: impl Fn(u32) -> String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut round = 0;
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "Neovim never saw {}",
            marker.display()
        );
        round += 1;
        std::fs::write(script, text(round)).expect("save the script");
        let next = Instant::now() + Duration::from_millis(500);
        while Instant::now() < next && !marker.exists() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn neovim_shows_the_running_games_errors_and_reloads() {
    let Some(minor) = nvim_minor() else {
        let msg = "nvim not found: install Debian's neovim package (apt-get install -y neovim)";
        println!("SKIPPED neovim_live: {msg}");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        return;
    };
    let snippet = repo_root().join("editors/neovim").join(if minor >= 10 {
        "crescent.lua"
    } else {
        "crescent-0.7.lua"
    });
    let probe = repo_root().join("tests/editor/nvim_live_probe.lua");
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "player", "scripts": ["scripts/player.lua"]}]}"#,
        ),
        ("scripts/player.lua", GOOD),
    ]);
    let root = dir.path().canonicalize().expect("canonical project path");
    let script = root.join("scripts/player.lua");
    let markers = tempfile::tempdir().expect("marker dir");
    let home = tempfile::tempdir().expect("temp home");
    let _game = RunningGame::start(&root);

    // The snippet runs `crescent-lsp` from PATH, as a user's installation would.
    let server_dir = lsp_bin().parent().expect("bin dir").to_path_buf();
    let path = format!(
        "{}:{}",
        server_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut nvim = Command::new("nvim")
        .args(["--headless", "-i", "NONE", "-u"])
        .arg(&snippet)
        .arg("-c")
        .arg(format!("luafile {}", probe.display()))
        .arg(&script)
        .current_dir(&root)
        .env("PATH", path)
        .env("CRESCENT_PROBE_DIR", markers.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");

    let wait_marker = |name: &str| {
        let marker = markers.path().join(name);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !marker.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_marker("attached");
    save_until(&script, &markers.path().join("diagnostic"), broken);
    // The fix: saved again every half second until Neovim has heard it and quit.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut round = 0;
    let status = loop {
        if let Some(status) = nvim.try_wait().expect("nvim status") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = nvim.kill();
            break nvim.wait().expect("nvim ends");
        }
        if round < 8 {
            round += 1;
            std::fs::write(&script, format!("-- fixed {round}\n{GOOD}")).expect("save the fix");
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let output = nvim.wait_with_output().expect("nvim output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let transcript = format!(
        "status: {status:?}\nstdout:\n{stdout}\nstderr:\n{}\ngame log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(root.join("game.log")).unwrap_or_default()
    );
    let events: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let lens = events
        .iter()
        .find(|e| e["event"] == "lens")
        .unwrap_or_else(|| panic!("no lens event\n{transcript}"));
    assert!(
        lens["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("1 instance · ")),
        "a code lens with the live instance count: {transcript}"
    );
    let diagnostic = events
        .iter()
        .find(|e| e["event"] == "diagnostic")
        .unwrap_or_else(|| panic!("no runtime diagnostic in Neovim\n{transcript}"));
    assert_eq!(diagnostic["lnum"], 2, "{transcript}");
    assert_eq!(diagnostic["code"], "runtime-error", "{transcript}");
    let notify = events
        .iter()
        .find(|e| e["event"] == "notify")
        .unwrap_or_else(|| panic!("no notify event\n{transcript}"));
    assert!(
        notify["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("crescent: reloaded player.lua in")),
        "{transcript}"
    );
    assert!(status.success(), "{transcript}");
}
