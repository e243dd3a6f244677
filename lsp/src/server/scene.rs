//! The projects' `scene.json` files: the analysis's scene lints (a misspelt component, a
//! property the script does not declare, a script attached twice) published as diagnostics,
//! whether or not the editor has the file open (editors rarely send JSON to a Lua server).

use super::{read, Backend};
use crate::analysis::workspace;
use crate::analysis::{self, LineIndex};
use std::path::{Path, PathBuf};
use tower_lsp::lsp_types as lsp;

/// How far below a workspace folder projects are looked for.
const PROJECT_DEPTH: usize = 2;

/// The projects of the workspace: folders holding a `scene.json`, the workspace folder itself
/// or one at most two levels below it (a repository with the game in `game/` or
/// `games/first/`), not inside hidden folders, `node_modules` or `target`. The VS Code
/// extension finds the same ones (both run `editors/project-cases.json`).
pub(super) fn projects(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        let mut found = Vec::new();
        walk(root, 0, &mut found);
        found.sort();
        for p in found {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if dir.join("scene.json").is_file() {
        out.push(dir.to_path_buf());
    }
    if depth == PROJECT_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&e.path(), depth + 1, out);
        }
    }
}

/// The scene files of the workspace's projects.
fn scene_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    projects(roots)
        .into_iter()
        .map(|p| p.join("scene.json"))
        .collect()
}

impl Backend {
    /// Lints every scene of the workspace and publishes the findings (an empty list clears
    /// what was shown before).
    pub(super) async fn publish_scenes(&self) {
        let roots = read(&self.state.workspace).roots.clone();
        let api = self.api();
        let enc = self.encoding();
        for scene in scene_files(&roots) {
            let Some(text) = workspace::read_text(&scene) else {
                continue;
            };
            let Ok(uri) = lsp::Url::from_file_path(&scene) else {
                continue;
            };
            let project = scene.parent().unwrap_or(Path::new("")).to_path_buf();
            let found = {
                let ws = read(&self.state.workspace);
                analysis::scene::diagnostics(&text, &api, &ws.facts, |script| {
                    ws.summaries
                        .get(&project.join(script))
                        .and_then(|s| s.properties.as_deref())
                })
            };
            let index = LineIndex::new(&text);
            let diags = found
                .iter()
                .map(|d| lsp::Diagnostic {
                    range: super::convert::range((
                        index.position(&text, d.span.start, enc),
                        index.position(&text, d.span.end, enc),
                    )),
                    severity: Some(lsp::DiagnosticSeverity::WARNING),
                    code: Some(lsp::NumberOrString::String(d.code.to_string())),
                    source: Some("crescent-lsp".into()),
                    message: d.message.clone(),
                    ..Default::default()
                })
                .collect();
            self.client.publish_diagnostics(uri, diags, None).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_projects_the_extension_finds() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/project-cases.json");
        let text = std::fs::read_to_string(&path).expect("editors/project-cases.json");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for case in doc["cases"].as_array().expect("cases") {
            let dir = tempfile::tempdir().expect("tempdir");
            for f in case["files"].as_array().expect("files") {
                let p = dir.path().join(f.as_str().expect("a path"));
                std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
                std::fs::write(&p, "{}").expect("write");
            }
            let found: Vec<String> = projects(&[dir.path().to_path_buf()])
                .iter()
                .map(|p| {
                    p.strip_prefix(dir.path())
                        .expect("inside")
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect();
            let want: Vec<&str> = case["projects"]
                .as_array()
                .expect("projects")
                .iter()
                .filter_map(|p| p.as_str())
                .collect();
            assert_eq!(found, want, "case {}", case["name"]);
        }
    }
}
