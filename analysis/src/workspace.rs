//! The workspace index: a compact summary per Lua file, and the facts features need from it.
//!
//! Indexing reads and summarizes every `.lua` file under the workspace folders on parallel
//! threads (each with a stack large enough for the parser). Only summaries are kept; full
//! trees exist for open documents alone.

use crate::summary::{summarize_text, Export, Summary};
use crate::{ModuleExports, WorkspaceFacts};
use crescent_api::Api;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Directories never indexed.
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules", ".crescent"];

/// Summaries of the workspace's Lua files and what they add up to.
#[derive(Default)]
pub struct Workspace {
    /// Workspace folders.
    pub roots: Vec<PathBuf>,
    /// One summary per Lua file.
    pub summaries: HashMap<PathBuf, Summary>,
    /// Files under the `assets/` folders, relative to them.
    pub assets: BTreeSet<String>,
    /// The component names each project's `scene.json` gives, by the scene's path.
    pub scene_components: BTreeMap<PathBuf, BTreeSet<String>>,
    /// Derived from the summaries and assets; rebuilt when they change.
    pub facts: Arc<WorkspaceFacts>,
}

/// What [`scan`] finds below a folder.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every `.lua` file, sorted.
    pub lua: Vec<PathBuf>,
    /// Every file under an `assets/` folder, relative to it.
    pub assets: BTreeSet<String>,
    /// Every `scene.json` (one per project), sorted.
    pub scenes: Vec<PathBuf>,
}

/// Every `.lua` file, every file under an `assets/` folder and every `scene.json` below `root`.
pub fn scan(root: &Path) -> Scan {
    let mut lua = Vec::new();
    let mut assets = BTreeSet::new();
    let mut scenes = Vec::new();
    let mut stack = vec![(root.to_path_buf(), None::<PathBuf>)];
    while let Some((dir, assets_root)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if kind.is_dir() {
                if SKIP_DIRS.contains(&name.as_str()) {
                    continue;
                }
                let next_assets = match &assets_root {
                    Some(a) => Some(a.clone()),
                    None if name == "assets" => Some(path.clone()),
                    None => None,
                };
                stack.push((path, next_assets));
            } else if kind.is_file() {
                if let Some(a) = &assets_root {
                    if let Ok(rel) = path.strip_prefix(a) {
                        assets.insert(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
                if name.ends_with(".lua") {
                    lua.push(path);
                } else if name == "scene.json" && assets_root.is_none() {
                    scenes.push(path);
                }
            }
        }
    }
    lua.sort();
    scenes.sort();
    Scan {
        lua,
        assets,
        scenes,
    }
}

/// Reads a file as text, replacing invalid UTF-8 rather than failing.
pub fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Summarizes `files` on parallel threads, calling `progress(done, total)` now and then.
pub fn index(
    files: Vec<PathBuf>,
    api: Arc<Api>,
    progress: impl Fn(usize, usize) + Sync,
) -> HashMap<PathBuf, Summary> {
    let total = files.len();
    let files = Arc::new(files);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let out = Arc::new(Mutex::new(HashMap::with_capacity(total)));
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    let mut handles = Vec::new();
    for w in 0..workers {
        let (files, next, done, out, api) = (
            files.clone(),
            next.clone(),
            done.clone(),
            out.clone(),
            api.clone(),
        );
        let spawned = crate::parse::spawn_parse_thread(&format!("index-{w}"), move || {
            let mut local = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                if let Some(text) = read_text(path) {
                    let summary = std::panic::catch_unwind(|| summarize_text(&text, &api))
                        .unwrap_or_default();
                    local.push((path.clone(), summary));
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            if let Ok(mut map) = out.lock() {
                map.extend(local);
            }
        });
        if let Ok(h) = spawned {
            handles.push(h);
        }
    }
    let mut last = usize::MAX;
    while handles.iter().any(|h| !h.is_finished()) {
        let d = done.load(Ordering::Relaxed);
        if d != last {
            progress(d, total);
            last = d;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for h in handles {
        let _ = h.join();
    }
    progress(total, total);
    let map = match Arc::try_unwrap(out) {
        Ok(m) => m.into_inner().unwrap_or_default(),
        Err(shared) => shared.lock().map(|m| m.clone()).unwrap_or_default(),
    };
    map
}

/// The built-in API plus what each root's `.crescent/api.json` adds (a running game writes
/// it: the host's registrations), with the files that could not be read as such.
pub fn load_api(roots: &[PathBuf]) -> (Api, Vec<String>) {
    let mut api = crescent_api::builtin();
    let mut errors = Vec::new();
    for root in roots {
        let path = root.join(".crescent").join("api.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match Api::from_json(&text) {
            Ok(extra) => api.merge(extra),
            Err(e) => errors.push(format!("{}: {e}", path.display())),
        }
    }
    (api, errors)
}

/// The module name `require` uses for a file under a `scripts/` folder (`lib.util`).
pub fn module_name(path: &Path) -> Option<String> {
    let comps: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    let at = comps.iter().rposition(|c| c == "scripts")?;
    let rest = &comps[at + 1..];
    let last = rest.last()?.strip_suffix(".lua")?;
    let mut parts: Vec<&str> = rest[..rest.len() - 1].iter().map(String::as_str).collect();
    parts.push(last);
    Some(parts.join("."))
}

/// The exports of a module that say what a call returns: what its type in the facts holds.
fn export_returns(exports: &Option<Arc<[Export]>>) -> Vec<(&str, &str)> {
    exports
        .iter()
        .flat_map(|e| e.iter())
        .filter_map(|e| Some((e.name.as_str(), e.returns.as_deref()?)))
        .collect()
}

impl Workspace {
    /// Records the components the scene at `path` gives (`text` None: the scene is gone).
    /// Returns whether they changed; the facts are refreshed then.
    pub fn set_scene(&mut self, path: PathBuf, text: Option<&str>) -> bool {
        let names = text.map(crate::scene::component_names);
        let changed = self.scene_components.get(&path) != names.as_ref();
        match names {
            Some(n) => self.scene_components.insert(path, n),
            None => self.scene_components.remove(&path),
        };
        if changed {
            self.refresh_facts();
        }
        changed
    }

    /// Recomputes the facts from the summaries and assets.
    pub fn refresh_facts(&mut self) {
        let mut script_components = BTreeSet::new();
        let mut modules = BTreeSet::new();
        let mut exports: BTreeMap<String, Arc<ModuleExports>> = BTreeMap::new();
        let mut paths: Vec<&PathBuf> = self.summaries.keys().collect();
        paths.sort();
        let mut classes: Vec<crate::classes::Class> = paths
            .iter()
            .flat_map(|p| self.summaries[*p].classes.iter().cloned())
            .collect();
        for (path, s) in &self.summaries {
            script_components.extend(s.script_components.iter().cloned());
            let Some(m) = module_name(path) else {
                continue;
            };
            if let Some(e) = &s.exports {
                // Two roots may hold the same module: the same file as `module_path` wins.
                let wins = exports.get(&m).is_none_or(|old| path < &old.path);
                if wins {
                    let entry = ModuleExports {
                        path: path.clone(),
                        exports: e.clone(),
                    };
                    exports.insert(m.clone(), Arc::new(entry));
                }
            }
            modules.insert(m);
        }
        // What each module's functions return, as a type of its own (`classes::module_type`).
        classes.extend(
            exports
                .iter()
                .filter_map(|(m, e)| crate::classes::module_class(m, &e.exports)),
        );
        let scene_components = self.scene_components.values().flatten().cloned().collect();
        let meta_globals = self
            .summaries
            .values()
            .flat_map(|s| s.meta_globals.iter().cloned())
            .collect();
        self.facts = Arc::new(WorkspaceFacts {
            script_components: Arc::new(script_components),
            scene_components: Arc::new(scene_components),
            modules: Arc::new(modules),
            assets: Arc::new(self.assets.clone()),
            exports: Arc::new(exports),
            indexed: true,
            classes: Arc::new(classes),
            meta_globals: Arc::new(meta_globals),
        });
    }

    /// Replaces one file's summary; refreshes the facts only when what they depend on changed.
    ///
    /// A module whose exports change but which still returns a table (every keystroke in an
    /// open module) only replaces its own entry: the other parts of the facts are shared.
    pub fn update(&mut self, path: PathBuf, summary: Summary) {
        let (rebuild, exports_changed) = match self.summaries.get(&path) {
            Some(old) => (
                old.script_components != summary.script_components
                    || old.meta_globals != summary.meta_globals
                    || old.exports.is_some() != summary.exports.is_some()
                    || old.classes != summary.classes
                    || export_returns(&old.exports) != export_returns(&summary.exports),
                old.exports != summary.exports,
            ),
            None => (true, true),
        };
        let exports = summary.exports.clone();
        self.summaries.insert(path.clone(), summary);
        if rebuild {
            self.refresh_facts();
        } else if exports_changed {
            self.replace_exports(path, exports);
        }
    }

    /// Puts a module's new exports in the facts, when its file is the one they list.
    fn replace_exports(&mut self, path: PathBuf, exports: Option<Arc<[Export]>>) {
        let (Some(m), Some(exports)) = (module_name(&path), exports) else {
            return;
        };
        if self
            .facts
            .exports
            .get(&m)
            .is_none_or(|old| old.path != path)
        {
            return;
        }
        let mut facts = (*self.facts).clone();
        Arc::make_mut(&mut facts.exports).insert(m, Arc::new(ModuleExports { path, exports }));
        self.facts = Arc::new(facts);
    }

    /// Forgets a deleted file.
    pub fn remove(&mut self, path: &Path) {
        if self.summaries.remove(path).is_some() {
            self.refresh_facts();
        }
    }

    /// The file of a dotted module name, if the workspace has it.
    pub fn module_path(&self, module: &str) -> Option<PathBuf> {
        self.summaries
            .keys()
            .filter(|p| module_name(p).as_deref() == Some(module))
            .min()
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_scripts_modules_and_assets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("scripts/lib")).expect("mkdir");
        std::fs::create_dir_all(root.join("assets/levels")).expect("mkdir");
        std::fs::write(
            root.join("scripts/player.lua"),
            "function init(self) self.entity:set(\"Ammo\", 1) end",
        )
        .expect("write");
        std::fs::write(
            root.join("scripts/lib/util.lua"),
            b"return { name = \"\xff\xfe\" }",
        )
        .expect("write");
        std::fs::write(root.join("assets/levels/one.json"), "{}").expect("write");
        std::fs::write(root.join("assets/levels/scene.json"), "{}").expect("write");
        let scene = r#"{"entities": [{"components": {"Loot": {"gold": 3}, "Transform": {}}}]}"#;
        std::fs::write(root.join("scene.json"), scene).expect("write");
        let Scan {
            lua: files,
            assets,
            scenes,
        } = scan(root);
        assert_eq!(files.len(), 2);
        assert_eq!(
            scenes,
            [root.join("scene.json")],
            "a scene.json under assets/ is data"
        );
        let mut ws = Workspace {
            summaries: index(files, Arc::new(crescent_api::builtin()), |_, _| {}),
            assets,
            ..Workspace::default()
        };
        ws.refresh_facts();
        assert!(ws.facts.script_components.contains("Ammo"));
        assert!(ws.facts.modules.contains("lib.util"));
        assert!(ws.facts.modules.contains("player"));
        assert!(ws.facts.assets.contains("levels/one.json"));
        assert!(ws.set_scene(root.join("scene.json"), Some(scene)));
        assert!(
            !ws.set_scene(root.join("scene.json"), Some(scene)),
            "unchanged"
        );
        assert!(ws.facts.scene_components.contains("Loot"));
        assert!(ws.set_scene(root.join("scene.json"), None));
        assert!(!ws.facts.scene_components.contains("Loot"));
        assert_eq!(
            ws.module_path("lib.util"),
            Some(root.join("scripts/lib/util.lua"))
        );
    }

    #[test]
    fn module_exports_follow_their_files() {
        let api = crescent_api::builtin();
        let util = PathBuf::from("/game/scripts/lib/util.lua");
        let player = PathBuf::from("/game/scripts/player.lua");
        let mut ws = Workspace::default();
        ws.update(
            util.clone(),
            summarize_text("local M = {}\nfunction M.f(a) end\nreturn M\n", &api),
        );
        ws.update(
            player.clone(),
            summarize_text(
                "function init(self) self.entity:set(\"Ammo\", 1) end\n",
                &api,
            ),
        );
        let names = |ws: &Workspace| -> Vec<String> {
            ws.facts
                .exports
                .get("lib.util")
                .map(|m| m.exports.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(names(&ws), ["f"]);
        assert_eq!(
            ws.facts
                .export("lib.util", "f")
                .map(|(m, _)| m.path.clone()),
            Some(util.clone())
        );
        assert!(
            ws.facts.exports.get("player").is_none(),
            "scripts export nothing"
        );

        // A new export replaces the module's entry and shares the rest of the facts.
        let summary = summarize_text(
            "local M = {}\nfunction M.f(a) end\nM.g = 1\nreturn M\n",
            &api,
        );
        let before = ws.facts.clone();
        ws.update(util.clone(), summary.clone());
        assert_eq!(names(&ws), ["f", "g"]);
        assert!(Arc::ptr_eq(
            &before.script_components,
            &ws.facts.script_components
        ));
        assert!(Arc::ptr_eq(&before.modules, &ws.facts.modules));
        // The same summary again changes nothing.
        let before = ws.facts.clone();
        ws.update(util.clone(), summary);
        assert!(Arc::ptr_eq(&before, &ws.facts));

        // No longer returning a table, then deleted.
        ws.update(util.clone(), summarize_text("return 1\n", &api));
        assert!(ws.facts.exports.get("lib.util").is_none());
        ws.update(
            util.clone(),
            summarize_text("return { h = function() end }\n", &api),
        );
        assert_eq!(names(&ws), ["h"]);
        ws.remove(&util);
        assert!(ws.facts.exports.is_empty());
        assert!(ws.facts.script_components.contains("Ammo"));
    }

    #[test]
    fn what_module_functions_return_is_a_type_of_the_facts() {
        let api = crescent_api::builtin();
        let util = PathBuf::from("/game/scripts/lib/util.lua");
        let mut ws = Workspace::default();
        let module_type = |ws: &Workspace| {
            let name = crate::classes::module_type("lib.util");
            ws.facts
                .classes
                .iter()
                .find(|c| c.def.name == name)
                .map(|c| {
                    let f = |f: &crescent_api::Function| format!("{}:{}", f.name, f.returns[0].ty);
                    let mut all: Vec<String> = c.def.statics.iter().map(f).collect();
                    all.extend(c.def.methods.iter().map(|m| format!("method {}", f(m))));
                    all
                })
        };
        let text = "local M = {}\n---@return Enemy\nfunction M.spawn() end\nfunction M:at() return vec3(1, 2, 3) end\nfunction M.n() return 1 end\nreturn M\n";
        ws.update(util.clone(), summarize_text(text, &api));
        assert_eq!(
            module_type(&ws),
            Some(vec![
                "spawn:Enemy".to_string(),
                "method at:vec3".to_string()
            ])
        );
        // An edit that leaves the returns alone shares the classes; one that changes them
        // makes new ones (which the server turns into a new API for every open file).
        let before = ws.facts.clone();
        ws.update(
            util.clone(),
            summarize_text(&text.replace("M.n()", "M.count()"), &api),
        );
        assert!(Arc::ptr_eq(&before.classes, &ws.facts.classes));
        ws.update(
            util.clone(),
            summarize_text(&text.replace("Enemy", "Entity"), &api),
        );
        assert_eq!(
            module_type(&ws),
            Some(vec![
                "spawn:Entity".to_string(),
                "method at:vec3".to_string()
            ])
        );
        ws.update(
            util.clone(),
            summarize_text("local M = {}\nreturn M\n", &api),
        );
        assert_eq!(module_type(&ws), None);
    }
}
