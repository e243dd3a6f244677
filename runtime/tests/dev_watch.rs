//! The project watcher against real files and the real OS watcher, one test per editor save style.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crescent_runtime::{ChangeKind, FileChange, ProjectWatcher, REMOVAL_GRACE};

/// Long enough for any event to arrive on a loaded machine; only reached when a test fails.
const ARRIVAL: Duration = Duration::from_secs(5);
/// How long to keep listening after the expected changes to show that nothing else comes.
fn quiet() -> Duration {
    REMOVAL_GRACE * 6
}

fn project() -> (tempfile::TempDir, ProjectWatcher) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("scripts/lib")).expect("mkdir");
    fs::write(dir.path().join("scripts/player.lua"), "-- v1\n").expect("write");
    fs::write(dir.path().join("scripts/lib/util.lua"), "return {}\n").expect("write");
    fs::write(dir.path().join("scene.json"), "{\"entities\": []}\n").expect("write");
    let watcher = ProjectWatcher::start(dir.path()).expect("watcher");
    (dir, watcher)
}

/// Collects `count` changes, then keeps listening for a quiet period and fails on any extra.
fn expect_changes(watcher: &ProjectWatcher, count: usize) -> Vec<(String, ChangeKind)> {
    let mut got: Vec<FileChange> = Vec::new();
    while got.len() < count {
        match watcher.recv_timeout(ARRIVAL) {
            Some(change) => got.push(change),
            None => panic!("expected {count} changes, got {got:?}"),
        }
    }
    if let Some(extra) = watcher.recv_timeout(quiet()) {
        panic!("unexpected extra change {extra:?} after {got:?}");
    }
    got.into_iter().map(|c| (c.path, c.kind)).collect()
}

fn changed(path: &str) -> (String, ChangeKind) {
    (path.to_string(), ChangeKind::Changed)
}

fn write_in_place(path: &Path, text: &str) {
    // Truncate and write through the same handle, as most editors do by default.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .expect("open");
    file.write_all(text.as_bytes()).expect("write");
}

#[test]
fn in_place_save() {
    let (dir, watcher) = project();
    write_in_place(&dir.path().join("scripts/player.lua"), "-- v2\n");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn in_place_save_written_in_pieces_is_reported_once_whole() {
    let (dir, watcher) = project();
    let path = dir.path().join("scripts/player.lua");
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .expect("open");
    file.write_all(b"function update(self, dt)\n")
        .expect("write");
    file.flush().expect("flush");
    std::thread::sleep(REMOVAL_GRACE * 2);
    assert_eq!(watcher.drain(), vec![], "nothing before the file is closed");
    file.write_all(b"end\n").expect("write");
    drop(file);
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "function update(self, dt)\nend\n"
    );
}

#[test]
fn atomic_save() {
    let (dir, watcher) = project();
    let tmp = dir.path().join("scripts/.player.lua.tmp1234");
    fs::write(&tmp, "-- v2\n").expect("write tmp");
    fs::rename(&tmp, dir.path().join("scripts/player.lua")).expect("rename");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
    // The watch survives the rename: a second atomic save is seen too.
    fs::write(&tmp, "-- v3\n").expect("write tmp");
    fs::rename(&tmp, dir.path().join("scripts/player.lua")).expect("rename");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn atomic_save_with_a_visible_temporary_name() {
    let (dir, watcher) = project();
    let tmp = dir.path().join("scripts/player.lua.tmp");
    fs::write(&tmp, "-- v2\n").expect("write tmp");
    fs::rename(&tmp, dir.path().join("scripts/player.lua")).expect("rename");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn backup_then_write_save() {
    let (dir, watcher) = project();
    let path = dir.path().join("scripts/player.lua");
    let backup = dir.path().join("scripts/player.lua~");
    fs::rename(&path, &backup).expect("backup");
    fs::write(&path, "-- v2\n").expect("write");
    fs::remove_file(&backup).expect("remove backup");
    // One change, and no removal although the file was missing for a moment.
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn backup_then_write_with_a_slow_writer_is_not_a_removal() {
    let (dir, watcher) = project();
    let path = dir.path().join("scripts/player.lua");
    fs::rename(&path, dir.path().join("scripts/player.lua~")).expect("backup");
    // The new file exists (empty) before the grace period ends but is written much later.
    let mut file = fs::File::create(&path).expect("create");
    std::thread::sleep(REMOVAL_GRACE * 3);
    file.write_all(b"-- v2\n").expect("write");
    drop(file);
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn vim_save_with_4913_probe() {
    // What vim does with its defaults (`backupcopy=auto` on a plain file): probe that the
    // folder is writable with a file named 4913, rename the original to a backup, write the
    // new file, remove the backup. A swap file is written alongside all along.
    let (dir, watcher) = project();
    let scripts = dir.path().join("scripts");
    fs::write(scripts.join(".player.lua.swp"), "swap").expect("swap");
    fs::write(scripts.join("4913"), "").expect("probe");
    fs::remove_file(scripts.join("4913")).expect("remove probe");
    fs::rename(scripts.join("player.lua"), scripts.join("player.lua~")).expect("backup");
    fs::write(scripts.join("player.lua"), "-- v2\n").expect("write");
    fs::remove_file(scripts.join("player.lua~")).expect("remove backup");
    fs::write(scripts.join(".player.lua.swp"), "swap2").expect("swap");
    fs::remove_file(scripts.join(".player.lua.swp")).expect("remove swap");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn editor_temporaries_are_ignored() {
    let (dir, watcher) = project();
    let scripts = dir.path().join("scripts");
    for name in [
        "player.lua~",
        ".player.lua.swp",
        "player.lua.swx",
        "4913",
        "player.lua.tmp",
        "#player.lua#",
        ".#player.lua",
        "notes.txt",
    ] {
        fs::write(scripts.join(name), "x").expect("write");
    }
    fs::create_dir_all(dir.path().join(".crescent")).expect("mkdir");
    fs::write(dir.path().join(".crescent/session.json"), "{}").expect("write");
    fs::create_dir_all(dir.path().join(".git/scripts")).expect("mkdir");
    fs::write(dir.path().join(".git/scripts/x.lua"), "x").expect("write");
    fs::write(dir.path().join("other.lua"), "x").expect("write");
    assert_eq!(expect_changes(&watcher, 0), vec![]);
}

#[test]
fn unchanged_content_is_not_reported() {
    let (dir, watcher) = project();
    let path = dir.path().join("scripts/player.lua");
    write_in_place(&path, "-- v1\n");
    // A touch opens for writing and closes: still the same bytes.
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("touch");
    assert_eq!(expect_changes(&watcher, 0), vec![]);
    write_in_place(&path, "-- v2\n");
    write_in_place(&path, "-- v2\n");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn delete_then_recreate() {
    let (dir, watcher) = project();
    let path = dir.path().join("scripts/player.lua");
    fs::remove_file(&path).expect("delete");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![("scripts/player.lua".to_string(), ChangeKind::Removed)]
    );
    // Coming back with the same bytes is still news: the runtime was told it was gone.
    fs::write(&path, "-- v1\n").expect("recreate");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![("scripts/player.lua".to_string(), ChangeKind::Created)]
    );
}

#[test]
fn new_scripts_and_new_folders() {
    let (dir, watcher) = project();
    fs::write(dir.path().join("scripts/enemy.lua"), "-- e\n").expect("write");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![("scripts/enemy.lua".to_string(), ChangeKind::Created)]
    );
    // Files written right after their folder is created, before the watch on it can exist.
    fs::create_dir_all(dir.path().join("scripts/ai/deep")).expect("mkdir");
    fs::write(dir.path().join("scripts/ai/deep/brain.lua"), "-- b\n").expect("write");
    let got = expect_changes(&watcher, 1);
    assert_eq!(
        got,
        vec![("scripts/ai/deep/brain.lua".to_string(), ChangeKind::Created)]
    );
    write_in_place(&dir.path().join("scripts/ai/deep/brain.lua"), "-- b2\n");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/ai/deep/brain.lua")]
    );
}

#[test]
fn modules_and_scene_file() {
    let (dir, watcher) = project();
    write_in_place(&dir.path().join("scripts/lib/util.lua"), "return {x = 1}\n");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/lib/util.lua")]
    );
    let tmp = dir.path().join("scene.json.tmp");
    fs::write(&tmp, "{\"entities\": [{}]}\n").expect("write");
    fs::rename(&tmp, dir.path().join("scene.json")).expect("rename");
    assert_eq!(expect_changes(&watcher, 1), vec![changed("scene.json")]);
}

#[test]
fn a_folder_moved_away_reports_its_scripts_removed() {
    let (dir, watcher) = project();
    fs::rename(dir.path().join("scripts/lib"), dir.path().join("lib-old")).expect("move");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![("scripts/lib/util.lua".to_string(), ChangeKind::Removed)]
    );
    fs::rename(dir.path().join("lib-old"), dir.path().join("scripts/lib")).expect("move back");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![("scripts/lib/util.lua".to_string(), ChangeKind::Created)]
    );
}

#[test]
fn many_saves_of_many_files_are_each_reported_with_their_last_content() {
    let (dir, watcher) = project();
    for i in 0..50 {
        fs::write(dir.path().join(format!("scripts/s{i}.lua")), "-- 0\n").expect("write");
    }
    let created = expect_changes(&watcher, 50);
    assert!(created.iter().all(|(_, kind)| *kind == ChangeKind::Created));
    for round in 1..=3 {
        for i in 0..50 {
            let text = format!("-- {round}\n");
            if i % 2 == 0 {
                write_in_place(&dir.path().join(format!("scripts/s{i}.lua")), &text);
            } else {
                let tmp = dir.path().join(format!("scripts/s{i}.lua.tmp"));
                fs::write(&tmp, text).expect("write");
                fs::rename(&tmp, dir.path().join(format!("scripts/s{i}.lua"))).expect("rename");
            }
        }
    }
    // Saves that follow each other faster than the watcher reads may be reported once with
    // the last bytes; never more often than they happened, and never fewer than once.
    let mut got = Vec::new();
    while let Some(change) = watcher.recv_timeout(quiet()) {
        got.push(change);
    }
    for i in 0..50 {
        let path = format!("scripts/s{i}.lua");
        let count = got.iter().filter(|c| c.path == path).count();
        assert!((1..=3).contains(&count), "{path} reported {count} times");
    }
    assert!(got.iter().all(|c| c.kind == ChangeKind::Changed));
}

#[test]
fn dropping_the_watcher_stops_it() {
    let (dir, watcher) = project();
    drop(watcher);
    // Still usable afterwards: a second watcher on the same folder sees saves.
    let watcher = ProjectWatcher::start(dir.path()).expect("watcher");
    write_in_place(&dir.path().join("scripts/player.lua"), "-- v2\n");
    assert_eq!(
        expect_changes(&watcher, 1),
        vec![changed("scripts/player.lua")]
    );
}

#[test]
fn a_missing_root_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(ProjectWatcher::start(dir.path().join("nope")).is_err());
}

#[test]
fn a_file_saved_empty_is_reported_after_the_grace_period() {
    // An empty read usually means "truncated, not written yet"; a file that stays empty is
    // a real save and is reported once the grace period shows it.
    let (dir, watcher) = project();
    write_in_place(&dir.path().join("scripts/player.lua"), "");
    let got = expect_changes(&watcher, 1);
    assert_eq!(got, vec![changed("scripts/player.lua")]);
}
