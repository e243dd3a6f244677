//! A whole project on disk checked with the language server's rules, as `crescent check` runs
//! them: every script under `scripts/` with the facts of the whole project (components,
//! modules, assets), and the scene's lints. Syntax is not checked here: the runtime's own
//! compiler is the judge of that, and a file with a syntax error gets no other finding.

use crate::diagnostics::{self, Severity};
use crate::workspace::{self, Workspace};
use crate::{analyze, Encoding, LineIndex, Span};
use crescent_api::Api;
use std::path::Path;
use std::sync::Arc;

/// One finding, placed for people: project-relative path, 1-based line and column (in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Project-relative path with `/` (`scripts/player.lua`, `scene.json`).
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// How serious it is.
    pub severity: Severity,
    /// The lint's code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Checks the project at `root`. Findings are sorted by path, then position.
pub fn check(root: &Path, api: &Api) -> Vec<Finding> {
    let workspace::Scan { lua, assets, .. } = workspace::scan(root);
    let scripts_dir = root.join("scripts");
    let files: Vec<_> = lua
        .into_iter()
        .filter(|p| p.starts_with(&scripts_dir))
        .collect();
    let mut ws = Workspace {
        roots: vec![root.to_path_buf()],
        summaries: workspace::index(files, Arc::new(api.clone()), |_, _| {}),
        assets,
        ..Workspace::default()
    };
    let scene = workspace::read_text(&root.join("scene.json"));
    // The summaries were set directly: the facts are made here, once.
    if !ws.set_scene(root.join("scene.json"), scene.as_deref()) {
        ws.refresh_facts();
    }
    let facts = ws.facts.clone();
    // As the server does: the types the project's files declare are known in every file.
    let api = &crate::classes::with_classes(api, &facts.classes);
    let mut out = Vec::new();
    let mut paths: Vec<_> = ws.summaries.keys().cloned().collect();
    paths.sort();
    for path in &paths {
        let Some(text) = workspace::read_text(path) else {
            continue;
        };
        let file = analyze(&text, api);
        if !file.parse.errors.is_empty() {
            continue;
        }
        let rel = relative(root, path);
        for d in diagnostics::diagnostics(&text, &file, api, &facts) {
            if d.code != "syntax" {
                out.push(place(&rel, &text, d.span, d.severity, d.code, d.message));
            }
        }
    }
    if let Some(text) = workspace::read_text(&root.join("scene.json")) {
        let declared = |script: &str| {
            ws.summaries
                .get(&root.join(script))
                .and_then(|s| s.properties.as_deref())
        };
        for d in crate::scene::diagnostics(&text, api, &facts, declared) {
            out.push(place(
                "scene.json",
                &text,
                d.span,
                d.severity,
                d.code,
                d.message,
            ));
        }
    }
    out.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    out
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn place(
    path: &str,
    text: &str,
    span: Span,
    severity: Severity,
    code: &'static str,
    message: String,
) -> Finding {
    let index = LineIndex::new(text);
    let at = index.position(text, span.start, Encoding::Utf8);
    let line_start = index.line_start(at.line as usize);
    let column = text
        .get(line_start..line_start + at.col as usize)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    Finding {
        path: path.to_string(),
        line: at.line + 1,
        column: column as u32 + 1,
        severity,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_with_the_usual_mistakes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = [
            (
                "scene.json",
                "{\"entities\": [\n  {\"components\": {\"Transfrom\": {}, \"Loot\": {}},\n   \"scripts\": [{\"path\": \"scripts/player.lua\", \"properties\": {\"sped\": 2}}, \"scripts/player.lua\"]}\n]}\n",
            ),
            (
                "scripts/player.lua",
                "local util = require(\"lib.utl\")\nproperties = { speed = 1 }\nfunction init(self)\n  local lvl = assets.load_json(\"levels/1.json\")\n  self.entity:get(\"Helth\")\n  print(self.entity:get(\"Loot\"))\nend\n",
            ),
            ("scripts/lib/util.lua", "return {}\n"),
            ("scripts/broken.lua", "local = 1\n"),
            ("assets/levels/2.json", "{}"),
            ("other/ignored.lua", "local x = require(\"nothing\")\n"),
        ];
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let found: Vec<String> = check(dir.path(), &crescent_api::builtin())
            .into_iter()
            .map(|f| {
                format!(
                    "{}:{}:{} {} {}: {}",
                    f.path,
                    f.line,
                    f.column,
                    f.severity.as_str(),
                    f.code,
                    f.message
                )
            })
            .collect();
        expect_test::expect![[r#"
            [
                "scene.json:2:19 warning scene-unknown-component: unknown component `Transfrom` (it becomes a script component of its own); did you mean `Transform`?",
                "scene.json:3:62 warning scene-unknown-property: scripts/player.lua declares no property `sped`; did you mean `speed`?",
                "scene.json:3:75 warning scene-duplicate-script: scripts/player.lua is attached to this entity twice: each copy is an instance of its own and runs every callback",
                "scripts/player.lua:1:7 hint unused-local: unused local `util`",
                "scripts/player.lua:1:23 error missing-module: no module `lib.utl`: there is no scripts/lib/utl.lua; did you mean `lib.util`?",
                "scripts/player.lua:4:9 hint unused-local: unused local `lvl`",
                "scripts/player.lua:4:33 error missing-asset: no asset `levels/1.json` under assets/; did you mean `levels/2.json`?",
                "scripts/player.lua:5:20 error unknown-component: unknown component `Helth`",
            ]
        "#]]
        .assert_debug_eq(&found);
    }
}
