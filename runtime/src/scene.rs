//! `scene.json`: the entities a project starts with, validated with JSON-path error messages.
//!
//! The scene is read as a `serde_json::Value` and walked by hand rather than derived with
//! serde, so that every error names the JSON path of the bad value and what was expected
//! (`scene.json: $.entities[2].scripts[0].order: expected an integer, found "ten"`), which a
//! derived deserializer cannot do.

use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};

/// The parsed scene: entities in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Entities to spawn, in the order the file lists them (which is also id order).
    pub entities: Vec<EntityDef>,
}

/// One entity of the scene.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityDef {
    /// The entity's `Name` component, from the `name` key.
    pub name: Option<String>,
    /// Components by name, in file order, as JSON values.
    pub components: Vec<(String, Value)>,
    /// Scripts attached to the entity, in file order.
    pub scripts: Vec<ScriptRef>,
}

/// A script attached to an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptRef {
    /// Path relative to the project root, with `/` separators (`scripts/player.lua`).
    pub path: String,
    /// Sort key within a phase; lower runs first. Default 0.
    pub order: i64,
    /// Overrides of the script's declared `properties`.
    pub properties: Map<String, Value>,
}

/// Why a scene could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneError {
    /// The scene file.
    pub file: PathBuf,
    /// JSON path of the bad value (`$.entities[0].scripts[1]`), or `$` for the whole file.
    pub json_path: String,
    /// What was expected and what was found, or the parser's message.
    pub message: String,
    /// 1-based line in the file, when the JSON parser knows it.
    pub line: Option<usize>,
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {}: {}",
                self.file.display(),
                line,
                self.json_path,
                self.message
            ),
            None => write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.json_path,
                self.message
            ),
        }
    }
}

impl std::error::Error for SceneError {}

impl Scene {
    /// Reads and validates `root/scene.json`.
    ///
    /// # Errors
    /// A [`SceneError`] naming the file, the JSON path of the first bad value and what was
    /// expected. A scene that refers to a script file that does not exist is an error too.
    ///
    /// ```
    /// # let dir = crescent_runtime::doc_support::TempProject::new(&[
    /// #     ("scripts/a.lua", ""),
    /// #     ("scene.json", r#"{"entities": [{"name": "a", "scripts": ["scripts/a.lua"]}]}"#),
    /// # ])?;
    /// let scene = crescent_runtime::Scene::load(dir.path())?;
    /// assert_eq!(scene.entities[0].name.as_deref(), Some("a"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(root: &Path) -> Result<Scene, SceneError> {
        Scene::load_all(root).map_err(first)
    }

    /// Reads and validates `root/scene.json`, like [`Scene::load`], but finds every problem
    /// rather than stopping at the first (for `crescent check`).
    ///
    /// # Errors
    /// Every [`SceneError`], in file order (at least one).
    ///
    /// ```
    /// # let dir = crescent_runtime::doc_support::TempProject::new(&[
    /// #     ("scene.json", r#"{"entities": [{"scripts": ["scripts/gone.lua"]}, {"components": {"Transform": {"position": "up"}}}]}"#),
    /// # ])?;
    /// let errors = crescent_runtime::Scene::load_all(dir.path()).unwrap_err();
    /// assert_eq!(errors.len(), 2); // the missing script and the bad position
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_all(root: &Path) -> Result<Scene, Vec<SceneError>> {
        let file = root.join("scene.json");
        let text = std::fs::read_to_string(&file).map_err(|e| {
            vec![SceneError {
                file: file.clone(),
                json_path: "$".into(),
                message: format!("cannot read the scene: {e}"),
                line: None,
            }]
        })?;
        let (scene, mut errors) = Scene::parse_partial(&text, &file);
        if let Some(scene) = &scene {
            errors.extend(scene.missing_scripts(root, &file));
        }
        match scene {
            Some(scene) if errors.is_empty() => Ok(scene),
            _ => Err(errors),
        }
    }

    /// Parses and validates scene text; `file` is only used in error messages.
    ///
    /// # Errors
    /// A [`SceneError`] for invalid JSON or a value of the wrong shape (the first one).
    ///
    /// ```
    /// use crescent_runtime::Scene;
    /// let scene = Scene::parse(r#"{"entities": [{"name": "x"}]}"#, "scene.json".as_ref())?;
    /// assert_eq!(scene.entities.len(), 1);
    /// let e = Scene::parse(r#"{"entities": 3}"#, "scene.json".as_ref()).unwrap_err();
    /// assert_eq!(e.to_string(), "scene.json: $.entities: expected an array of entities, found 3");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str, file: &Path) -> Result<Scene, SceneError> {
        Scene::parse_all(text, file).map_err(first)
    }

    /// Parses and validates scene text, finding every problem.
    ///
    /// # Errors
    /// Every [`SceneError`], in file order (at least one).
    ///
    /// ```
    /// let text = r#"{"entities": [{"name": 1}, {"name": 2}]}"#;
    /// let errors = crescent_runtime::Scene::parse_all(text, "scene.json".as_ref()).unwrap_err();
    /// assert_eq!(errors.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_all(text: &str, file: &Path) -> Result<Scene, Vec<SceneError>> {
        match Scene::parse_partial(text, file) {
            (Some(scene), errors) if errors.is_empty() => Ok(scene),
            (_, errors) => Err(errors),
        }
    }

    /// The scene without the entities, components and scripts that have errors (None when its
    /// overall shape is wrong), and the errors.
    fn parse_partial(text: &str, file: &Path) -> (Option<Scene>, Vec<SceneError>) {
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let error = SceneError {
                    file: file.to_path_buf(),
                    json_path: "$".into(),
                    message: format!("invalid JSON: {e}"),
                    line: Some(e.line()),
                };
                return (None, vec![error]);
            }
        };
        let cx = Walker {
            file,
            errors: std::cell::RefCell::new(Vec::new()),
        };
        let scene = cx.scene(&value);
        let mut errors = cx.errors.into_inner();
        match scene {
            Ok(scene) => (Some(scene), errors),
            Err(e) => {
                errors.push(e);
                (None, errors)
            }
        }
    }

    /// Every distinct script path the scene refers to, in first-use order.
    ///
    /// ```
    /// let text = r#"{"entities": [{"scripts": ["scripts/a.lua", "scripts/b.lua"]}, {"scripts": ["scripts/a.lua"]}]}"#;
    /// let scene = crescent_runtime::Scene::parse(text, "scene.json".as_ref())?;
    /// assert_eq!(scene.script_paths(), ["scripts/a.lua", "scripts/b.lua"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn script_paths(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for entity in &self.entities {
            for script in &entity.scripts {
                if !out.contains(&script.path.as_str()) {
                    out.push(&script.path);
                }
            }
        }
        out
    }

    fn missing_scripts(&self, root: &Path, file: &Path) -> Vec<SceneError> {
        let mut out = Vec::new();
        for (i, entity) in self.entities.iter().enumerate() {
            for (j, script) in entity.scripts.iter().enumerate() {
                if !root.join(&script.path).is_file() {
                    out.push(SceneError {
                        file: file.to_path_buf(),
                        json_path: format!("$.entities[{i}].scripts[{j}]"),
                        message: format!("script file `{}` does not exist", script.path),
                        line: None,
                    });
                }
            }
        }
        out
    }
}

/// The first of a list of errors that is never empty.
fn first(mut errors: Vec<SceneError>) -> SceneError {
    if errors.is_empty() {
        errors.push(SceneError {
            file: PathBuf::new(),
            json_path: "$".into(),
            message: "invalid scene".into(),
            line: None,
        });
    }
    errors.swap_remove(0)
}

/// Walks the scene's JSON. A bad entity, component or script is recorded in `errors` and
/// skipped, so one pass finds every problem; an error returned stops the walk (the file's
/// overall shape is wrong).
struct Walker<'a> {
    file: &'a Path,
    errors: std::cell::RefCell<Vec<SceneError>>,
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("{short:?}")
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl Walker<'_> {
    fn error(&self, path: &str, message: String) -> SceneError {
        SceneError {
            file: self.file.to_path_buf(),
            json_path: path.into(),
            message,
            line: None,
        }
    }

    fn expected(&self, path: &str, what: &str, found: &Value) -> SceneError {
        self.error(path, format!("expected {what}, found {}", describe(found)))
    }

    fn object<'v>(
        &self,
        path: &str,
        value: &'v Value,
    ) -> Result<&'v Map<String, Value>, SceneError> {
        value
            .as_object()
            .ok_or_else(|| self.expected(path, "an object", value))
    }

    fn reject_unknown_keys(
        &self,
        path: &str,
        object: &Map<String, Value>,
        known: &[&str],
    ) -> Result<(), SceneError> {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                return Err(self.error(
                    &format!("{path}.{key}"),
                    format!("unknown key `{key}`; expected one of {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn record(&self, e: SceneError) {
        self.errors.borrow_mut().push(e);
    }

    fn scene(&self, value: &Value) -> Result<Scene, SceneError> {
        let root = self.object("$", value)?;
        self.reject_unknown_keys("$", root, &["entities"])?;
        let entities = match root.get("entities") {
            None => {
                return Err(self.error(
                    "$.entities",
                    "missing; expected an array of entities".into(),
                ))
            }
            Some(Value::Array(items)) => items,
            Some(other) => return Err(self.expected("$.entities", "an array of entities", other)),
        };
        let mut out = Vec::with_capacity(entities.len());
        let mut names: Vec<(String, usize)> = Vec::new();
        for (i, entity) in entities.iter().enumerate() {
            let path = format!("$.entities[{i}]");
            let def = match self.entity(&path, entity) {
                Ok(def) => def,
                Err(e) => {
                    self.record(e);
                    continue;
                }
            };
            if let Some(name) = &def.name {
                if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                    self.record(self.error(
                        &format!("{path}.name"),
                        format!("name `{name}` is already used by $.entities[{first}]; names are unique"),
                    ));
                    continue;
                }
                names.push((name.clone(), i));
            }
            out.push(def);
        }
        Ok(Scene { entities: out })
    }

    fn entity(&self, path: &str, value: &Value) -> Result<EntityDef, SceneError> {
        let object = self.object(path, value)?;
        self.reject_unknown_keys(path, object, &["name", "components", "scripts"])?;
        let mut def = EntityDef::default();
        if let Some(name) = object.get("name") {
            let name_path = format!("{path}.name");
            match name {
                Value::String(s) if !s.is_empty() => def.name = Some(s.clone()),
                other => return Err(self.expected(&name_path, "a non-empty string", other)),
            }
        }
        if let Some(components) = object.get("components") {
            let cpath = format!("{path}.components");
            for (name, value) in self.object(&cpath, components)? {
                let vpath = format!("{cpath}.{name}");
                if let Err(e) = self.component(&vpath, name, value) {
                    self.record(e);
                    continue;
                }
                if name == "Name" {
                    match (value.as_str(), &def.name) {
                        (Some(n), None) => def.name = Some(n.to_string()),
                        (Some(n), Some(existing)) if n == existing => {}
                        (Some(_), Some(_)) => {
                            self.record(
                                self.error(&vpath, "disagrees with the entity's `name`".into()),
                            );
                        }
                        (None, _) => self.record(self.expected(&vpath, "a string", value)),
                    }
                    continue;
                }
                def.components.push((name.clone(), value.clone()));
            }
        }
        if let Some(scripts) = object.get("scripts") {
            let spath = format!("{path}.scripts");
            let items = scripts
                .as_array()
                .ok_or_else(|| self.expected(&spath, "an array of scripts", scripts))?;
            for (j, item) in items.iter().enumerate() {
                match self.script(&format!("{spath}[{j}]"), item) {
                    Ok(script) => def.scripts.push(script),
                    Err(e) => self.record(e),
                }
            }
        }
        Ok(def)
    }

    fn component(&self, path: &str, name: &str, value: &Value) -> Result<(), SceneError> {
        if name.is_empty() {
            return Err(self.error(path, "component names cannot be empty".into()));
        }
        if name != "Transform" {
            return Ok(());
        }
        let object = self.object(path, value)?;
        self.reject_unknown_keys(path, object, &["position", "rotation", "scale"])?;
        for (key, len) in [("position", 3), ("rotation", 4), ("scale", 3)] {
            if let Some(v) = object.get(key) {
                let fpath = format!("{path}.{key}");
                let what = format!("an array of {len} numbers");
                let items = v
                    .as_array()
                    .ok_or_else(|| self.expected(&fpath, &what, v))?;
                if items.len() != len {
                    return Err(self.error(
                        &fpath,
                        format!("expected {what}, found {} items", items.len()),
                    ));
                }
                for (k, n) in items.iter().enumerate() {
                    if !n.is_number() {
                        return Err(self.expected(&format!("{fpath}[{k}]"), "a number", n));
                    }
                }
            }
        }
        Ok(())
    }

    fn script(&self, path: &str, value: &Value) -> Result<ScriptRef, SceneError> {
        let (script_path, order, properties) = match value {
            Value::String(s) => (s.clone(), 0, Map::new()),
            Value::Object(object) => {
                self.reject_unknown_keys(path, object, &["path", "order", "properties"])?;
                let script_path = match object.get("path") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => {
                        return Err(self.expected(&format!("{path}.path"), "a string", other))
                    }
                    None => {
                        return Err(self.error(
                            &format!("{path}.path"),
                            "missing; expected the script's path".into(),
                        ))
                    }
                };
                let order = match object.get("order") {
                    None => 0,
                    Some(v) => v
                        .as_i64()
                        .ok_or_else(|| self.expected(&format!("{path}.order"), "an integer", v))?,
                };
                let properties = match object.get("properties") {
                    None => Map::new(),
                    Some(v) => self.object(&format!("{path}.properties"), v)?.clone(),
                };
                (script_path, order, properties)
            }
            other => {
                return Err(self.expected(
                    path,
                    "a script path or an object with `path`, `order` and `properties`",
                    other,
                ))
            }
        };
        let normalized = normalize_script_path(&script_path).map_err(|why| {
            self.error(path, format!("invalid script path `{script_path}`: {why}"))
        })?;
        Ok(ScriptRef {
            path: normalized,
            order,
            properties,
        })
    }
}

/// Checks that a script path stays inside the project's `scripts/` folder and names a `.lua`
/// file, and returns it with `/` separators and no `./` parts.
///
/// # Errors
/// Why the path is refused: absolute, leaving the project (`..`), outside `scripts/`, or not
/// a `.lua` file.
///
/// ```
/// use crescent_runtime::normalize_script_path;
/// assert_eq!(normalize_script_path("./scripts/player.lua").as_deref(), Ok("scripts/player.lua"));
/// assert!(normalize_script_path("../escape.lua").is_err());
/// assert!(normalize_script_path("scripts/notes.txt").is_err());
/// # Ok::<(), ()>(())
/// ```
pub fn normalize_script_path(path: &str) -> Result<String, &'static str> {
    let unified = path.replace('\\', "/");
    if unified.starts_with('/') || unified.contains(':') {
        return Err("absolute paths are not allowed; use a path relative to the project root");
    }
    let mut parts = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("`..` is not allowed"),
            other => parts.push(other),
        }
    }
    if parts.first() != Some(&"scripts") || parts.len() < 2 {
        return Err("scripts live under `scripts/`");
    }
    if !unified.ends_with(".lua") {
        return Err("a script is a `.lua` file");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scene, String> {
        Scene::parse(text, Path::new("scene.json")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_contract_example() {
        let scene = parse(
            r#"{"entities": [{"name": "player",
                "components": {"Transform": {"position": [0, 0, 0]}, "Health": {"hp": 10}},
                "scripts": ["scripts/player.lua",
                    {"path": "scripts/weapon.lua", "order": 10, "properties": {"damage": 3}}]}]}"#,
        )
        .expect("valid scene");
        let e = &scene.entities[0];
        assert_eq!(e.name.as_deref(), Some("player"));
        assert_eq!(e.components.len(), 2);
        assert_eq!(e.scripts[1].order, 10);
        assert_eq!(e.scripts[1].properties["damage"], 3);
        assert_eq!(
            scene.script_paths(),
            vec!["scripts/player.lua", "scripts/weapon.lua"]
        );
    }

    #[test]
    fn errors_name_the_json_path_and_the_expectation() {
        let cases = [
            (r#"{"entities": {}}"#, "scene.json: $.entities: expected an array of entities, found an object"),
            (r#"{"entities": [{"scripts": [{"path": "scripts/a.lua", "order": "ten"}]}]}"#,
             "scene.json: $.entities[0].scripts[0].order: expected an integer, found \"ten\""),
            (r#"{"entities": [{"components": {"Transform": {"position": [1, 2]}}}]}"#,
             "scene.json: $.entities[0].components.Transform.position: expected an array of 3 numbers, found 2 items"),
            (r#"{"entities": [{"scripts": ["../secret.lua"]}]}"#,
             "scene.json: $.entities[0].scripts[0]: invalid script path `../secret.lua`: `..` is not allowed"),
            (r#"{"entities": [{"name": "a"}, {"name": "a"}]}"#,
             "scene.json: $.entities[1].name: name `a` is already used by $.entities[0]; names are unique"),
            (r#"{"entities": [{"nmae": "a"}]}"#,
             "scene.json: $.entities[0].nmae: unknown key `nmae`; expected one of name, components, scripts"),
            ("{\"entities\": [\n{]}", "scene.json:2: $: invalid JSON: key must be a string at line 2 column 2"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).unwrap_err(), expected, "for {text}");
        }
    }

    #[test]
    fn every_problem_is_found_in_one_pass() {
        let text = r#"{"entities": [
            {"components": {"Transform": {"position": [1, 2]}}, "scripts": ["../x.lua", "scripts/ok.lua"]},
            {"nmae": "a"},
            {"name": "b"}, {"name": "b", "scripts": [{"path": "scripts/a.lua", "order": "ten"}]}
        ]}"#;
        let errors: Vec<String> = Scene::parse_all(text, Path::new("scene.json"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        expect_test::expect![[r#"
            [
                "scene.json: $.entities[0].components.Transform.position: expected an array of 3 numbers, found 2 items",
                "scene.json: $.entities[0].scripts[0]: invalid script path `../x.lua`: `..` is not allowed",
                "scene.json: $.entities[1].nmae: unknown key `nmae`; expected one of name, components, scripts",
                "scene.json: $.entities[3].scripts[0].order: expected an integer, found \"ten\"",
                "scene.json: $.entities[3].name: name `b` is already used by $.entities[2]; names are unique",
            ]
        "#]]
        .assert_debug_eq(&errors);
    }

    #[test]
    fn script_paths_must_stay_in_scripts() {
        assert_eq!(
            normalize_script_path("./scripts//a.lua").as_deref(),
            Ok("scripts/a.lua")
        );
        assert!(normalize_script_path("/etc/passwd.lua").is_err());
        assert!(normalize_script_path("assets/a.lua").is_err());
        assert!(normalize_script_path("scripts/a.txt").is_err());
        assert!(normalize_script_path("C:/x/scripts/a.lua").is_err());
    }
}
