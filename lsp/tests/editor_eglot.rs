//! End to end with Emacs: Eglot (Debian's `emacs-nox` + `elpa-eglot`) drives `crescent-lsp`.
//!
//! Eglot is the client that sends `"params": null` on `shutdown`, which a plain tower-lsp
//! server refuses with -32602. Emacs in batch mode opens a script with a misspelt engine call,
//! collects flymake's diagnostics, asks for completion after `world.` and shuts the server
//! down; `tests/editor/eglot_probe.el` prints the findings and this test judges them. Without
//! Emacs and Eglot the test prints why and passes, except under CI=true, where it fails.

mod common;
use common::{run_with_timeout, tool_missing};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const SCRIPT: &str = r#"-- scripts/player.lua
function init(self)
  self.speed = 2
end

function update(self, dt)
  world.spwn("enemy")
end
"#;

fn eglot_available() -> bool {
    Command::new("emacs")
        .args([
            "--batch",
            "--eval",
            "(progn (package-initialize) (require 'eglot))",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn eglot_gets_diagnostics_completion_and_shuts_down_with_null_params() {
    if tool_missing(
        eglot_available(),
        "editor_eglot",
        "emacs with eglot not found: apt-get install -y emacs-nox elpa-eglot",
    ) {
        return;
    }
    let project = tempfile::tempdir().expect("temp project");
    let root = project.path().canonicalize().expect("canonical temp path");
    std::fs::create_dir_all(root.join("scripts")).expect("create scripts/");
    std::fs::write(
        root.join("scene.json"),
        r#"{ "entities": [ { "name": "player", "scripts": ["scripts/player.lua"] } ] }"#,
    )
    .expect("write scene.json");
    std::fs::write(root.join("scripts/player.lua"), SCRIPT).expect("write player.lua");
    // Eglot finds the project through version control; make the temp folder one.
    std::fs::create_dir_all(root.join(".git")).expect("create .git");
    let home = tempfile::tempdir().expect("temp home");
    let probe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/eglot_probe.el");
    let server = env!("CARGO_BIN_EXE_crescent-lsp");

    let mut command = Command::new("emacs");
    command
        .arg("--batch")
        .arg("-l")
        .arg(&probe)
        .arg(root.join("scripts/player.lua"))
        .current_dir(&root)
        .env("HOME", home.path())
        .env("PROBE_CMD", format!("{server} --stdio"))
        .env("PROBE_LINE", "7")
        .env("PROBE_COL", "8")
        .stdin(Stdio::null());
    let output = run_with_timeout(command, Duration::from_secs(90), "emacs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let transcript = format!(
        "status: {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the probe failed\n{transcript}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("diagnostic 7 eglot-error")
                && l.contains("unknown-member")
                && l.contains("spawn")),
        "no unknown-member error on line 7\n{transcript}"
    );
    assert!(
        lines.contains(&"completion spawn"),
        "completion lacks spawn\n{transcript}"
    );
    assert!(
        lines.contains(&"shutdown ok"),
        "shutdown (sent with \"params\": null) failed\n{transcript}"
    );
}
