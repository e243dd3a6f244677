//! Protocol round trips through the real server over an in-memory pipe.

mod client;
use client::{diagnostics_for, Client};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn negotiates_utf8_and_publishes_engine_diagnostics() {
    let mut c = Client::start();
    let init = c.initialize(None, true).await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    let uri = "file:///nowhere/scripts/a.lua";
    let text = "function update(self, dt)\n  local s = \"é😀\" world.spwn({})\nend\n";
    c.open(uri, text).await;
    let d = c.wait_for(diagnostics_for(uri)).await;
    let diags = d["params"]["diagnostics"]
        .as_array()
        .expect("array")
        .clone();
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-member")
        .expect("unknown member reported");
    // In UTF-8 columns `spwn` starts after `  local s = "é😀" world.`: 27 bytes (20 UTF-16 units).
    assert_eq!(
        unknown["range"]["start"],
        json!({"line": 1, "character": 27})
    );
    assert!(unknown["message"]
        .as_str()
        .unwrap_or("")
        .contains("did you mean `spawn`"));
}

#[tokio::test]
async fn utf16_by_default_and_edits_apply_before_the_next_request() {
    let mut c = Client::start();
    let init = c.initialize(None, false).await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    let uri = "file:///nowhere/scripts/b.lua";
    let text = "function init(self)\n  local s = \"😀\"\n  \nend\n";
    c.open(uri, text).await;
    // Type `self.entity:` on the empty line and ask for completion at once.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 2}}, "text": "self.entity:"}
        ]}),
    )
    .await;
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 14}}),
        )
        .await;
    let labels = labels(&r);
    assert!(labels.contains(&"despawn".to_string()), "{r}");
    // A UTF-16 position after the emoji (2 units) maps to the right place for hover.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 16}, "end": {"line": 1, "character": 16}}, "text": " print(s)"}
        ]}),
    )
    .await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 23}}),
        )
        .await;
    let value = h["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(value.contains("local s = \"😀\""), "{h}");
}

#[tokio::test]
async fn odd_requests_get_sensible_answers() {
    let mut c = Client::start();
    c.initialize(None, false).await;
    let r = c
        .request("textDocument/completion", json!({"textDocument": {"uri": "file:///no/such/file.lua"}, "position": {"line": 5, "character": 5}}))
        .await;
    assert_eq!(r["result"], Value::Null, "{r}");
    let uri = "untitled:x";
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": "local x = 1"}})).await;
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 999, "character": 999}}),
        )
        .await;
    assert!(r.get("error").is_none(), "{r}");
    let r = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 7}}),
        )
        .await;
    assert_eq!(
        r["result"]["range"]["start"],
        json!({"line": 0, "character": 6}),
        "{r}"
    );
    let r = c.request("shutdown", Value::Null).await;
    assert!(r.get("error").is_none(), "{r}");
}

#[tokio::test]
async fn indexes_the_workspace_with_progress_and_reads_api_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scripts")).expect("mkdir");
    std::fs::create_dir_all(root.join(".crescent")).expect("mkdir");
    std::fs::write(
        root.join("scripts/shield.lua"),
        "function init(self) self.entity:set(\"Shield\", 3) end\n",
    )
    .expect("write");
    let host = json!({"schema": 1, "crescent": "", "globals": [], "namespaces": [], "types": [], "callbacks": [], "script_fields": [],
        "components": [{"name": "Health", "doc": "hit points", "type": "table", "fields": [{"name": "hp", "type": "integer"}], "origin": "host"}],
        "sandbox": {"globals": [], "partial": [], "removed": []}});
    std::fs::write(root.join(".crescent/api.json"), host.to_string()).expect("write");
    let mut c = Client::start();
    c.initialize(Some(root), false).await;
    c.wait_for(|v| v["method"] == "$/progress" && v["params"]["value"]["kind"] == "end")
        .await;
    let uri = format!("file://{}/scripts/player.lua", root.display());
    let text = "function update(self, dt)\n  print(self.entity:get(\"Health\"), self.entity:get(\"Shield\"), self.entity:get(\"Mana\"))\nend\n";
    c.open(&uri, text).await;
    let d = c.wait_for(diagnostics_for(&uri)).await;
    let messages: Vec<String> = d["params"]["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(messages, ["unknown component `Mana`"]);
    let r = c
        .request("workspace/symbol", json!({"query": "init"}))
        .await;
    assert!(
        r["result"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["name"] == "init")),
        "{r}"
    );

    // `require` goes to the module's file.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "local shield = require(\"shield\")\nprint(shield)\n"}]}),
    )
    .await;
    let r = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 26}}),
        )
        .await;
    let target = r["result"]["uri"].as_str().unwrap_or("");
    assert!(target.ends_with("/scripts/shield.lua"), "{r}");

    // The host registers a new component: the workspace's api.json changes on disk.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "function init(self) print(self.entity:get(\"Mana\")) end\n"}]}),
    )
    .await;
    let d = c
        .wait_for(|v| diagnostics_for(&uri)(v) && v["params"]["version"] == 3)
        .await;
    assert_eq!(
        d["params"]["diagnostics"].as_array().map(Vec::len),
        Some(1),
        "{d}"
    );
    let mut with_mana = host.clone();
    if let Some(components) = with_mana["components"].as_array_mut() {
        components
            .push(json!({"name": "Mana", "doc": "magic", "type": "number", "origin": "host"}));
    }
    std::fs::write(root.join(".crescent/api.json"), with_mana.to_string()).expect("write");
    let api_uri = format!("file://{}/.crescent/api.json", root.display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": api_uri, "type": 2}]}),
    )
    .await;
    let d = c
        .wait_for(|v| {
            diagnostics_for(&uri)(v)
                && v["params"]["version"] == 3
                && v["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|a| a.is_empty())
        })
        .await;
    assert_eq!(d["params"]["uri"], uri.as_str());
}

#[tokio::test]
async fn closed_files_with_invalid_utf8_and_large_files_are_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.lua");
    std::fs::write(
        &path,
        b"local name = \"\xff\xfe\"\nfunction init(self) print(name) end\n",
    )
    .expect("write");
    let mut c = Client::start();
    c.initialize(None, false).await;
    let uri = format!("file://{}", path.display());
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let names: Vec<&str> = r["result"]
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"init") && names.contains(&"name"), "{r}");
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 27}}),
        )
        .await;
    assert!(
        r["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("local name"),
        "{r}"
    );
    // A large open file still gets its diagnostics.
    let big_uri = "file:///nowhere/big.lua";
    let mut big = String::new();
    for i in 0..20_000 {
        big.push_str(&format!("local v{i} = world.find(\"e{i}\")\n"));
    }
    big.push_str("world.spwn({})\n");
    c.open(big_uri, &big).await;
    let d = c.wait_for(diagnostics_for(big_uri)).await;
    let diags = d["params"]["diagnostics"].as_array().expect("array");
    assert!(
        diags.iter().any(|d| d["code"] == "unknown-member"),
        "the error at the end is found"
    );
    assert!(diags.len() <= 1000, "diagnostics are capped per file");
}

/// The labels of a completion answer.
fn labels(r: &Value) -> Vec<String> {
    let items = r["result"]["items"]
        .as_array()
        .or_else(|| r["result"].as_array());
    items
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_required_modules_exports_complete_hover_and_follow_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scripts/lib")).expect("mkdir");
    let util_path = root.join("scripts/lib/util.lua");
    std::fs::write(
        &util_path,
        "local M = {}\n--- Clamps `x` into [lo, hi].\nfunction M.clamp(x, lo, hi) return x end\nreturn M\n",
    )
    .expect("write");
    let mut c = Client::start();
    c.initialize(Some(root), false).await;
    c.wait_for(|v| v["method"] == "$/progress" && v["params"]["value"]["kind"] == "end")
        .await;
    let uri = format!("file://{}/scripts/player.lua", root.display());
    let text = "local util = require(\"lib.util\")\nfunction update(self, dt)\n  local v = util.clamp(1, 0, 2)\nend\n";
    c.open(&uri, text).await;
    c.wait_for(diagnostics_for(&uri)).await;
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});

    // Completion right after `util.`.
    let r = c.request("textDocument/completion", at(2, 17)).await;
    assert_eq!(labels(&r), ["clamp"], "{r}");
    let clamp = &r["result"]["items"][0];
    assert_eq!(
        clamp["textEdit"]["newText"], "clamp(${1:x}, ${2:lo}, ${3:hi})",
        "{r}"
    );
    assert_eq!(clamp["insertTextFormat"], 2, "{r}");

    // Hover, signature help and definition on `clamp`.
    let r = c.request("textDocument/hover", at(2, 19)).await;
    let hover = r["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        hover.contains("function lib.util.clamp(x, lo, hi)") && hover.contains("Clamps `x`"),
        "{r}"
    );
    let r = c.request("textDocument/signatureHelp", at(2, 26)).await;
    assert_eq!(
        r["result"]["signatures"][0]["label"], "lib.util.clamp(x, lo, hi)",
        "{r}"
    );
    assert_eq!(r["result"]["activeParameter"], 1, "{r}");
    let r = c.request("textDocument/definition", at(2, 19)).await;
    let util_uri = format!("file://{}", util_path.display());
    assert_eq!(r["result"]["uri"], util_uri.as_str(), "{r}");
    assert_eq!(
        r["result"]["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 16}}),
        "{r}"
    );

    // The module changes on disk: the watcher's notification brings the new export.
    std::fs::write(
        &util_path,
        "local M = {}\n\nfunction M.clamp(x, lo, hi) return x end\n\n-- Blends.\nfunction M.lerp(a, b, t) return a end\nreturn M\n",
    )
    .expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": util_uri, "type": 2}]}),
    )
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = c.request("textDocument/completion", at(2, 17)).await;
        if labels(&r) == ["clamp", "lerp"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new export never appeared: {r}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Opened in the editor, the module's unsaved text is what other files see...
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": util_uri, "languageId": "lua", "version": 1,
            "text": "local M = {}\nM.unsaved = 1\nreturn M\n"}}),
    )
    .await;
    c.wait_for(|v| diagnostics_for(&util_uri)(v) && v["params"]["version"] == 1)
        .await;
    let r = c.request("textDocument/completion", at(2, 17)).await;
    assert_eq!(labels(&r), ["unsaved"], "{r}");
    // ...until it is closed without saving.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": util_uri}}),
    )
    .await;
    c.wait_for(|v| diagnostics_for(&util_uri)(v) && v["params"]["version"].is_null())
        .await;
    let r = c.request("textDocument/completion", at(2, 17)).await;
    assert_eq!(labels(&r), ["clamp", "lerp"], "{r}");
}

/// What a module's function returns (declared with `---@return`, a class another file
/// declares) types the call in the file that requires it, and follows the module's edits.
#[tokio::test]
async fn a_module_functions_return_type_reaches_the_requiring_file_and_follows_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scripts/lib")).expect("mkdir");
    std::fs::write(
        root.join("scripts/lib/enemy.lua"),
        "---@class Enemy\nlocal Enemy = {}\nfunction Enemy:hurt(n) end\nreturn Enemy\n",
    )
    .expect("write");
    let spawner_path = root.join("scripts/lib/spawner.lua");
    let spawner = "local M = {}\n---@return Enemy\nfunction M.spawn() end\nreturn M\n";
    std::fs::write(&spawner_path, spawner).expect("write");
    let mut c = Client::start();
    c.initialize(Some(root), false).await;
    c.wait_for(|v| v["method"] == "$/progress" && v["params"]["value"]["kind"] == "end")
        .await;
    let uri = format!("file://{}/scripts/player.lua", root.display());
    c.open(
        &uri,
        "local spawner = require(\"lib.spawner\")\nlocal e = spawner.spawn()\ne:\n",
    )
    .await;
    c.wait_for(diagnostics_for(&uri)).await;
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 2}});
    let r = c.request("textDocument/completion", at.clone()).await;
    assert_eq!(labels(&r), ["hurt"], "{r}");

    // The module, opened and edited, now returns an engine type: the other file follows.
    let spawner_uri = format!("file://{}", spawner_path.display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": spawner_uri, "languageId": "lua", "version": 1,
            "text": spawner.replace("Enemy", "Entity")}}),
    )
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = c.request("textDocument/completion", at.clone()).await;
        if labels(&r).iter().any(|l| l == "despawn") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new return type never reached the file: {r}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The scene's lints reach the editor as diagnostics on scene.json (never opened by the
/// client), and follow the files: fixing the scene and saving clears them.
#[tokio::test]
async fn scene_lints_are_published_for_the_scene_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scripts")).expect("mkdir");
    std::fs::write(
        root.join("scripts/player.lua"),
        "properties = { speed = 1 }\nfunction update(self, dt) end\n",
    )
    .expect("write");
    let scene = "{\"entities\": [\n  {\"components\": {\"Transfrom\": {}},\n   \"scripts\": [{\"path\": \"scripts/player.lua\", \"properties\": {\"sped\": 2}}]}\n]}\n";
    std::fs::write(root.join("scene.json"), scene).expect("write");
    let mut c = Client::start();
    c.initialize(Some(root), true).await;
    let uri = format!("file://{}/scene.json", root.display());
    let d = c.wait_for(diagnostics_for(&uri)).await;
    let found: Vec<String> = d["params"]["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["code"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "1:18 \"scene-unknown-component\" unknown component `Transfrom` (it becomes a script component of its own); did you mean `Transform`?",
            "2:61 \"scene-unknown-property\" scripts/player.lua declares no property `sped`; did you mean `speed`?",
        ]
    );
    std::fs::write(
        root.join("scene.json"),
        scene
            .replace("Transfrom", "Transform")
            .replace("sped", "speed"),
    )
    .expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 2}]}),
    )
    .await;
    let d = c.wait_for(diagnostics_for(&uri)).await;
    assert_eq!(d["params"]["diagnostics"], json!([]));
}

/// A lint that knows the fix ("did you mean") offers it as a quick fix that makes the change.
#[tokio::test]
async fn did_you_mean_findings_come_with_quick_fixes() {
    let mut c = Client::start();
    c.initialize(None, true).await;
    let uri = "file:///game/scripts/fix.lua";
    let text = "function update(self, dt)\n  local t = self.entity:get(\"Transfrom\")\n  world.spwn({})\n  print(t)\nend\n";
    c.open(uri, text).await;
    c.wait_for(diagnostics_for(uri)).await;
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
                   "context": {"diagnostics": []}}),
        )
        .await;
    let actions: Vec<(String, Value, String)> = r["result"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            let edit = &a["edit"]["changes"][uri][0];
            (
                a["title"].as_str().unwrap_or("").to_string(),
                edit["range"].clone(),
                edit["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            (
                "Change to `Transform`".to_string(),
                json!({"start": {"line": 1, "character": 29}, "end": {"line": 1, "character": 38}}),
                "Transform".to_string()
            ),
            (
                "Change to `spawn`".to_string(),
                json!({"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 12}}),
                "spawn".to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn a_class_the_file_declares_completes_and_follows_its_edits() {
    let mut c = Client::start();
    c.initialize(None, false).await;
    let uri = "file:///nowhere/scripts/enemy.lua";
    let text = "---@class Enemy\n---@field hp integer\nlocal Enemy = {}\nfunction Enemy:hurt(n) end\n---@param e Enemy\nlocal function f(e)\n  e.\nend\n";
    c.open(uri, text).await;
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 4}});
    let r = c.request("textDocument/completion", at.clone()).await;
    assert_eq!(labels(&r), ["hp"], "{r}");
    // Declaring a field updates what completes, edit by edit.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "---@field speed number\n"}
        ]}),
    )
    .await;
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 7, "character": 4}});
    let r = c.request("textDocument/completion", at).await;
    let mut got = labels(&r);
    got.sort();
    assert_eq!(got, ["hp", "speed"], "{r}");
}

#[tokio::test]
async fn a_class_another_file_declares_is_known_everywhere() {
    let (_dir, root, mut c) = Client::on_workspace(&[(
        "scripts/lib/enemy.lua",
        "---@class Enemy\n---@field hp integer\nlocal Enemy = {}\n---@param n number\nfunction Enemy:hurt(n) end\nreturn Enemy\n",
    )])
    .await;
    let uri = format!("file://{}/scripts/player.lua", root.display());
    let text = "---@param e Enemy\nlocal function hit(e)\n  e:\nend\n";
    c.open(&uri, text).await;
    c.wait_for(diagnostics_for(&uri)).await;
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 4}}),
        )
        .await;
    assert_eq!(labels(&r), ["hurt"], "{r}");
}

#[tokio::test]
async fn inlay_hints_name_engine_call_parameters_in_the_range() {
    let mut c = Client::start();
    c.initialize(None, false).await;
    let uri = "file:///nowhere/scripts/hints.lua";
    let text = "function update(self, dt)\n  self.entity:translate(vec3(1, 0, 0), dt)\nend\nlocal far = vec3(4, 5, 6)\n";
    c.open(uri, text).await;
    let r = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}}),
        )
        .await;
    let hints: Vec<(u64, u64, String)> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap_or(99),
                h["position"]["character"].as_u64().unwrap_or(99),
                h["label"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // Only the range's line; `dt` passed as `scale` is still named, `vec3`'s three are.
    assert_eq!(
        hints,
        [
            (1, 24, "offset:".into()),
            (1, 29, "x:".into()),
            (1, 32, "y:".into()),
            (1, 35, "z:".into()),
            (1, 39, "scale:".into()),
        ],
        "{r}"
    );
    assert_eq!(r["result"][0]["kind"], 2, "parameter hints: {r}");
}

#[tokio::test]
async fn highlights_folding_selection_ranges_and_links() {
    let (_dir, root, mut c) = Client::on_workspace(&[
        ("scripts/lib/util.lua", "local M = {}\nreturn M\n"),
        ("assets/waves.json", "[]"),
    ])
    .await;
    let uri = format!("file://{}/scripts/player.lua", root.display());
    let text = "-- The player.\n-- Reads its waves.\nlocal util = require(\"lib.util\")\nfunction init(self)\n  local n = 1\n  n = n + 1\n  self.waves = assets.load_json(\"waves.json\")\nend\n";
    c.open(&uri, text).await;
    let doc = json!({"uri": uri});

    let r = c
        .request("textDocument/documentLink", json!({"textDocument": doc}))
        .await;
    let targets: Vec<&str> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .filter_map(|l| l["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        [
            format!("file://{}/scripts/lib/util.lua", root.display()),
            format!("file://{}/assets/waves.json", root.display()),
        ],
        "{r}"
    );

    let r = c
        .request("textDocument/foldingRange", json!({"textDocument": doc}))
        .await;
    let folds: Vec<(u64, u64, &str)> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap_or(99),
                f["endLine"].as_u64().unwrap_or(99),
                f["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(folds, [(0, 1, "comment"), (3, 6, "region")], "{r}");

    // On the `n` of `n = n + 1`: the declaration and the assignment write, the read reads.
    let r = c
        .request(
            "textDocument/documentHighlight",
            json!({"textDocument": doc, "position": {"line": 5, "character": 2}}),
        )
        .await;
    let kinds: Vec<(u64, u64, u64)> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|h| {
            (
                h["range"]["start"]["line"].as_u64().unwrap_or(99),
                h["range"]["start"]["character"].as_u64().unwrap_or(99),
                h["kind"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(kinds, [(4, 8, 3), (5, 2, 3), (5, 6, 2)], "{r}");

    // Selection grows from the asset path's name out to the file.
    let r = c
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": doc, "positions": [{"line": 6, "character": 34}]}),
        )
        .await;
    let mut levels = Vec::new();
    let mut at = &r["result"][0];
    while at.is_object() {
        levels.push((
            at["range"]["start"]["line"].as_u64().unwrap_or(99),
            at["range"]["start"]["character"].as_u64().unwrap_or(99),
            at["range"]["end"]["line"].as_u64().unwrap_or(99),
            at["range"]["end"]["character"].as_u64().unwrap_or(99),
        ));
        at = &at["parent"];
    }
    assert_eq!(levels.first(), Some(&(6, 33, 6, 38)), "`waves`: {r}");
    assert_eq!(levels.last(), Some(&(0, 0, 8, 0)), "the file: {r}");
    assert!(levels.len() >= 5, "{r}");
}

#[tokio::test]
async fn semantic_tokens_mark_engine_names_locals_and_self() {
    let mut c = Client::start();
    let init = c.initialize(None, false).await;
    let legend = &init["result"]["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<&str> = legend["tokenTypes"]
        .as_array()
        .unwrap_or_else(|| panic!("{init}"))
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    let modifiers: Vec<&str> = legend["tokenModifiers"]
        .as_array()
        .unwrap_or_else(|| panic!("{init}"))
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    let uri = "file:///nowhere/scripts/tokens.lua";
    // The emoji is two UTF-16 units: the columns after it count them so.
    let text = "function update(self, dt)\n  local s = \"😀\" world.find(s)\nend\n";
    c.open(uri, text).await;
    let r = c
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let data: Vec<u64> = r["result"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .filter_map(|v| v.as_u64())
        .collect();
    let (mut line, mut col) = (0, 0);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let mods: Vec<&str> = (0..modifiers.len())
            .filter(|i| t[4] & (1 << i) != 0)
            .map(|i| modifiers[i])
            .collect();
        decoded.push(format!(
            "{line}:{col}+{} {} {}",
            t[2],
            types[t[3] as usize],
            mods.join(",")
        ));
    }
    assert_eq!(
        decoded,
        [
            "0:9+6 function ",
            "0:16+4 parameter declaration",
            "0:22+2 parameter declaration",
            "1:8+1 variable declaration",
            "1:17+5 namespace readonly,defaultLibrary",
            "1:23+4 function defaultLibrary",
            "1:28+1 variable ",
        ],
        "{r}"
    );
}

#[tokio::test]
async fn closed_project_scripts_get_their_diagnostics_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("game/scripts")).expect("mkdir");
    std::fs::create_dir_all(root.join("tools")).expect("mkdir");
    std::fs::write(root.join("game/scene.json"), r#"{"entities": []}"#).expect("write");
    std::fs::write(
        root.join("game/scripts/closed.lua"),
        "function update(self)\n  world.spwn({})\nend\n",
    )
    .expect("write");
    // Outside any project: the server leaves it alone.
    std::fs::write(root.join("tools/build.lua"), "undefined_thing()\n").expect("write");
    let mut c = Client::start();
    c.initialize(Some(&root), false).await;
    let uri = format!("file://{}/game/scripts/closed.lua", root.display());
    let note = c.wait_for(diagnostics_for(&uri)).await;
    let messages: Vec<&str> = note["params"]["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{note}"))
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["`world` has no member `spwn`; did you mean `spawn`?"],
        "{note}"
    );
    // Opening and closing it keeps what the file on disk says.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": "function update(self) end\n"}}),
    )
    .await;
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    let after_close = c
        .wait_for(|v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri.as_str()
                && v["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())
        })
        .await;
    assert_eq!(
        after_close["params"]["diagnostics"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn references_and_rename_of_a_modules_export_span_the_workspace() {
    let (_dir, root, mut c) = Client::on_workspace(&[
        (
            "scripts/lib/util.lua",
            "local M = {}\nfunction M.clamp(x, lo, hi) return x end\nfunction M.twice(x) return M.clamp(x * 2, 0, 1) end\nreturn M\n",
        ),
        // A closed file that uses the export.
        (
            "scripts/enemy.lua",
            "local u = require(\"lib.util\")\nfunction update(self) self.x = u.clamp(1, 0, 2) end\n",
        ),
    ])
    .await;
    let player = format!("file://{}/scripts/player.lua", root.display());
    let util = format!("file://{}/scripts/lib/util.lua", root.display());
    let enemy = format!("file://{}/scripts/enemy.lua", root.display());
    let text = "local util = require(\"lib.util\")\nlocal v = util.clamp(5, 0, 1)\n";
    c.open(&player, text).await;
    let at = json!({"textDocument": {"uri": player}, "position": {"line": 1, "character": 17}});

    let mut req = at.clone();
    req["context"] = json!({"includeDeclaration": true});
    let r = c.request("textDocument/references", req).await;
    let mut found: Vec<(String, u64, u64)> = r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap_or("").to_string(),
                l["range"]["start"]["line"].as_u64().unwrap_or(99),
                l["range"]["start"]["character"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    found.sort();
    let mut want = vec![
        (enemy.clone(), 1, 33),
        (util.clone(), 1, 11),
        (util.clone(), 2, 29),
        (player.clone(), 1, 15),
    ];
    want.sort();
    assert_eq!(found, want, "{r}");

    // From the definition in the module's own (closed) file: the same places.
    let on_def = json!({"textDocument": {"uri": util}, "position": {"line": 1, "character": 12},
        "context": {"includeDeclaration": true}});
    let r = c.request("textDocument/references", on_def).await;
    assert_eq!(r["result"].as_array().map(Vec::len), Some(4), "{r}");

    let r = c.request("textDocument/prepareRename", at.clone()).await;
    assert_eq!(r["result"]["start"]["character"], 15, "{r}");
    let mut req = at.clone();
    req["newName"] = json!("limit");
    let r = c.request("textDocument/rename", req).await;
    let changes = &r["result"]["changes"];
    for (uri, n) in [(&player, 1), (&util, 2), (&enemy, 1)] {
        let edits = changes[uri.as_str()]
            .as_array()
            .unwrap_or_else(|| panic!("{uri}: {r}"));
        assert_eq!(edits.len(), n, "{uri}: {r}");
        assert!(edits.iter().all(|e| e["newText"] == "limit"), "{r}");
    }
    let mut bad = at.clone();
    bad["newName"] = json!("end");
    let r = c.request("textDocument/rename", bad).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("not a Lua name"),
        "{r}"
    );
}
