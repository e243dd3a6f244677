//! Files built into the binary: the demo project and the templates of `crescent new`.
//!
//! They are included with `include_str!` from `lua/examples/demo/` and `lua/templates/`, so
//! `crescent run` and `crescent new` work from any folder; a test checks that every file of
//! those folders is listed here.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

macro_rules! files {
    ($base:literal: $($rel:literal),* $(,)?) => {
        &[$(($rel, include_str!(concat!("../../../../", $base, "/", $rel)))),*]
    };
}

/// The demo project, as (project-relative path, contents).
pub const DEMO: &[(&str, &str)] = files!("lua/examples/demo":
    "README.md",
    "scene.json",
    "assets/config.json",
    "scripts/game.lua",
    "scripts/player.lua",
    "scripts/turret.lua",
    "scripts/spawner.lua",
    "scripts/enemy.lua",
    "scripts/effects.lua",
    "scripts/hud.lua",
    "scripts/lib/steer.lua",
);

/// The project template of `crescent new project`, as (template path, contents). The file
/// `gitignore` becomes `.gitignore` (a real `.gitignore` in the template folder would apply to
/// the repository itself).
pub const PROJECT_TEMPLATE: &[(&str, &str)] = files!("lua/templates/project":
    "README.md",
    "gitignore",
    "scene.json",
    "assets/settings.json",
    "scripts/main.lua",
);

/// The script templates of `crescent new script --template T`, as (file name, contents): the
/// file of template `T` is `T.lua` (`new::Template` names them).
pub const SCRIPT_TEMPLATES: &[(&str, &str)] = files!("lua/templates/scripts":
    "lifecycle.lua",
    "mover.lua",
    "state-machine.lua",
    "spawner.lua",
    "hud-counter.lua",
    "module.lua",
);

/// Writes the demo to a folder in the temporary directory named after its contents, and
/// returns that folder. Files are rewritten when they differ, so an edited copy is restored.
pub fn extract_demo() -> Result<PathBuf> {
    let hash = DEMO
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, (path, text)| {
            fnv(fnv(h, path.as_bytes()), text.as_bytes())
        });
    let root = std::env::temp_dir().join(format!(
        "crescent-demo-{}-{hash:016x}",
        env!("CARGO_PKG_VERSION")
    ));
    for (rel, text) in DEMO {
        write_if_changed(&root.join(rel), text)?;
    }
    Ok(root)
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Writes through a temporary file and a rename, so two processes extracting at once never
/// see a half-written file.
fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let parent = path
        .parent()
        .with_context(|| format!("{} has no parent folder", path.display()))?;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = parent.join(format!(".tmp-{}-{}", std::process::id(), file_name(path)));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_under(root: &Path) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_name() == ".crescent" {
                    continue;
                }
                if path.is_dir() {
                    walk(root, &path, out);
                } else if let Ok(rel) = path.strip_prefix(root) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(root, root, &mut out);
        out.sort();
        out
    }

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn every_demo_file_is_embedded() {
        let mut listed: Vec<String> = DEMO.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(listed, files_under(&repo().join("lua/examples/demo")));
    }

    #[test]
    fn every_template_file_is_embedded() {
        let mut listed: Vec<String> = PROJECT_TEMPLATE
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        listed.sort();
        assert_eq!(listed, files_under(&repo().join("lua/templates/project")));
    }

    #[test]
    fn every_script_template_is_embedded() {
        let mut listed: Vec<String> = SCRIPT_TEMPLATES
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        listed.sort();
        assert_eq!(listed, files_under(&repo().join("lua/templates/scripts")));
        // Nothing else under lua/templates/ but the project folder and the script templates.
        let mut rest: Vec<String> = files_under(&repo().join("lua/templates"))
            .into_iter()
            .filter(|p| !p.starts_with("project/") && !p.starts_with("scripts/"))
            .collect();
        rest.sort();
        assert_eq!(
            rest,
            Vec::<String>::new(),
            "files under lua/templates/ nothing embeds"
        );
    }

    #[test]
    fn extraction_restores_edited_files() {
        let root = extract_demo().expect("extracts");
        let scene = root.join("scene.json");
        std::fs::write(&scene, "{}").expect("write");
        let again = extract_demo().expect("extracts again");
        assert_eq!(root, again);
        let text = std::fs::read_to_string(&scene).expect("read");
        assert_eq!(text, DEMO[1].1);
    }
}
