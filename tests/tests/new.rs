//! `crescent new` end to end: a new project runs and checks clean; names and existing files are
//! protected.

use crescent_e2e::*;

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
