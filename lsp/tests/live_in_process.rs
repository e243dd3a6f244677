//! The live link measured from inside the server: a real game (`crescent run --watch`) and the
//! server in this process, so the handling of the game's events (`server/live.rs`) runs where
//! tests can see it. A runtime error becomes a diagnostic with source `crescent` at the error's
//! line and column, with the script frames as related locations; a broken save becomes one at
//! the compiler's position; a clean reload clears both.

mod client;
use client::{diagnostics_for, Client};
use crescent_e2e::game::RunningGame;
use serde_json::{json, Value};

fn crescent_diagnostics(d: &Value) -> Vec<Value> {
    d["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d["source"] == "crescent")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn game_events_become_diagnostics_and_clear_on_reload() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scripts/lib")).expect("mkdir");
    std::fs::write(
        root.join("scene.json"),
        r#"{"entities": [{"name": "hero", "scripts": ["scripts/hero.lua"]}]}"#,
    )
    .expect("scene");
    std::fs::write(
        root.join("scripts/lib/util.lua"),
        "local M = {}\nfunction M.speed_of(cfg)\n  return cfg.speed * 2\nend\nreturn M\n",
    )
    .expect("util");
    let faulty = "local util = require(\"lib.util\")\nfunction update(self, dt)\n  if time.frame < 30 then return end\n  local s = util.speed_of(self.cfg)\n  self.s = s\nend\n";
    std::fs::write(root.join("scripts/hero.lua"), faulty).expect("hero");
    let _game = RunningGame::start(root);

    let mut c = Client::start();
    c.initialize(Some(root), true).await;
    // The error is in the module, at `cfg`; the faulted instance is the hero's.
    let util_uri = format!("file://{}/scripts/lib/util.lua", root.display());
    let d = loop {
        let d = c.wait_for(diagnostics_for(&util_uri)).await;
        if !crescent_diagnostics(&d).is_empty() {
            break d;
        }
    };
    let found = crescent_diagnostics(&d);
    assert_eq!(found.len(), 1, "{found:?}");
    let e = &found[0];
    assert_eq!(e["range"]["start"], json!({"line": 2, "character": 9}));
    assert_eq!(e["code"], "runtime-error");
    let message = e["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("attempt to index a nil value (local 'cfg')")
            && message.contains("in `update` of scripts/hero.lua on entity 1 \"hero\""),
        "{message}"
    );
    let related: Vec<String> = e["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        related,
        [
            "scripts/lib/util.lua:3: in function 'speed_of'",
            "scripts/hero.lua:4: in update"
        ]
    );

    // A broken save of the module: the compiler's position, the old code keeps running.
    std::fs::write(
        root.join("scripts/lib/util.lua"),
        "local M = {}\nfunction M.speed_of(cfg)\n  return cfg.speed * * 2\nend\nreturn M\n",
    )
    .expect("broken save");
    let d = loop {
        let d = c.wait_for(diagnostics_for(&util_uri)).await;
        let f = crescent_diagnostics(&d);
        if f.iter().any(|x| x["code"] == "reload-failed") {
            break f;
        }
    };
    let failed: Vec<&Value> = d.iter().filter(|x| x["code"] == "reload-failed").collect();
    assert_eq!(failed[0]["range"]["start"]["line"], 2, "{failed:?}");

    // A good save clears what the game reported for the file.
    std::fs::write(
        root.join("scripts/lib/util.lua"),
        "local M = {}\nfunction M.speed_of(cfg)\n  return (cfg and cfg.speed or 1) * 2\nend\nreturn M\n",
    )
    .expect("good save");
    loop {
        let d = c.wait_for(diagnostics_for(&util_uri)).await;
        if crescent_diagnostics(&d).is_empty() {
            break;
        }
    }
}

/// A project one folder below the workspace folder (a repository with the game in `game/`)
/// gets the live link too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_one_folder_below_the_workspace_is_linked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("game");
    std::fs::create_dir_all(root.join("scripts")).expect("mkdir");
    std::fs::write(
        root.join("scene.json"),
        r#"{"entities": [{"scripts": ["scripts/boom.lua"]}]}"#,
    )
    .expect("scene");
    std::fs::write(
        root.join("scripts/boom.lua"),
        "function update(self, dt)\n  if time.frame < 30 then return end\n  local n = nil\n  self.x = n.y\nend\n",
    )
    .expect("boom");
    let _game = RunningGame::start(&root);
    let mut c = Client::start();
    // The workspace is the folder above the project.
    c.initialize(Some(dir.path()), true).await;
    let uri = format!("file://{}/scripts/boom.lua", root.display());
    let found = loop {
        let d = c.wait_for(diagnostics_for(&uri)).await;
        let f = crescent_diagnostics(&d);
        if !f.is_empty() {
            break f;
        }
    };
    assert_eq!(found[0]["range"]["start"]["line"], 3, "{found:?}");
    assert_eq!(found[0]["code"], "runtime-error");
}
