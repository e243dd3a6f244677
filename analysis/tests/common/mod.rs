//! What the analysis tests share: the corpus of Lua files they run over.

use std::path::{Path, PathBuf};

fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            lua_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "lua") {
            out.push(p);
        }
    }
}

/// Every UTF-8 `.lua` file under `dirs` (relative to the repository), in a stable order, with
/// its text; at least `min` of them.
pub fn corpus(dirs: &[&str], min: usize) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in dirs {
        lua_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= min, "the corpus is there");
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p, String::from_utf8(bytes).ok()?))
        })
        .collect()
}
