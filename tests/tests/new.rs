//! `crescent new` end to end: a new project runs and checks clean; every script template makes
//! a script that checks, runs and is clean in the editor; names and existing files are protected.

use crescent_e2e::lsp_client::editor_problems;
use crescent_e2e::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[test]
fn a_new_project_checks_and_runs() {
    let place = tempfile::tempdir().expect("tempdir");
    let made = crescent_in(place.path(), &["new", "project", "my-game"]).expect_code(0);
    assert!(made.stdout.contains("created my-game"), "{}", made.stdout);
    let root = place.path().join("my-game");
    for file in [
        "scene.json",
        "scripts/main.lua",
        "assets/settings.json",
        "README.md",
        ".gitignore",
    ] {
        assert!(root.join(file).is_file(), "{file} is missing");
    }
    let ignore = std::fs::read_to_string(root.join(".gitignore")).expect("read");
    assert!(ignore.lines().any(|l| l.trim() == ".crescent/"), "{ignore}");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("read");
    assert!(readme.starts_with("# my-game"), "{readme}");

    let check = crescent_in(place.path(), &["check", "my-game"]).expect_code(0);
    assert_eq!(check.stdout.trim(), "ok: 1 scripts, 1 entities");

    let run = crescent_in(
        place.path(),
        &["run", "my-game", "--frames", "180", "--report", "json"],
    )
    .expect_code(0);
    let report = run.json();
    assert_eq!(report["scripts"][0]["status"], "running", "{report}");
    assert!(run.stderr.contains("hello from my-game"), "{}", run.stderr);
    assert!(run.stderr.contains("at x = 3.0"), "{}", run.stderr);
}

#[test]
fn a_new_script_has_every_lifecycle_function_and_compiles() {
    let place = tempfile::tempdir().expect("tempdir");
    crescent_in(place.path(), &["new", "project", "game"]).expect_code(0);
    let root = place.path().join("game");
    let made = crescent_in(
        place.path(),
        &["new", "script", "enemies/boss", "--dir", "game"],
    )
    .expect_code(0);
    assert!(
        made.stdout.contains("scripts/enemies/boss.lua"),
        "{}",
        made.stdout
    );
    let text = std::fs::read_to_string(root.join("scripts/enemies/boss.lua")).expect("read");
    for callback in [
        "function init(self)",
        "function update(self, dt)",
        "function fixed_update(self, dt)",
        "function on_event(self, name, data, sender)",
        "function on_reload(self)",
        "function destroy(self)",
    ] {
        assert!(text.contains(callback), "missing {callback}");
    }
    assert!(
        text.starts_with("-- scripts/boss.lua") || text.starts_with("-- scripts/"),
        "{text}"
    );
    crescent_in(place.path(), &["check", "game"]).expect_code(0);

    // Attached to an entity, the template runs every callback it can without an error.
    let scene = r#"{"entities": [{"scripts": ["scripts/main.lua", "scripts/enemies/boss.lua"]}]}"#;
    std::fs::write(root.join("scene.json"), scene).expect("write");
    let run =
        crescent_in(&root, &["run", ".", "--frames", "10", "--report", "json"]).expect_code(0);
    let boss = &run.json()["scripts"][1];
    assert_eq!(boss["status"], "running", "{boss}");
    assert_eq!(boss["calls"]["update"], 10, "{boss}");
}

#[test]
fn nothing_is_overwritten() {
    let place = tempfile::tempdir().expect("tempdir");
    crescent_in(place.path(), &["new", "project", "game"]).expect_code(0);
    let again = crescent_in(place.path(), &["new", "project", "game"]).expect_code(1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let main = place.path().join("game/scripts/main.lua");
    std::fs::write(&main, "-- mine").expect("write");
    let script =
        crescent_in(place.path(), &["new", "script", "main", "--dir", "game"]).expect_code(1);
    assert!(
        script.stderr.contains("already exists"),
        "{}",
        script.stderr
    );
    assert_eq!(std::fs::read_to_string(&main).expect("read"), "-- mine");
}

#[test]
fn names_are_validated() {
    let place = tempfile::tempdir().expect("tempdir");
    for bad in ["has space", "9lives", "", "games/9lives", "games/.."] {
        let run = crescent_in(place.path(), &["new", "project", bad]).expect_code(1);
        assert!(
            run.stderr.contains("invalid project name"),
            "{bad}: {}",
            run.stderr
        );
    }
    for bad in ["../x", "a-b", "/abs"] {
        let run = crescent_in(place.path(), &["new", "script", bad]).expect_code(1);
        assert!(
            run.stderr.contains("invalid script name"),
            "{bad}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_dir(place.path()).expect("read").count(), 0);
}

/// A project can be made at a path; a script goes into the project around the current folder,
/// and outside any project is refused with a message saying where one is expected.
#[test]
fn projects_at_paths_and_scripts_inside_projects() {
    let place = tempfile::tempdir().expect("tempdir");
    let work = place.path().join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    let made = crescent_in(&work, &["new", "project", "../games/mygame"]).expect_code(0);
    assert!(
        made.stdout.contains("crescent run ../games/mygame"),
        "{}",
        made.stdout
    );
    let root = place.path().join("games/mygame");
    assert!(root.join("scene.json").is_file());
    let readme = std::fs::read_to_string(root.join("README.md")).expect("read");
    assert!(readme.starts_with("# mygame"), "{readme}");

    // Outside a project: refused, nothing written.
    let outside = crescent_in(&work, &["new", "script", "enemy"]).expect_code(1);
    assert!(
        outside
            .stderr
            .contains("is not in a Crescent project (no scene.json there or above)")
            && outside.stderr.contains("--dir PROJECT"),
        "{}",
        outside.stderr
    );
    assert!(!work.join("scripts").exists());

    // From a folder inside the project, the script lands in the project's scripts/.
    let inside = crescent_in(&root.join("scripts"), &["new", "script", "enemy"]).expect_code(0);
    assert!(
        root.join("scripts/enemy.lua").is_file(),
        "{}",
        inside.stdout
    );
    assert!(!root.join("scripts/scripts").exists());
    assert!(inside.stdout.contains("crescent run "), "{}", inside.stdout);
    crescent_in(&root, &["check", "."]).expect_code(0);
}

/// The templates `crescent new script --help` lists (name, doc line), in its order.
fn templates() -> Vec<(String, String)> {
    let help = crescent(&["new", "script", "--help"]).expect_code(0).stdout;
    let list: Vec<(String, String)> = help
        .lines()
        .skip_while(|l| !l.contains("Possible values:"))
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .filter_map(|item| item.split_once(':'))
        .map(|(name, doc)| (name.trim().to_string(), doc.trim().to_string()))
        .collect();
    assert!(
        list.iter().any(|(n, _)| n == "lifecycle") && list.len() > 1,
        "no templates in `crescent new script --help`:\n{help}"
    );
    list
}

/// The errors and warnings the language server publishes for the Lua files under
/// `root/scripts/`.
fn lsp_problems(root: &Path) -> Vec<String> {
    let files: Vec<String> = lua_files(&root.join("scripts"))
        .iter()
        .map(|f| {
            f.strip_prefix(root)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    editor_problems(&lsp_bin(), root, &files)
}

/// Every `.lua` file under `dir`, sorted.
fn lua_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(lua_files(&path));
        } else if path.extension().is_some_and(|e| e == "lua") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// One template, from a fresh project to a clean run: the first problem found.
fn check_template(template: &str) -> Result<(), String> {
    let place = tempfile::tempdir().expect("tempdir");
    crescent_in(place.path(), &["new", "project", "game"]).expect_code(0);
    let root = place.path().join("game");
    let made = crescent_in(
        place.path(),
        &[
            "new",
            "script",
            "x",
            "--template",
            template,
            "--dir",
            "game",
        ],
    );
    if made.code != 0 {
        return Err(format!("`crescent new script` failed:\n{}", made.stderr));
    }
    if !made
        .stdout
        .contains(&format!("from the `{template}` template: "))
    {
        return Err(format!(
            "the message does not name the template:\n{}",
            made.stdout
        ));
    }
    let script = std::fs::read_to_string(root.join("scripts/x.lua")).expect("read the script");
    if script.contains("{{") {
        return Err(format!("a placeholder is left in the script:\n{script}"));
    }

    // A module is required from a script, with the line the command printed; a script is
    // attached to an entity of its own. A `player` entity (main.lua moves it) is there for the
    // scripts that look for one.
    let attached = match made.stdout.lines().find_map(|l| {
        l.trim()
            .strip_prefix("use it from any script: ")
            .map(str::to_string)
    }) {
        Some(require) => {
            let local = require
                .strip_prefix("local ")
                .and_then(|r| r.split_once(" = require("))
                .map(|(name, _)| name.to_string())
                .ok_or_else(|| format!("not a require line: {require}"))?;
            let user = format!(
                "{require}\n\nfunction init(self)\n  for name, value in pairs({local}) do\n    log.info(name, type(value))\n  end\nend\n"
            );
            std::fs::write(root.join("scripts/uses_x.lua"), user).expect("write the user");
            "scripts/uses_x.lua"
        }
        None => {
            if !made.stdout.contains("\"scripts\": [\"scripts/x.lua\"]") {
                return Err(format!(
                    "the message does not say how to attach it:\n{}",
                    made.stdout
                ));
            }
            "scripts/x.lua"
        }
    };
    let scene_path = root.join("scene.json");
    let mut scene: Value =
        serde_json::from_str(&std::fs::read_to_string(&scene_path).expect("read scene"))
            .expect("the new scene is JSON");
    let entities = scene["entities"].as_array_mut().expect("entities");
    entities.push(json!({
        "name": "player",
        "components": {"Transform": {"position": [-6, 0, 0]}},
        "scripts": ["scripts/main.lua"]
    }));
    entities.push(json!({
        "name": "x",
        "components": {"Transform": {"position": [0, 0, 0]}},
        "scripts": [attached]
    }));
    std::fs::write(
        &scene_path,
        serde_json::to_string_pretty(&scene).expect("JSON"),
    )
    .expect("write scene");

    let check = crescent_in(&root, &["check", ".", "--deny-warnings"]);
    if check.code != 0 || check.stderr.contains("warning") {
        return Err(format!(
            "`crescent check --deny-warnings` exited with {}\n{}{}",
            check.code, check.stdout, check.stderr
        ));
    }

    let run = crescent_in(&root, &["run", ".", "--frames", "600", "--report", "json"]);
    if run.code != 0 || run.stderr.lines().any(|l| l.starts_with("error")) {
        return Err(format!(
            "`crescent run --frames 600` exited with {}\n{}",
            run.code, run.stderr
        ));
    }
    let report = run.json();
    let rows = report["scripts"].as_array().cloned().unwrap_or_default();
    if !rows.iter().any(|s| s["path"] == attached) {
        return Err(format!("no instance of {attached} ran: {report}"));
    }
    for s in &rows {
        let status = s["status"].as_str().unwrap_or("?");
        if (status != "running" && status != "despawned")
            || s["errors"].as_array().is_none_or(|e| !e.is_empty())
        {
            return Err(format!("an instance faulted: {s}\n{}", run.stderr));
        }
    }

    let problems = lsp_problems(&root);
    if !problems.is_empty() {
        return Err(format!(
            "the language server reports:\n  {}",
            problems.join("\n  ")
        ));
    }
    Ok(())
}

/// Every template `crescent new script --help` lists: a fresh project, the script added with
/// `--template`, attached (or required, for a module), checks with no warning, runs 600 frames
/// with no error and has no error or warning in the editor. A new template is covered by
/// adding it to the command.
#[test]
fn every_template_checks_runs_and_is_clean_in_the_editor() {
    let list = templates();
    let failures: Vec<String> = list
        .iter()
        .filter_map(|(name, _)| {
            check_template(name)
                .err()
                .map(|why| format!("template `{name}`: {why}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} template(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );

    // The help has one line for each; an unknown one is refused with the list.
    for (name, doc) in &list {
        assert!(!doc.is_empty(), "{name} has no line in --help");
    }
    let place = tempfile::tempdir().expect("tempdir");
    crescent_in(place.path(), &["new", "project", "game"]).expect_code(0);
    let wrong = crescent_in(
        place.path(),
        &["new", "script", "x", "--template", "nope", "--dir", "game"],
    )
    .expect_code(2);
    assert!(wrong.stderr.contains("mover"), "{}", wrong.stderr);
    assert!(!place.path().join("game/scripts/x.lua").exists());
}

/// The editor check above is not vacuous: a warning and an error in a script come back.
#[test]
fn the_editor_check_reports_warnings_and_errors() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/a.lua"]}]}"#,
        ),
        (
            "scripts/a.lua",
            "function init(self)\n  undefined_thing()\n  world.spwn({})\nend\n",
        ),
    ]);
    let problems = lsp_problems(dir.path());
    assert!(
        problems.iter().any(|p| p.contains("[undefined-global]"))
            && problems.iter().any(|p| p.contains("[unknown-member]")),
        "{problems:?}"
    );
}

/// The VS Code command "New Script from Template" runs `crescent new script --template ID`;
/// its picker lists the templates from `editors/vscode/src/templates.ts` (ids, labels and the
/// `--help` line, no bodies). That list is the CLI's: the same ids in the same order, each with
/// its line from `--help`.
#[test]
fn the_vscode_template_list_is_the_clis() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode/src/templates.ts");
    let source = std::fs::read_to_string(&file).expect("read templates.ts");
    let list = source
        .split_once("export const TEMPLATES")
        .and_then(|(_, rest)| rest.split_once("\n];"))
        .map(|(list, _)| list)
        .expect("templates.ts has `export const TEMPLATES = [ ... ];`");
    // A field's single-quoted string, `\'` unescaped.
    let field = |line: &str, key: &str| -> Option<String> {
        let value = line.trim().strip_prefix(key)?.trim().strip_prefix('\'')?;
        let value = value
            .strip_suffix(',')
            .unwrap_or(value)
            .strip_suffix('\'')?;
        Some(value.replace("\\'", "'"))
    };
    let ids: Vec<String> = list.lines().filter_map(|l| field(l, "id:")).collect();
    let abouts: Vec<String> = list.lines().filter_map(|l| field(l, "about:")).collect();
    let cli = templates();
    let cli_ids: Vec<String> = cli.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(
        ids,
        cli_ids,
        "the template ids in {} are not `crescent new script --help`'s",
        file.display()
    );
    let cli_abouts: Vec<String> = cli.iter().map(|(_, doc)| doc.clone()).collect();
    assert_eq!(
        abouts,
        cli_abouts,
        "the `about` lines in {} are not `crescent new script --help`'s",
        file.display()
    );
    assert!(
        !list.contains("body:") && !list.contains('`'),
        "templates.ts carries template text again; the CLI has the templates"
    );
}
