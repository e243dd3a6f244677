//! The running game speaks in the editor: `crescent run --watch` and `crescent-lsp` driven as an
//! editor drives it. Runtime errors and failed reloads become diagnostics on the right line, a
//! clean reload clears them and sends `crescent/reloaded`, and the server carries on when the
//! game dies and joins it again when it restarts.

use crescent_e2e::game::RunningGame as Game;
use crescent_e2e::lsp_client::{file_uri, LspClient};
use crescent_e2e::{lsp_bin, project};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const GOOD: &str = "function init(self)\n  self.n = 0\nend\n\nfunction update(self, dt)\n  self.n = self.n + 1\nend\n";
const RUNTIME_ERROR: &str = "function init(self)\n  self.n = 0\nend\n\nfunction update(self, dt)\n  if self.n >= 0 then error(\"the script broke\") end\n  self.n = self.n + 1\nend\n";
const SYNTAX_ERROR: &str =
    "function init(self)\n  self.n = 0\nend\n\nfunction update(self, dt)\n  self.n = = 1\nend\n";

const WAIT: Duration = Duration::from_secs(20);

fn is_log(message: &Value, needle: &str) -> bool {
    message["method"] == "window/logMessage"
        && message["params"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(needle))
}

fn crescent_diagnostics<'a>(message: &'a Value, uri: &str) -> Option<Vec<&'a Value>> {
    if message["method"] != "textDocument/publishDiagnostics" || message["params"]["uri"] != uri {
        return None;
    }
    let all = message["params"]["diagnostics"].as_array()?;
    Some(all.iter().filter(|d| d["source"] == "crescent").collect())
}

fn save(path: &Path, text: &str) {
    std::fs::write(path, text).expect("save the script");
}

#[test]
fn runtime_errors_reach_the_editor_and_reloads_clear_them() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "player", "scripts": ["scripts/player.lua"]}]}"#,
        ),
        ("scripts/player.lua", GOOD),
    ]);
    let root = dir.path();
    let script = root.join("scripts/player.lua");
    let uri = file_uri(&script);

    let game = Game::start(root);
    let mut lsp = LspClient::start(&lsp_bin(), root);
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": GOOD}}),
    );
    assert!(
        lsp.wait_for(WAIT, |m| is_log(m, "connected to the running game"))
            .is_some(),
        "the server did not join the game"
    );

    // A runtime error: a diagnostic from the game on the line that raised it.
    save(&script, RUNTIME_ERROR);
    let published = lsp
        .wait_for(WAIT, |m| {
            crescent_diagnostics(m, &uri).is_some_and(|d| !d.is_empty())
        })
        .expect("a runtime diagnostic");
    let diags = crescent_diagnostics(&published, &uri).expect("for the script");
    let error = diags[0];
    assert_eq!(error["range"]["start"]["line"], 5, "{error}");
    assert_eq!(error["code"], "runtime-error");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("the script broke")),
        "{error}"
    );
    assert_eq!(error["severity"], 1);

    // A save that does not compile: the old code keeps running, the editor hears why.
    save(&script, SYNTAX_ERROR);
    let failed = lsp
        .wait_for(WAIT, |m| {
            m["method"] == "crescent/reloaded" && m["params"]["ok"] == false
        })
        .expect("a failed reload notification");
    assert_eq!(failed["params"]["uri"], uri.as_str());
    assert!(failed["params"]["message"].is_string(), "{failed}");
    let published = lsp
        .wait_for(WAIT, |m| {
            crescent_diagnostics(m, &uri)
                .is_some_and(|d| d.iter().any(|d| d["code"] == "reload-failed"))
        })
        .expect("a reload-failed diagnostic");
    let diags = crescent_diagnostics(&published, &uri).expect("for the script");
    let reload = diags
        .iter()
        .find(|d| d["code"] == "reload-failed")
        .expect("reload-failed");
    assert_eq!(reload["range"]["start"]["line"], 5, "{reload}");

    // The fix: `crescent/reloaded` with ok, and the game's diagnostics are gone.
    save(&script, &format!("{GOOD}-- fixed\n"));
    let reloaded = lsp
        .wait_for(WAIT, |m| {
            m["method"] == "crescent/reloaded" && m["params"]["ok"] == true
        })
        .expect("a reloaded notification");
    assert_eq!(reloaded["params"]["uri"], uri.as_str());
    assert!(reloaded["params"]["ms"]
        .as_f64()
        .is_some_and(|ms| ms >= 0.0));
    assert!(
        lsp.wait_for(WAIT, |m| crescent_diagnostics(m, &uri)
            .is_some_and(|d| d.is_empty()))
            .is_some(),
        "the game's diagnostics were not cleared"
    );

    // The game dies: the server notices and keeps serving.
    drop(game);
    assert!(
        lsp.wait_for(WAIT, |m| is_log(m, "running game went away"))
            .is_some(),
        "the server did not notice the game stopped"
    );
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 4}}),
    );
    assert!(hover.is_null() || hover.is_object(), "{hover}");

    // A new game: the server joins it again, and its errors arrive as before.
    let _game = Game::start(root);
    assert!(
        lsp.wait_for(WAIT, |m| is_log(m, "connected to the running game"))
            .is_some(),
        "the server did not join the restarted game"
    );
    save(&script, RUNTIME_ERROR);
    assert!(
        lsp.wait_for(WAIT, |m| crescent_diagnostics(m, &uri)
            .is_some_and(|d| !d.is_empty()))
            .is_some(),
        "no runtime diagnostic from the restarted game"
    );
    lsp.shutdown();
}

#[test]
fn code_lenses_show_what_the_running_game_measures() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/player.lua"]}, {"scripts": ["scripts/player.lua"]}]}"#,
        ),
        ("scripts/player.lua", GOOD),
    ]);
    let root = dir.path();
    let uri = file_uri(&root.join("scripts/player.lua"));
    // No game yet: no lenses.
    let mut lsp = LspClient::start(&lsp_bin(), root);
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": GOOD}}),
    );
    let lenses = lsp.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(lenses.is_null() || lenses == json!([]), "{lenses}");
    let _game = Game::start(root);
    let deadline = std::time::Instant::now() + WAIT;
    let lenses = loop {
        let lenses = lsp.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        if lenses.as_array().is_some_and(|l| l.len() == 2) {
            break lenses;
        }
        assert!(std::time::Instant::now() < deadline, "no lenses: {lenses}");
        std::thread::sleep(Duration::from_millis(200));
    };
    // Over `init` (line 0) and `update` (line 4), with the live instance count.
    assert_eq!(lenses[0]["range"]["start"]["line"], 0, "{lenses}");
    assert_eq!(lenses[1]["range"]["start"]["line"], 4, "{lenses}");
    let update = lenses[1]["command"]["title"].as_str().unwrap_or("");
    assert!(update.starts_with("2 instances · "), "{update}");
    assert!(
        update.contains(" update calls · ") && update.contains("ms/frame"),
        "{update}"
    );
    lsp.shutdown();
}
