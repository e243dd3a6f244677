//! `docs/tutorial.md` against its project, `lua/tutorial/`: every Lua and JSON block of the page
//! is a file of the project (`<!-- file: PATH -->`) or a part of one (`<!-- part: PATH -->`),
//! the scripts it makes from templates are what `crescent new script` makes, the outputs it
//! shows (`<!-- output of: crescent ARGS -->`) are what the commands print, and the project
//! checks clean, runs 600 frames without an error, is clean in the editor and hot-reloads as the
//! page says.

use crescent_e2e::lsp_client::editor_problems;
use crescent_e2e::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The scripts the tutorial makes with `crescent new script NAME --template T` and uses as they
/// are: (NAME, T).
const GENERATED: &[(&str, &str)] = &[
    ("lib/util", "module"),
    ("coin_spawner", "spawner"),
    ("score", "hud-counter"),
    ("chaser", "state-machine"),
];

fn tutorial_dir() -> PathBuf {
    repo_root().join("lua/tutorial")
}

fn page() -> String {
    let path = repo_root().join("docs/tutorial.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fenced block of the page: its language, the marker line right above it (if any), its
/// text and the line its fence opens on (1-based).
struct Block {
    lang: String,
    marker: Option<String>,
    text: String,
    line: usize,
}

fn blocks(page: &str) -> Vec<Block> {
    let lines: Vec<&str> = page.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let marker = i
            .checked_sub(1)
            .map(|p| lines[p].trim())
            .and_then(|l| l.strip_prefix("<!--"))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|l| l.trim().to_string());
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end].trim_end() != "```" {
            end += 1;
        }
        let mut text = lines[start..end.min(lines.len())].join("\n");
        text.push('\n');
        out.push(Block {
            lang: lang.trim().to_string(),
            marker,
            text,
            line: i + 1,
        });
        i = end + 1;
    }
    out
}

/// Every ```lua and ```json block names the project file it is (or is part of), and is it.
#[test]
fn every_lua_and_json_block_is_a_file_of_the_tutorial_project() {
    let page = page();
    let root = tutorial_dir();
    let mut problems = Vec::new();
    let mut named = std::collections::BTreeSet::new();
    for block in blocks(&page) {
        if block.lang != "lua" && block.lang != "json" {
            continue;
        }
        let marker = block.marker.as_deref().unwrap_or("");
        let (whole, rel) = if let Some(rel) = marker.strip_prefix("file:") {
            (true, rel.trim())
        } else if let Some(rel) = marker.strip_prefix("part:") {
            (false, rel.trim())
        } else {
            problems.push(format!(
                "line {}: a ```{} block without a `<!-- file: PATH -->` or `<!-- part: PATH -->` line above it",
                block.line, block.lang
            ));
            continue;
        };
        named.insert(rel.to_string());
        let Ok(file) = std::fs::read_to_string(root.join(rel)) else {
            problems.push(format!(
                "line {}: lua/tutorial/{rel} does not exist",
                block.line
            ));
            continue;
        };
        if whole && file != block.text {
            problems.push(format!(
                "line {}: the block is not lua/tutorial/{rel}:\n--- block\n{}--- file\n{file}",
                block.line, block.text
            ));
        } else if !whole && !file.contains(&block.text) {
            problems.push(format!(
                "line {}: lua/tutorial/{rel} does not contain the block:\n{}",
                block.line, block.text
            ));
        }
    }
    // And every file of the project is on the page (its README aside).
    let mut files = Vec::new();
    collect_files(&root, &root, &mut files);
    for rel in files {
        if rel != "README.md" && !named.contains(&rel) {
            problems.push(format!(
                "lua/tutorial/{rel} is not shown on the page (no block is marked with it)"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/tutorial.md:\n{}",
        problems.join("\n")
    );
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_name() == ".crescent" {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
}

/// The scripts the page makes from templates and keeps as they are: the page has the command,
/// and the project's file is what the command writes.
#[test]
fn the_scripts_from_templates_are_what_crescent_new_script_makes() {
    let page = page();
    let place = tempfile::tempdir().expect("tempdir");
    crescent_in(place.path(), &["new", "project", "coins"]).expect_code(0);
    let fresh = place.path().join("coins");
    for (name, template) in GENERATED {
        let command = format!("crescent new script {name} --template {template}");
        assert!(page.contains(&command), "the page does not say `{command}`");
        crescent_in(&fresh, &["new", "script", name, "--template", template]).expect_code(0);
        let rel = format!("scripts/{name}.lua");
        let made = std::fs::read_to_string(fresh.join(&rel)).expect("read the new script");
        let kept = std::fs::read_to_string(tutorial_dir().join(&rel)).expect("read lua/tutorial");
        assert_eq!(
            kept, made,
            "lua/tutorial/{rel} is not what `{command}` writes (make it again with that command)"
        );
    }
}

/// `<!-- output of: crescent ARGS -->` (optionally with `(scripts/x.lua = steps/y.lua)`, a
/// step's file in place of a script): every line of the block is a line the command prints,
/// run in a copy of the project.
#[test]
fn the_outputs_shown_are_what_crescent_prints() {
    let mut seen = 0;
    for block in blocks(&page()) {
        let Some(spec) = block
            .marker
            .as_deref()
            .and_then(|m| m.strip_prefix("output of:"))
        else {
            continue;
        };
        seen += 1;
        let (command, swap) = match spec.split_once('(') {
            Some((command, swap)) => (command.trim(), Some(swap.trim_end_matches(')').trim())),
            None => (spec.trim(), None),
        };
        let copy = copy_project(&tutorial_dir());
        if let Some(swap) = swap {
            let (target, source) = swap.split_once('=').expect("`(TARGET = SOURCE)`");
            std::fs::copy(
                copy.path().join(source.trim()),
                copy.path().join(target.trim()),
            )
            .expect("swap a step's file in");
        }
        let args: Vec<&str> = command
            .strip_prefix("crescent ")
            .expect("an output of `crescent ...`")
            .split_whitespace()
            .collect();
        let run = crescent_in(copy.path(), &args);
        let printed: Vec<&str> = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .map(str::trim_end)
            .collect();
        for line in block.text.lines() {
            assert!(
                printed.contains(&line.trim_end()),
                "docs/tutorial.md line {}: `{command}` does not print\n{line}\n--- it printed\n{}\n{}",
                block.line,
                run.stdout,
                run.stderr
            );
        }
    }
    assert!(seen >= 3, "only {seen} outputs marked on the page");
}

/// The errors and warnings the language server publishes for every Lua file under `root`
/// (`steps/` too).
fn lsp_problems(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_files(root, root, &mut files);
    files.retain(|f| f.ends_with(".lua"));
    editor_problems(&lsp_bin(), root, &files)
}

/// A 600-frame run's report: every instance running or despawned, without an error.
fn run_clean(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["run", ".", "--frames", "600", "--report", "json"];
    args.extend_from_slice(extra);
    let run = crescent_in(dir, &args).expect_code(0);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("error")),
        "{}",
        run.stderr
    );
    let report = run.json();
    for s in report["scripts"].as_array().expect("scripts") {
        let status = s["status"].as_str().unwrap_or("?");
        assert!(
            (status == "running" || status == "despawned")
                && s["errors"].as_array().is_some_and(|e| e.is_empty()),
            "{s}\n{}",
            run.stderr
        );
    }
    report
}

#[test]
fn the_tutorial_project_checks_runs_and_is_clean_in_the_editor() {
    let copy = copy_project(&tutorial_dir());
    let dir = copy.path();
    let check = crescent_in(dir, &["check", ".", "--deny-warnings"]).expect_code(0);
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);

    run_clean(dir, &[]);
    let report = run_clean(dir, &["--input", "input.json"]);
    // With the recorded input the player collects coins, and the coins come and go.
    let rows = report["scripts"].as_array().expect("scripts");
    assert!(
        rows.iter()
            .any(|s| s["path"] == "scripts/coin.lua" && s["status"] == "despawned"),
        "{report}"
    );

    // The first version of the player runs too.
    std::fs::copy(
        dir.join("steps/player-1.lua"),
        dir.join("scripts/player.lua"),
    )
    .expect("step 2's player");
    run_clean(dir, &["--input", "input.json"]);

    // The profiler's outputs of step 9.
    let text = crescent_in(
        dir,
        &[
            "run",
            ".",
            "--frames",
            "600",
            "--input",
            "input.json",
            "--report",
            "text",
        ],
    )
    .expect_code(0);
    assert!(
        text.stdout.contains("profile (time in callbacks")
            && text.stdout.contains("scripts/coin.lua"),
        "{}",
        text.stdout
    );
    crescent_in(
        dir,
        &[
            "run",
            ".",
            "--frames",
            "600",
            "--input",
            "input.json",
            "--trace",
            "trace.json",
        ],
    )
    .expect_code(0);
    let trace: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("trace.json")).expect("trace"))
            .expect("the trace is JSON");
    assert!(
        trace["traceEvents"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("scripts/coin.lua #")))),
        "no coin slices in the trace"
    );

    let problems = lsp_problems(copy_project(&tutorial_dir()).path());
    assert!(
        problems.is_empty(),
        "the language server reports, in lua/tutorial/:\n  {}",
        problems.join("\n  ")
    );
}

/// Step 6: in a game running with `--watch`, saving `steps/coin-25.lua` over the coin script
/// reloads it, and the coins spawned after that are worth 25.
#[test]
fn hot_reload_makes_new_coins_worth_more() {
    let copy = copy_project(&tutorial_dir());
    let dir = copy.path();
    let mut child = Command::new(crescent_bin())
        .current_dir(dir)
        .args([
            "run",
            ".",
            "--watch",
            "--input",
            "input.json",
            "--events",
            "json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start crescent run --watch");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, events) = std::sync::mpsc::channel::<Value>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(event) = serde_json::from_str::<Value>(&line) {
                if tx.send(event).is_err() {
                    break;
                }
            }
        }
    });
    // The points of a `score N (...)` log line.
    let score = |event: &Value| -> Option<i64> {
        let message = event["message"].as_str()?;
        (event["type"] == "log")
            .then(|| {
                message
                    .strip_prefix("score ")?
                    .split(' ')
                    .next()?
                    .parse()
                    .ok()
            })
            .flatten()
    };

    let deadline = Instant::now() + Duration::from_secs(60);
    let next = |what: &str| {
        let left = deadline.saturating_duration_since(Instant::now());
        events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {what} within 60 s"))
    };
    // The game watches its files once it has written its session file.
    while !dir.join(".crescent/session.json").exists() {
        assert!(Instant::now() < deadline, "the game wrote no session.json");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A script is loaded when the first entity that runs it spawns: the spawner's first coin
    // comes after half a second of game time.
    std::thread::sleep(Duration::from_secs(2));
    std::fs::copy(dir.join("steps/coin-25.lua"), dir.join("scripts/coin.lua")).expect("save");
    let mut reloaded = false;
    let mut last = 0;
    loop {
        let event = next("coin worth 25 after the reload");
        if event["type"] == "reloaded" && event["path"] == "scripts/coin.lua" {
            reloaded = true;
        }
        if event["type"] == "script_error" {
            panic!("a script error: {event}");
        }
        if let Some(points) = score(&event) {
            let step = points - last;
            last = points;
            assert!(step == 10 || step == 25, "the score went up by {step}");
            if step == 25 {
                assert!(reloaded, "a coin worth 25 without a `reloaded` event first");
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
