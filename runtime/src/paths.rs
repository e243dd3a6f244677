//! Confinement of the paths scripts name: assets under `assets/`, scripts under `scripts/`.
//!
//! A path is refused when it is absolute, has a `..` part, or resolves (through symlinks) to a
//! file outside its folder: the check canonicalizes both and compares prefixes.

use mlua::Value;
use std::path::{Path, PathBuf};

fn relative_parts(path: &str) -> Result<Vec<&str>, &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
        return Err("absolute paths are not allowed");
    }
    let mut parts = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err("`..` is not allowed"),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("the path names no file");
    }
    Ok(parts)
}

/// Joins `parts` under `root/folder` and checks the real file stays inside that folder.
fn confine(root: &Path, folder: &str, parts: &[&str], shown: &str) -> Result<PathBuf, String> {
    let base = root.join(folder);
    let mut file = base.clone();
    for p in parts {
        file.push(p);
    }
    let base_real = base
        .canonicalize()
        .map_err(|_| format!("{shown} does not exist"))?;
    let real = file
        .canonicalize()
        .map_err(|_| format!("{shown} does not exist"))?;
    if !real.starts_with(&base_real) {
        return Err(format!("{shown} leaves {folder}/ (through a link)"));
    }
    Ok(real)
}

/// The file an `assets.*` call may read.
pub(crate) fn asset(root: &Path, path: &Value, what: &str) -> Result<PathBuf, String> {
    let Value::String(s) = path else {
        return Err(format!(
            "{what}: path must be a string, got {}",
            path.type_name()
        ));
    };
    let s = s.to_string_lossy().to_string();
    let parts = relative_parts(&s).map_err(|m| format!("{what}: refused path {s:?}: {m}"))?;
    confine(root, "assets", &parts, &format!("asset {s:?}"))
        .map_err(|m| format!("{what}: {m}"))
        .map_err(|m| {
            if m.ends_with("does not exist") {
                m
            } else {
                m.replace(&format!("{what}: "), &format!("{what}: refused path: "))
            }
        })
}

/// The file a script or module path (`scripts/x.lua`) names.
pub(crate) fn script(root: &Path, path: &str) -> Result<PathBuf, String> {
    let norm = crate::scene::normalize_script_path(path)
        .map_err(|m| format!("invalid script path {path:?}: {m}"))?;
    let parts: Vec<&str> = norm.split('/').skip(1).collect();
    confine(root, "scripts", &parts, &norm).map_err(|m| {
        if m.ends_with("does not exist") {
            format!("cannot read {norm}: no such file")
        } else {
            m
        }
    })
}
