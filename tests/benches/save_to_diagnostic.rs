//! Save to diagnostic in the editor: how long after a script is saved with a runtime error the
//! editor receives the game's diagnostic, and how long after a fix it hears `crescent/reloaded`,
//! through the real `crescent run --watch` and the real `crescent-lsp` driven as an editor.
//!
//! Baseline, in the same run and the same server: an edit sent with `didChange` to the
//! server's own (static) diagnostics for it. The ratio says what the trip through the game
//! costs on top of what the editor already waits for on every keystroke.
//!
//! `cargo bench -p crescent-e2e --bench save_to_diagnostic` (release binaries; 40 rounds).

use crescent_e2e::game::RunningGame;
use crescent_e2e::lsp_client::{file_uri, LspClient};
use crescent_e2e::{lsp_bin, project};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;
const WAIT: Duration = Duration::from_secs(20);

fn good(round: usize) -> String {
    format!("-- round {round}\nfunction init(self)\n  self.n = 0\nend\n\nfunction update(self, dt)\n  self.n = self.n + 1\nend\n")
}

fn broken(round: usize) -> String {
    format!("-- round {round}\nfunction init(self)\n  self.n = 0\nend\n\nfunction update(self, dt)\n  error(\"broken in round {round}\")\nend\n")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(name: &str, mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    let median = percentile(&ms, 0.5);
    println!(
        "{name:<38} median {median:7.2} ms   p99 {:7.2} ms   min {:6.2}   max {:7.2}   (n = {})",
        percentile(&ms, 0.99),
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
    median
}

fn crescent_diags(m: &Value, uri: &str) -> Option<usize> {
    if m["method"] != "textDocument/publishDiagnostics" || m["params"]["uri"] != uri {
        return None;
    }
    let all = m["params"]["diagnostics"].as_array()?;
    Some(all.iter().filter(|d| d["source"] == "crescent").count())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        // `cargo test --benches` asks benchmarks to list themselves; this one has no tests.
        return;
    }
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "player", "scripts": ["scripts/player.lua"]},
                             {"name": "other", "scripts": ["scripts/other.lua"]}]}"#,
        ),
        ("scripts/player.lua", &good(0)),
        ("scripts/other.lua", "function update(self, dt) end\n"),
    ]);
    let root = dir.path();
    let script = root.join("scripts/player.lua");
    let uri = file_uri(&script);
    let other_uri = file_uri(&root.join("scripts/other.lua"));
    let _game = RunningGame::start(root);
    let mut lsp = LspClient::start(&lsp_bin(), root);
    lsp.wait_for(WAIT, |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("connected to the running game"))
    })
    .expect("the server joins the game");
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other_uri, "languageId": "lua", "version": 1,
            "text": "function update(self, dt) end\n"}}),
    );

    let mut to_diagnostic = Vec::new();
    let mut to_reloaded = Vec::new();
    let mut static_edit = Vec::new();
    for round in 1..=ROUNDS {
        lsp.clear();
        let saved = Instant::now();
        std::fs::write(&script, broken(round)).expect("save");
        lsp.wait_for(WAIT, |m| crescent_diags(m, &uri).is_some_and(|n| n > 0))
            .expect("a runtime diagnostic");
        to_diagnostic.push(saved.elapsed().as_secs_f64() * 1000.0);

        lsp.clear();
        let saved = Instant::now();
        std::fs::write(&script, good(round)).expect("save");
        lsp.wait_for(WAIT, |m| {
            m["method"] == "crescent/reloaded" && m["params"]["ok"] == true
        })
        .expect("crescent/reloaded");
        to_reloaded.push(saved.elapsed().as_secs_f64() * 1000.0);

        // Baseline: an edit the server diagnoses itself (an unknown engine member).
        lsp.clear();
        let version = round as i64 + 1;
        let text = format!("function update(self, dt)\n  world.spwn{round}()\nend\n");
        let sent = Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": other_uri, "version": version},
                "contentChanges": [{"text": text}]}),
        );
        lsp.wait_for(WAIT, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == other_uri.as_str()
                && m["params"]["version"] == version
        })
        .expect("static diagnostics");
        static_edit.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    println!("save to diagnostic in the editor, {ROUNDS} rounds (game at 60 fps, real time)");
    let runtime = summary("save -> runtime diagnostic", to_diagnostic);
    summary("save -> crescent/reloaded", to_reloaded);
    let baseline = summary("baseline: didChange -> static diagnostic", static_edit);
    println!(
        "ratio runtime/static = {:.1}x   (target: save -> diagnostic median < 100 ms)",
        runtime / baseline.max(0.001)
    );
    lsp.shutdown();
}
