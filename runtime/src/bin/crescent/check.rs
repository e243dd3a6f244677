//! `crescent check`: validate the scene, compile every script, and run the language server's
//! lints over the whole project (one implementation, `crescent-analysis`), without running a
//! frame. Every problem is printed in one run.

use crate::diagnostic::{display_path, Diagnostic, Severity, Style};
use anyhow::Result;
use crescent_analysis::diagnostics::Severity as LintSeverity;
use crescent_runtime::{compile_check, Scene};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One problem to print.
struct Problem {
    severity: Severity,
    /// Project-relative path.
    path: String,
    line: u32,
    column: u32,
    message: String,
}

/// Checks the project at `dir`, printing every problem; exit status 1 when there is an error
/// (or, with `deny_warnings`, a warning).
pub fn check(dir: &Path, deny_warnings: bool) -> Result<ExitCode> {
    let mut problems = Vec::new();
    let entities = match Scene::load_all(dir) {
        Ok(scene) => Some(scene.entities.len()),
        Err(errors) => {
            let text = std::fs::read_to_string(dir.join("scene.json")).unwrap_or_default();
            for e in errors {
                let (line, column) = crate::diagnostic::scene_position(&text, &e);
                problems.push(Problem {
                    severity: Severity::Error,
                    path: "scene.json".into(),
                    line,
                    column,
                    message: format!("{}: {}", e.json_path, e.message),
                });
            }
            None
        }
    };
    let scripts = lua_files(dir)?;
    let mut broken = Vec::new();
    for rel in &scripts {
        // Lua reads any bytes: a script need not be UTF-8 (its messages show it lossily).
        let source = match std::fs::read(dir.join(rel)) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(Problem {
                    severity: Severity::Error,
                    path: rel.clone(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if let Some(err) = compile_check(rel, &source) {
            broken.push(rel.clone());
            problems.push(Problem {
                severity: Severity::Error,
                path: rel.clone(),
                line: err.line,
                column: err.column,
                message: err.message,
            });
        }
    }
    // The lints, with what a running game registered (`.crescent/api.json`) when it is there.
    let (api, _) = crescent_analysis::workspace::load_api(&[dir.to_path_buf()]);
    for f in crescent_analysis::project::check(dir, &api) {
        let severity = match f.severity {
            LintSeverity::Error => Severity::Error,
            LintSeverity::Warning => Severity::Warning,
            // Hints and notes are for an editor's margin, not a check.
            LintSeverity::Info | LintSeverity::Hint => continue,
        };
        // The compiler's error is the one to fix first in a broken file.
        if broken.contains(&f.path) {
            continue;
        }
        problems.push(Problem {
            severity,
            path: f.path,
            line: f.line,
            column: f.column,
            message: format!("{} [{}]", f.message, f.code),
        });
    }
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));

    let style = Style::stderr();
    let mut sources: std::collections::HashMap<String, Option<String>> = Default::default();
    for p in &problems {
        let source = sources
            .entry(p.path.clone())
            .or_insert_with(|| {
                std::fs::read(dir.join(&p.path))
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .clone();
        let shown = display_path(dir, &p.path);
        let d = Diagnostic {
            severity: p.severity,
            path: &shown,
            line: p.line,
            column: p.column,
            message: &p.message,
            source: source.as_deref(),
            notes: Vec::new(),
        };
        eprintln!("{}", d.render(style));
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let counted = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    if errors > 0 || (deny_warnings && warnings > 0) {
        let mut parts = vec![counted(errors, "error")];
        if warnings > 0 {
            parts.push(counted(warnings, "warning"));
        }
        let why = if errors == 0 {
            " (warnings are errors with --deny-warnings)"
        } else {
            ""
        };
        eprintln!(
            "{}: {} found{why}",
            style.paint("1;31", "error"),
            parts.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    let mut ok = format!(
        "ok: {} scripts, {} entities",
        scripts.len(),
        entities.unwrap_or(0)
    );
    if warnings > 0 {
        ok.push_str(&format!(
            " ({}; --deny-warnings makes them fail the check)",
            counted(warnings, "warning")
        ));
    }
    println!("{ok}");
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
