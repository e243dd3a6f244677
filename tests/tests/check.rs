//! `crescent check` end to end: syntax errors with positions, scene errors with JSON paths and
//! carets, and the language server's lints over the whole project, all in one run.

use crescent_e2e::*;

#[test]
fn a_clean_project_checks_ok() {
    let run = crescent(&["check", arg(&repo_root().join("lua/examples/demo"))]).expect_code(0);
    assert_eq!(run.stdout.trim(), "ok: 8 scripts, 6 entities");
}

#[test]
fn broken_scripts_are_reported_with_line_column_and_source() {
    let dir = fixture("broken_script");
    let run = crescent(&["check", arg(&dir)]).expect_code(1);
    let broken = format!(
        "{}/scripts/broken.lua:3:13: unexpected symbol near '='",
        arg(&dir)
    );
    assert!(run.stderr.contains(&broken), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(" 3 |   local x = = 1\n   |             ^"),
        "{}",
        run.stderr
    );
    // Every broken file is reported, not only the first, including files no entity uses.
    let unclosed = format!("{}/scripts/unclosed.lua:5:1: ", arg(&dir));
    assert!(run.stderr.contains(&unclosed), "{}", run.stderr);
    assert!(run.stderr.contains("'end' expected"), "{}", run.stderr);
    assert!(!run.stderr.contains("fine.lua"), "{}", run.stderr);
    assert!(run.stderr.contains("2 errors found"), "{}", run.stderr);
}

#[test]
fn relative_paths_are_shown_as_given() {
    let run = crescent_in(&fixture("broken_script"), &["check"]).expect_code(1);
    assert!(
        run.stderr.starts_with("error: scripts/broken.lua:3:13: ")
            || run.stderr.contains("\nerror: scripts/broken.lua:3:13: "),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_scene_names_the_json_path() {
    let run = crescent(&["check", arg(&fixture("bad_scene"))]).expect_code(1);
    assert!(
        run.stderr.contains(
            "scene.json:4:57: $.entities[1].components.Transform.position[2]: expected a number, found \"three\"\n 4 |     { \"components\": { \"Transform\": { \"position\": [1, 2, \"three\"] } } }\n   |                                                         ^"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_json_names_the_line() {
    let dir = project(&[("scene.json", "{\n  \"entities\": [\n    {,}\n  ]\n}\n")]);
    let run = crescent(&["check", arg(dir.path())]).expect_code(1);
    assert!(
        run.stderr.contains("scene.json:3: $: invalid JSON"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_script_file_is_an_error() {
    let run = crescent(&["check", arg(&fixture("missing_script"))]).expect_code(1);
    assert!(
        run.stderr.contains("`scripts/nowhere.lua` does not exist"),
        "{}",
        run.stderr
    );
}

/// The mistakes `crescent check` exists to catch, in one project and one run: warnings for a
/// misspelt component, a property the script does not declare and a script attached twice;
/// errors for a broken scene value, a missing script, a missing module and a missing asset.
#[test]
fn the_usual_mistakes_are_all_reported_in_one_run() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [
  {"name": "hero", "components": {"Transfrom": {"position": [0, 1, 0]}},
   "scripts": [{"path": "scripts/player.lua", "properties": {"sped": 3}}, "scripts/player.lua"]},
  {"components": {"Transform": {"position": [1, 2]}}, "scripts": ["scripts/gone.lua"]}
]}
"#,
        ),
        (
            "scripts/player.lua",
            "properties = { speed = 5 }\nlocal util = require(\"lib.utl\")\nfunction update(self, dt)\n  self.entity:translate(vec3(self.speed, 0, 0), dt)\n  local cfg = assets.load_json(\"config.jsn\")\n  print(util, cfg)\nend\n",
        ),
        ("scripts/lib/util.lua", "return {}\n"),
        ("assets/config.json", "{}"),
    ]);
    let run = crescent_in(dir.path(), &["check", "."]).expect_code(1);
    expect_test::expect![[r#"
        warning: scene.json:2:35: unknown component `Transfrom` (it becomes a script component of its own); did you mean `Transform`? [scene-unknown-component]
         2 |   {"name": "hero", "components": {"Transfrom": {"position": [0, 1, 0]}},
           |                                   ^
        warning: scene.json:3:62: scripts/player.lua declares no property `sped`; did you mean `speed`? [scene-unknown-property]
         3 |    "scripts": [{"path": "scripts/player.lua", "properties": {"sped": 3}}, "scripts/player.lua"]},
           |                                                              ^
        warning: scene.json:3:75: scripts/player.lua is attached to this entity twice: each copy is an instance of its own and runs every callback [scene-duplicate-script]
         3 |    "scripts": [{"path": "scripts/player.lua", "properties": {"sped": 3}}, "scripts/player.lua"]},
           |                                                                           ^
        error: scene.json:4:45: $.entities[1].components.Transform.position: expected an array of 3 numbers, found 2 items
         4 |   {"components": {"Transform": {"position": [1, 2]}}, "scripts": ["scripts/gone.lua"]}
           |                                             ^
        error: scene.json:4:67: $.entities[1].scripts[0]: script file `scripts/gone.lua` does not exist
         4 |   {"components": {"Transform": {"position": [1, 2]}}, "scripts": ["scripts/gone.lua"]}
           |                                                                   ^
        error: scripts/player.lua:2:23: no module `lib.utl`: there is no scripts/lib/utl.lua; did you mean `lib.util`? [missing-module]
         2 | local util = require("lib.utl")
           |                       ^
        error: scripts/player.lua:5:33: no asset `config.jsn` under assets/; did you mean `config.json`? [missing-asset]
         5 |   local cfg = assets.load_json("config.jsn")
           |                                 ^
        error: 4 errors, 3 warnings found
    "#]]
    .assert_eq(&run.stderr);

    // Warnings alone do not fail the check, unless asked.
    let fixed = project(&[
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transfrom": {}}, "scripts": ["scripts/a.lua"]}]}"#,
        ),
        ("scripts/a.lua", "function update(self, dt) end\n"),
    ]);
    let ok = crescent_in(fixed.path(), &["check", "."]).expect_code(0);
    assert_eq!(
        ok.stdout.trim(),
        "ok: 1 scripts, 1 entities (1 warning; --deny-warnings makes them fail the check)"
    );
    let denied = crescent_in(fixed.path(), &["check", ".", "--deny-warnings"]).expect_code(1);
    assert!(
        denied.stderr.ends_with(
            "error: 0 errors, 1 warning found (warnings are errors with --deny-warnings)\n"
        ),
        "{}",
        denied.stderr
    );
}
