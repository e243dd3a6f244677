//! Lints of a project's `scene.json`: the mistakes that load fine but do not do what was meant
//! (a misspelt component, a property the script never reads, a script attached twice). Its
//! shape is the runtime's to check (`Scene::load`); these read the text with spans (`json.rs`)
//! so each finding points at the key or value it is about.

use crate::diagnostics::{Diagnostic, Severity};
use crate::fuzzy::suggest;
use crate::json::{self, Node};
use crate::WorkspaceFacts;
use crescent_api::Api;

/// `scene-unknown-component`: a component name that is not known but is close to one that is.
pub const UNKNOWN_COMPONENT: &str = "scene-unknown-component";
/// `scene-unknown-property`: a property override the script does not declare.
pub const UNKNOWN_PROPERTY: &str = "scene-unknown-property";
/// `scene-duplicate-script`: the same script attached twice to one entity.
pub const DUPLICATE_SCRIPT: &str = "scene-duplicate-script";

/// The component names the entities of a scene's text give (nothing for text that is not a
/// scene).
pub fn component_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let Some(root) = json::parse(text) else {
        return out;
    };
    let Some(entities) = root.get("entities") else {
        return out;
    };
    for entity in entities.items() {
        if let Some(components) = entity.get("components") {
            for (name, _, _) in components.members() {
                out.insert(name.clone());
            }
        }
    }
    out
}

/// The scene's findings, sorted by position. `properties(path)` gives the names a script
/// declares in its `properties` table (`None` when it has no literal one, or is unknown).
pub fn diagnostics<'p>(
    text: &str,
    api: &Api,
    facts: &WorkspaceFacts,
    properties: impl Fn(&str) -> Option<&'p [String]>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(root) = json::parse(text) else {
        return out;
    };
    let Some(entities) = root.get("entities") else {
        return out;
    };
    let known_names: Vec<&str> = api
        .components
        .iter()
        .map(|c| c.name.as_str())
        .chain(facts.script_components.iter().map(String::as_str))
        .collect();
    let warn = |node_span, code, message| Diagnostic {
        span: node_span,
        severity: Severity::Warning,
        code,
        message,
        unnecessary: false,
        fix: None,
    };
    for entity in entities.items() {
        if let Some(components) = entity.get("components") {
            for (name, span, _) in components.members() {
                if known_names.contains(&name.as_str()) {
                    continue;
                }
                // Any other name is a script component (plain data) unless it is one letter
                // or two away from a known name: then it is most likely a typo, which
                // silently makes a second component.
                if let Some(s) = suggest(name, known_names.iter().copied()) {
                    out.push(warn(
                        *span,
                        UNKNOWN_COMPONENT,
                        format!(
                            "unknown component `{name}` (it becomes a script component of its own); did you mean `{s}`?"
                        ),
                    ));
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for script in entity.get("scripts").map(Node::items).unwrap_or_default() {
            let (path_node, overrides) = match script.as_str() {
                Some(_) => (script, None),
                None => match script.get("path") {
                    Some(p) => (p, script.get("properties")),
                    None => continue,
                },
            };
            let Some(path) = path_node.as_str() else {
                continue;
            };
            let path = path.strip_prefix("./").unwrap_or(path);
            if seen.contains(&path) {
                out.push(warn(
                    path_node.span,
                    DUPLICATE_SCRIPT,
                    format!(
                        "{path} is attached to this entity twice: each copy is an instance of its own and runs every callback"
                    ),
                ));
            }
            seen.push(path);
            let (Some(overrides), Some(declared)) = (overrides, properties(path)) else {
                continue;
            };
            for (name, span, _) in overrides.members() {
                if declared.iter().any(|d| d == name) {
                    continue;
                }
                let mut message = format!("{path} declares no property `{name}`");
                match suggest(name, declared.iter().map(String::as_str)) {
                    Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
                    None if declared.is_empty() => {
                        message.push_str(" (its `properties` table is empty)")
                    }
                    None => message.push_str(&format!(" (it declares {})", declared.join(", "))),
                }
                out.push(warn(*span, UNKNOWN_PROPERTY, message));
            }
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn check(text: &str) -> Vec<String> {
        let api = crescent_api::builtin();
        let facts = WorkspaceFacts {
            script_components: Arc::new(["Health".to_string()].into()),
            indexed: true,
            ..WorkspaceFacts::default()
        };
        let declared = ["jump".to_string(), "speed".to_string()];
        diagnostics(text, &api, &facts, |p| {
            (p == "scripts/player.lua").then_some(&declared[..])
        })
        .into_iter()
        .map(|d| {
            format!(
                "{} {}: {}",
                &text[d.span.start..d.span.end],
                d.code,
                d.message
            )
        })
        .collect()
    }

    #[test]
    fn misspelt_components_unknown_properties_and_twice_attached_scripts() {
        let scene = r#"{"entities": [
  {"name": "hero", "components": {"Transfrom": {}, "Helth": 3, "Inventory": []},
   "scripts": [{"path": "scripts/player.lua", "properties": {"sped": 2, "jump": 1, "colour": "red"}},
               "scripts/hud.lua", "./scripts/hud.lua"]},
  {"components": {"Transform": {}, "Health": 1}, "scripts": ["scripts/player.lua"]}
]}"#;
        expect_test::expect![[r#"
            [
                "\"Transfrom\" scene-unknown-component: unknown component `Transfrom` (it becomes a script component of its own); did you mean `Transform`?",
                "\"Helth\" scene-unknown-component: unknown component `Helth` (it becomes a script component of its own); did you mean `Health`?",
                "\"sped\" scene-unknown-property: scripts/player.lua declares no property `sped`; did you mean `speed`?",
                "\"colour\" scene-unknown-property: scripts/player.lua declares no property `colour` (it declares jump, speed)",
                "\"./scripts/hud.lua\" scene-duplicate-script: scripts/hud.lua is attached to this entity twice: each copy is an instance of its own and runs every callback",
            ]
        "#]]
        .assert_debug_eq(&check(scene));
    }

    #[test]
    fn broken_or_odd_scenes_give_nothing() {
        for text in [
            "",
            "{",
            r#"{"entities": 3}"#,
            r#"{"entities": [1, {"scripts": [{}]}]}"#,
        ] {
            assert!(check(text).is_empty(), "{text}");
        }
    }
}
