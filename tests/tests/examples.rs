//! The example projects in `lua/examples/`: every folder there with a `scene.json` (the demo
//! too) checks clean, runs 600 frames without a script error, gives the same world hash twice
//! (also with its `input.json` track), has a README and is listed in `lua/examples/README.md`.
//! A new example is covered by adding its folder.

use crescent_e2e::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FRAMES: &str = "600";

/// `(name, folder)` of every example, by name.
fn examples() -> Vec<(String, PathBuf)> {
    let root = repo_root().join("lua/examples");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("scene.json").is_file())
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("example folder names are UTF-8")
                .to_string();
            (name, path)
        })
        .collect();
    found.sort();
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"demo") && names.len() > 1,
        "examples: {names:?}"
    );
    found
}

/// Both outputs of a run, for a failure message.
fn outputs(run: &Run) -> String {
    format!("--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr)
}

/// The command line of `crescent run DIR --frames 600 EXTRA...`, for a failure message (the
/// temporary copy's path shown as `DIR`).
fn shown(dir: &Path, extra: &[&str]) -> String {
    let mut line = format!("crescent run DIR --frames {FRAMES}");
    for a in extra {
        line.push(' ');
        line.push_str(&a.replace(arg(dir), "DIR"));
    }
    line
}

/// Runs `crescent run DIR --frames 600` with `extra` arguments; the failure says what ran.
fn run(dir: &Path, extra: &[&str]) -> Result<Run, String> {
    let mut args = vec!["run", arg(dir), "--frames", FRAMES];
    args.extend_from_slice(extra);
    let run = crescent(&args);
    if run.code != 0 {
        return Err(format!(
            "`{}` exited with {}\n{}",
            shown(dir, extra),
            run.code,
            outputs(&run)
        ));
    }
    Ok(run)
}

/// The report of a 600-frame run: every instance running or despawned, and no errors.
fn run_clean(dir: &Path, extra: &[&str]) -> Result<(), String> {
    let mut args = vec!["--report", "json"];
    args.extend_from_slice(extra);
    let run = run(dir, &args)?;
    let command = shown(dir, &args);
    let report: Value = serde_json::from_str(&run.stdout).map_err(|e| {
        format!(
            "`{command}`: the report is not JSON ({e})\n{}",
            outputs(&run)
        )
    })?;
    if report["frames"] != 600 {
        return Err(format!(
            "`{command}`: the report says {} frames",
            report["frames"]
        ));
    }
    let scripts = report["scripts"]
        .as_array()
        .ok_or_else(|| format!("`{command}`: the report has no scripts: {report}"))?;
    if scripts.is_empty() {
        return Err(format!("`{command}`: the report lists no script instance"));
    }
    let bad: Vec<String> = scripts
        .iter()
        .filter(|s| {
            let status = s["status"].as_str().unwrap_or("?");
            (status != "running" && status != "despawned")
                || s["errors"].as_array().is_none_or(|e| !e.is_empty())
        })
        .map(|s| {
            format!(
                "  {} on entity {}: {}, errors {}",
                s["path"], s["entity"], s["status"], s["errors"]
            )
        })
        .collect();
    if !bad.is_empty() {
        return Err(format!(
            "`{command}`: instances faulted or with errors:\n{}\n--- stderr\n{}",
            bad.join("\n"),
            run.stderr
        ));
    }
    Ok(())
}

/// The world hash after 600 frames, the same in two runs.
fn same_hash_twice(dir: &Path, extra: &[&str]) -> Result<String, String> {
    let mut args = vec!["--hash"];
    args.extend_from_slice(extra);
    let command = shown(dir, &args);
    let first = run(dir, &args)?.stdout.trim().to_string();
    let second = run(dir, &args)?.stdout.trim().to_string();
    if first.len() != 16 || !first.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("`{command}` printed {first:?}, not a hash"));
    }
    if first != second {
        return Err(format!(
            "`{command}` gives another world hash in a second run: {first} then {second}"
        ));
    }
    Ok(first)
}

/// Everything one example must pass, with the first problem found.
fn check_example(source: &Path) -> Result<(), String> {
    if !source.join("README.md").is_file() {
        return Err("it has no README.md".into());
    }
    let copy = copy_project(source);
    let dir = copy.path();

    let check = crescent(&["check", arg(dir), "--deny-warnings"]);
    if check.code != 0 {
        return Err(format!(
            "`crescent check --deny-warnings` exited with {}\n{}",
            check.code,
            outputs(&check)
        ));
    }

    run_clean(dir, &[])?;
    let hash = same_hash_twice(dir, &[])?;

    let track = dir.join("input.json");
    if track.is_file() {
        let input = ["--input", arg(&track)];
        run_clean(dir, &input)?;
        let with_input = same_hash_twice(dir, &input)?;
        if with_input == hash {
            return Err(format!(
                "input.json does not change the world (hash {hash} with and without it)"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_example_checks_runs_clean_and_gives_the_same_hash_twice() {
    let started = std::time::Instant::now();
    let failures: Vec<String> = examples()
        .iter()
        .filter_map(|(name, path)| {
            check_example(path)
                .err()
                .map(|why| format!("example `{name}`: {why}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{} examples passed in {:.1} s",
        examples().len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn every_example_is_listed_in_the_examples_index() {
    let index_path = repo_root().join("lua/examples/README.md");
    let index = std::fs::read_to_string(&index_path)
        .unwrap_or_else(|e| panic!("{}: {e}", index_path.display()));
    let missing: Vec<String> = examples()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !index.contains(&format!("]({name}/)")))
        .collect();
    assert!(
        missing.is_empty(),
        "lua/examples/README.md has no link to these example folders (`](NAME/)`): {missing:?}"
    );
}
