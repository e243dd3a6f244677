//! The projects' `scene.json` files: the analysis's scene lints (a misspelt component, a
//! property the script does not declare, a script attached twice) published as diagnostics,
//! whether or not the editor has the file open (editors rarely send JSON to a Lua server).

use super::{read, Backend};
use crate::analysis::workspace;
use crate::analysis::{self, LineIndex};
use std::path::{Path, PathBuf};
use tower_lsp::lsp_types as lsp;

/// The projects of the workspace (folders holding a `scene.json`): a workspace folder itself,
/// or a folder one level below it (a repository with the game in `game/`).
pub(super) fn projects(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        if root.join("scene.json").is_file() {
            out.push(root.clone());
        }
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        let mut below: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("scene.json").is_file())
            .collect();
        below.sort();
        out.extend(below);
    }
    out
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
