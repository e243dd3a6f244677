//! `crescent new project|script`: start a project or a script from the embedded templates.

use crate::embedded::{PROJECT_TEMPLATE, SCRIPT_TEMPLATES};
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use std::path::Path;
use std::process::ExitCode;

/// Creates the project `path` (a name, or a path whose last part is the name) under `dir`
/// from the project template. Refuses to touch an existing path.
pub fn project(dir: &Path, path: &str) -> Result<ExitCode> {
    let given = Path::new(path);
    let name = given
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    validate_project_name(&name).with_context(|| {
        format!("cannot create a project at `{path}`: its last part names the project")
    })?;
    let root = dir.join(given);
    if root.exists() {
        bail!("{} already exists; choose another name", root.display());
    }
    for (rel, text) in PROJECT_TEMPLATE {
        let target = match *rel {
            "gitignore" => ".gitignore".to_string(),
            other => other.to_string(),
        };
        write_new(&root.join(target), &text.replace("{{name}}", &name))?;
    }
    let shown = crate::diagnostic::display_path(dir, path);
    println!("created {shown}");
    println!("  run it:   crescent run {shown}");
    println!("  check it: crescent check {shown}");
    Ok(ExitCode::SUCCESS)
}

/// The project a script goes into: `dir` or the nearest folder above it that holds a
/// `scene.json` (so `crescent new script` works from `scripts/` too).
fn project_root(dir: &Path) -> Result<std::path::PathBuf> {
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut at: Option<&Path> = Some(&absolute);
    while let Some(here) = at {
        if here.join("scene.json").is_file() {
            // Keep the path as the user gave it when it is the project itself.
            return Ok(if here == absolute {
                start.to_path_buf()
            } else {
                here.to_path_buf()
            });
        }
        at = here.parent();
    }
    bail!(
        "{} is not in a Crescent project (no scene.json there or above); run this inside a project, or name it with --dir PROJECT (a new one: crescent new project NAME)",
        start.display()
    )
}

/// The templates of `crescent new script --template T`. Each is `lua/templates/scripts/T.lua`
/// (embedded as `SCRIPT_TEMPLATES`); its doc line is what `--help` and the success message say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// Every lifecycle function (init, update, fixed_update, on_event, on_reload, destroy), each commented
    Lifecycle,
    /// Moves its entity in a straight line: properties speed and direction, in-place translate
    Mover,
    /// Enemy AI as a table of states (idle, chase, flee) around an entity found with world.find
    StateMachine,
    /// Spawns entities on a timer around its entity (world.spawn) and despawns the old ones
    Spawner,
    /// Counts an event's points into a score: a log line and a Score component on each change
    HudCounter,
    /// A module for require: a table of shared functions, not attached to an entity
    Module,
}

impl Template {
    /// The name `--template` takes (`state-machine`).
    fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// The doc line above, to go on after a colon (`moves its entity ...`).
    fn about(self) -> String {
        let doc = self
            .to_possible_value()
            .and_then(|v| v.get_help().map(|h| h.to_string()))
            .unwrap_or_default();
        let mut chars = doc.chars();
        chars
            .next()
            .map(|first| first.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    }

    /// The template's text, with `{{...}}` still in it.
    fn text(self) -> Result<&'static str> {
        let file = format!("{}.lua", self.name());
        SCRIPT_TEMPLATES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, text)| *text)
            .with_context(|| format!("the `{}` template is not built in", self.name()))
    }

    /// What to know before attaching it, beyond the doc line.
    fn hint(self) -> Option<&'static str> {
        match self {
            Template::Lifecycle | Template::Module => None,
            Template::Mover => Some("the entity needs a Transform; set speed and direction in the script's properties"),
            Template::StateMachine => Some("it watches the entity whose Name is its `target` property (\"player\" unless the scene sets another)"),
            Template::Spawner => Some("its `script` property names a script for the spawned entities (\"scripts/coin.lua\")"),
            Template::HudCounter => Some("it counts `coin_collected` events (`events.emit(\"coin_collected\", { points = 10 })`); its `event` property names another"),
        }
    }
}

/// Creates `scripts/<name>.lua` in the project at or above `dir` from a script template.
/// Refuses to overwrite.
pub fn script(dir: &Path, name: &str, template: Template) -> Result<ExitCode> {
    let name = name.strip_suffix(".lua").unwrap_or(name);
    let name = name.strip_prefix("scripts/").unwrap_or(name);
    validate_script_name(name)?;
    let root = project_root(dir)?;
    let rel = format!("scripts/{name}.lua");
    let path = root.join(&rel);
    if path.exists() {
        bail!("{} already exists; not overwriting it", path.display());
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    let module = name.replace('/', ".");
    let text = template
        .text()?
        .replace("{{path}}", &rel)
        .replace("{{module}}", &module)
        .replace("{{name}}", base);
    write_new(&path, &text)?;
    println!(
        "created {} from the `{}` template: {}",
        path.display(),
        template.name(),
        template.about()
    );
    if template == Template::Module {
        // A reserved word cannot name the local the module is kept in.
        let local = if crescent_analysis::context::KEYWORDS.contains(&base) {
            "m"
        } else {
            base
        };
        println!("  use it from any script: local {local} = require(\"{module}\")");
        println!("  (a module is not attached to an entity in scene.json)");
    } else {
        println!("  attach it to an entity in scene.json: \"scripts\": [\"{rel}\"]");
        if let Some(hint) = template.hint() {
            println!("  {hint}");
        }
        println!("  then run it: crescent run {}", root.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // `create_new` makes the refusal to overwrite hold even against a race.
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A project name is a folder name that is the same on every system: it starts with a letter
/// and holds letters, digits, `-` and `_`.
fn validate_project_name(name: &str) -> Result<()> {
    let ok = name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        bail!(
            "invalid project name `{name}`: use a letter first, then letters, digits, `-` or `_` (at most 64)"
        );
    }
    Ok(())
}

/// A script name is a path of Lua-module-friendly parts (`enemy`, `enemies/boss`), so that
/// `require("enemies.boss")` can name it too.
fn validate_script_name(name: &str) -> Result<()> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 64
            && p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if name.split('/').count() > 8 || !name.split('/').all(part_ok) {
        bail!(
            "invalid script name `{name}`: use parts of letters, digits and `_` (not starting with a digit), separated by `/`"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names() {
        for good in ["game", "my-game", "Game_2"] {
            assert!(validate_project_name(good).is_ok(), "{good}");
        }
        for bad in ["", "2game", "../x", "a/b", "my game", ".hidden", "ü"] {
            assert!(validate_project_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn script_names() {
        for good in ["enemy", "enemies/boss", "_private", "a1"] {
            assert!(validate_script_name(good).is_ok(), "{good}");
        }
        for bad in ["", "1x", "../x", "a//b", "/abs", "a-b", "a.b", "a/"] {
            assert!(validate_script_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_template_has_its_file_and_every_file_its_template() {
        let mut names: Vec<String> = Template::value_variants()
            .iter()
            .map(|t| {
                assert!(t.text().is_ok(), "{t:?}");
                assert!(!t.about().is_empty(), "{t:?} has no doc line");
                format!("{}.lua", t.name())
            })
            .collect();
        names.sort();
        let mut files: Vec<String> = SCRIPT_TEMPLATES
            .iter()
            .map(|(f, _)| f.to_string())
            .collect();
        files.sort();
        assert_eq!(names, files);
    }

    #[test]
    fn new_files_refuse_to_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x/y.txt");
        write_new(&path, "one").expect("first write");
        assert!(write_new(&path, "two").is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "one");
    }
}
