//! `crescent check` end to end: syntax errors with positions, scene errors with JSON paths.

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
    assert!(run.stderr.contains("2 problems found"), "{}", run.stderr);
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
            "scene.json: $.entities[1].components.Transform.position[2]: expected a number, found \"three\""
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
