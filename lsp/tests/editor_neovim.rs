//! End to end with a real editor: headless Neovim drives the `crescent-lsp` binary.
//!
//! Neovim (Debian's `neovim` package, 0.7.2, or newer) opens a script with a misspelt engine
//! call in a temporary Crescent project, receives the server's diagnostics, asks for completion
//! after `world.`, applies the quick fix, reads the inlay hints, and stops the client with
//! `shutdown` + `exit` while keeping the server's stdin open. The probe script, `tests/editor/nvim_probe.lua`, prints one JSON object per
//! line; this test judges them. Without `nvim` the test prints why and passes, except under
//! CI=true, where it fails.

mod common;
use common::{run_with_timeout, tool_missing};

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

const SCRIPT: &str = r#"-- scripts/player.lua
function init(self)
  self.speed = 2
end

function update(self, dt)
  world.spwn("enemy")
  self.entity:translate(vec3(1, 0, 0), dt)
end
"#;

/// 0-based position just after `world.` on the line of `world.spwn`.
const COMPLETION_LINE: u32 = 6;
const COMPLETION_COL: u32 = 8;

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write_project(root: &Path) {
    std::fs::create_dir_all(root.join("scripts")).expect("create scripts/");
    std::fs::write(
        root.join("scene.json"),
        r#"{ "entities": [ { "name": "player", "scripts": ["scripts/player.lua"] } ] }"#,
    )
    .expect("write scene.json");
    std::fs::write(root.join("scripts/player.lua"), SCRIPT).expect("write player.lua");
}

#[test]
fn neovim_gets_diagnostics_completion_and_a_clean_exit() {
    if tool_missing(
        nvim_available(),
        "editor_neovim",
        "nvim not found: install Debian's neovim package (apt-get install -y neovim)",
    ) {
        return;
    }
    let project = tempfile::tempdir().expect("temp project");
    let root = project.path().canonicalize().expect("canonical temp path");
    write_project(&root);
    let home = tempfile::tempdir().expect("temp home");
    let probe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/nvim_probe.lua");
    let server = env!("CARGO_BIN_EXE_crescent-lsp");

    let mut command = Command::new("nvim");
    command
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", probe.display()))
        .arg(root.join("scripts/player.lua"))
        .current_dir(&root)
        // Keep Neovim's state, shada and logs out of the real home.
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("PROBE_CMD", format!("{server} --stdio"))
        .env("PROBE_ROOT", &root)
        .env("PROBE_LINE", COMPLETION_LINE.to_string())
        .env("PROBE_COL", COMPLETION_COL.to_string())
        .env("PROBE_TIMEOUT_MS", "20000")
        .stdin(std::process::Stdio::null());
    let output = run_with_timeout(command, Duration::from_secs(90), "nvim");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let events: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let transcript = format!(
        "status: {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the probe failed\n{transcript}");
    assert!(
        events.iter().all(|e| e.get("error").is_none()),
        "the probe reported an error\n{transcript}"
    );

    // Diagnostics: the misspelt `world.spwn` on line 7 (0-based 6), with its code and a hint.
    let unknown_member = events.iter().find(|e| {
        e["kind"] == "diagnostic" && e["code"] == "unknown-member" && e["line"] == COMPLETION_LINE
    });
    let unknown_member = unknown_member
        .unwrap_or_else(|| panic!("no unknown-member diagnostic on line 7\n{transcript}"));
    let message = unknown_member["message"].as_str().unwrap_or("");
    assert!(
        message.contains("spawn"),
        "the message should suggest `spawn`: {message}"
    );
    assert_eq!(
        unknown_member["severity"], 1,
        "an unknown engine member is an error"
    );

    // Completion after `world.` offers `spawn`.
    let labels: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "completion")
        .filter_map(|e| e["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"spawn"),
        "completion after `world.` lacks spawn: {labels:?}\n{transcript}"
    );
    assert!(
        !labels.contains(&"init"),
        "member completion should not offer lifecycle skeletons: {labels:?}"
    );

    // The quick fix for `spwn` is offered, and applying it gives `world.spawn`.
    assert!(
        events.iter().any(|e| e["kind"] == "code_action"
            && e["title"] == "Change to `spawn`"
            && e["action_kind"] == "quickfix"),
        "no quick fix offered\n{transcript}"
    );
    let fixed = events
        .iter()
        .find(|e| e["kind"] == "fixed_line")
        .unwrap_or_else(|| panic!("the quick fix was not applied\n{transcript}"));
    assert_eq!(fixed["text"], "  world.spawn(\"enemy\")", "{transcript}");

    // Inlay hints name the parameters of the engine calls on the next line.
    let hints: Vec<(u64, u64, &str)> = events
        .iter()
        .filter(|e| e["kind"] == "inlay_hint")
        .filter_map(|e| {
            Some((
                e["line"].as_u64()?,
                e["character"].as_u64()?,
                e["label"].as_str()?,
            ))
        })
        .collect();
    let line = u64::from(COMPLETION_LINE) + 1;
    assert_eq!(
        hints,
        [
            (line, 24, "offset:"),
            (line, 29, "x:"),
            (line, 32, "y:"),
            (line, 35, "z:"),
            (line, 39, "scale:"),
        ],
        "{transcript}"
    );

    // shutdown + exit with stdin still open: the server ended by itself, with code 0.
    let exit = events
        .iter()
        .find(|e| e["event"] == "server_exit")
        .unwrap_or_else(|| panic!("no server_exit event\n{transcript}"));
    assert_eq!(
        exit["exited"], true,
        "the server did not exit after shutdown + exit\n{transcript}"
    );
    assert_eq!(
        exit["code"], 0,
        "exit code after shutdown + exit\n{transcript}"
    );
    assert_eq!(
        exit["signal"], 0,
        "the server was killed, it did not exit\n{transcript}"
    );
    assert!(
        events.last().is_some_and(|e| e["event"] == "done"),
        "{transcript}"
    );
}

/// The user setup snippet for this Neovim: `crescent-0.7.lua` before 0.10, `crescent.lua` after.
fn snippet_for_installed_nvim() -> &'static str {
    let version = Command::new("nvim")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let minor = version
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("NVIM v0."))
        .and_then(|rest| rest.split('.').next())
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    if minor >= 10 {
        "crescent.lua"
    } else {
        "crescent-0.7.lua"
    }
}

#[test]
fn the_user_setup_snippet_attaches_the_server() {
    if tool_missing(
        nvim_available(),
        "editor_neovim",
        "nvim not found: install Debian's neovim package (apt-get install -y neovim)",
    ) {
        return;
    }
    let project = tempfile::tempdir().expect("temp project");
    let root = project.path().canonicalize().expect("canonical temp path");
    write_project(&root);
    let home = tempfile::tempdir().expect("temp home");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let snippet = manifest
        .join("../editors/neovim")
        .join(snippet_for_installed_nvim());
    let check = manifest.join("tests/editor/nvim_snippet_check.lua");
    // The snippet runs `crescent-lsp` from PATH, as a user's installation would.
    let server_dir = Path::new(env!("CARGO_BIN_EXE_crescent-lsp"))
        .parent()
        .expect("bin dir");
    let path = format!(
        "{}:{}",
        server_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut command = Command::new("nvim");
    command
        .args(["--headless", "-i", "NONE", "-u"])
        .arg(&snippet)
        .arg("-c")
        .arg(format!("luafile {}", check.display()))
        .arg(root.join("scripts/player.lua"))
        .current_dir(&root)
        .env("PATH", path)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdin(std::process::Stdio::null());
    let output = run_with_timeout(command, Duration::from_secs(90), "nvim");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let transcript = format!(
        "snippet: {}\nstatus: {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        snippet.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let events: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        output.status.success(),
        "no diagnostics through the snippet\n{transcript}"
    );
    let client = events
        .iter()
        .find(|e| e["kind"] == "client" && e["name"] == "crescent")
        .unwrap_or_else(|| panic!("no `crescent` client attached\n{transcript}"));
    // The snippet finds the project root through scene.json.
    assert_eq!(client["root"].as_str(), root.to_str(), "{transcript}");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "diagnostic" && e["code"] == "unknown-member"),
        "{transcript}"
    );
}
