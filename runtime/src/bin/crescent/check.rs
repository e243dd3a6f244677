//! `crescent check`: validate the scene and compile every script, without running a frame.

use crate::diagnostic::{display_path, render};
use anyhow::Result;
use crescent_runtime::{compile_check, Scene};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Checks the project at `dir`, printing every error; exit status 1 when there is any.
pub fn check(dir: &Path) -> Result<ExitCode> {
    let mut errors = 0usize;
    let entities = match Scene::load(dir) {
        Ok(scene) => Some(scene.entities.len()),
        Err(e) => {
            eprintln!("{e}");
            errors += 1;
            None
        }
    };
    let scripts = lua_files(dir)?;
    for rel in &scripts {
        let shown = display_path(dir, rel);
        // Lua reads any bytes: a script need not be UTF-8 (its messages show it lossily).
        let source = match std::fs::read(dir.join(rel)) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{shown}: cannot read: {e}");
                errors += 1;
                continue;
            }
        };
        if let Some(err) = compile_check(rel, &source) {
            let text = String::from_utf8_lossy(&source);
            eprintln!(
                "{}",
                render(&shown, err.line, err.column, &err.message, Some(&text))
            );
            errors += 1;
        }
    }
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        eprintln!("error: {errors} problem{s} found");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "ok: {} scripts, {} entities",
        scripts.len(),
        entities.unwrap_or(0)
    );
    Ok(ExitCode::SUCCESS)
}

/// Every `.lua` file under `dir/scripts`, as sorted project-relative paths with `/`.
pub fn lua_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let root = dir.join("scripts");
    if root.is_dir() {
        walk(&root, &mut out)?;
    }
    let mut rel: Vec<String> = out
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    rel.sort();
    Ok(rel)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "lua") {
            out.push(path);
        }
    }
    Ok(())
}
