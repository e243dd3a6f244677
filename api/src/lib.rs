//! The data model of Crescent's API registry, the built-in engine API, and its renderings;
//! and the dev channel's [`Event`]s: the contracts between the runtime and the tools.
//!
//! Everything a script can call is described here once: namespaces, functions, types with
//! methods and fields, components, lifecycle callbacks and what the sandbox removes. The runtime
//! binds Lua functions *through* this description (a binding with no description is refused),
//! and the language server, the LuaLS definition file and the Markdown reference are all
//! generated from the same [`Api`] value.
//!
//! The JSON form (`crescent api --format json`, `.crescent/api.json`, the dev channel's
//! `welcome`) is [`Api`] serialized with serde; its layout is versioned by [`SCHEMA_VERSION`] and
//! documented in `docs/api-schema.md`.
#![warn(missing_docs)]
// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod builtin;
pub mod dev;
mod event;
mod render;

pub use builtin::builtin;
pub use event::{Event, Frame};
pub use render::{to_luals, to_markdown};

use serde::{Deserialize, Serialize};

/// Version of the JSON layout of [`Api`]. Bumped on any change a reader must know about.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole scripting API: what a script can see, call and implement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Layout version of this description, [`SCHEMA_VERSION`] when written by this crate.
    pub schema: u32,
    /// Version of the runtime that produced the description.
    pub crescent: String,
    /// Global functions (`vec3`, `quat`, `print`, `require`, ...).
    pub globals: Vec<Function>,
    /// Global tables of functions and fields (`world`, `events`, `task`, ...).
    pub namespaces: Vec<Namespace>,
    /// Value and handle types (`Entity`, `vec3`, `quat`, ...), with their methods and fields.
    pub types: Vec<TypeDef>,
    /// Components with a known shape: built-in ones and those the host registers.
    pub components: Vec<Component>,
    /// Lifecycle functions a script may define at its top level.
    pub callbacks: Vec<Callback>,
    /// Globals a script declares at its top level for the engine to read (`properties`).
    pub script_fields: Vec<Field>,
    /// What the sandbox gives and takes away.
    pub sandbox: Sandbox,
}

/// A global table of functions and fields, such as `world` or `time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    /// Global name of the table.
    pub name: String,
    /// One line saying what the namespace is for.
    pub doc: String,
    /// Functions called as `name.function(...)`.
    #[serde(default)]
    pub functions: Vec<Function>,
    /// Fields read as `name.field`.
    #[serde(default)]
    pub fields: Vec<Field>,
}

/// A function or method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// Name, without the namespace or type.
    pub name: String,
    /// One line saying what it does.
    pub doc: String,
    /// Parameters in order. A last parameter named `...` takes any number of values.
    #[serde(default)]
    pub params: Vec<Param>,
    /// Returned values in order.
    #[serde(default)]
    pub returns: Vec<Return>,
}

/// A parameter of a [`Function`] or [`Callback`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Parameter name; `...` for a variadic tail.
    pub name: String,
    /// Type in LuaLS notation (`number`, `string?`, `Entity`, `table<string, any>`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// One line about the parameter; may be empty.
    #[serde(default)]
    pub doc: String,
    /// Whether the caller may leave it out.
    #[serde(default)]
    pub optional: bool,
    /// What the argument names, for tools that complete and check it; `value` (absent in
    /// JSON) for an ordinary argument.
    #[serde(default, skip_serializing_if = "ParamKind::is_value")]
    pub kind: ParamKind,
}

/// What an argument refers to, beyond its Lua type. Tools rely on it: a component-name
/// argument completes and checks component names, an asset path completes files under
/// `assets/`, and so on. The wording of a doc line never carries this meaning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// An ordinary value.
    #[default]
    Value,
    /// The name of a component (`"Transform"`).
    ComponentName,
    /// A table keyed by component names (`{ Transform = ..., Health = ... }`).
    ComponentTable,
    /// The new value of the component named by the preceding component-name argument.
    ComponentValue,
    /// A path relative to the project's `assets/` folder.
    AssetPath,
    /// A dotted module name under `scripts/` (`"lib.util"`).
    ModuleName,
}

impl ParamKind {
    /// Whether this is [`ParamKind::Value`] (left out of the JSON form).
    pub fn is_value(&self) -> bool {
        *self == ParamKind::Value
    }
}

/// A value returned by a [`Function`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Return {
    /// Type in LuaLS notation.
    #[serde(rename = "type")]
    pub ty: String,
    /// One line about the value; may be empty.
    #[serde(default)]
    pub doc: String,
}

/// A field of a namespace, type or component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Type in LuaLS notation.
    #[serde(rename = "type")]
    pub ty: String,
    /// One line about the field.
    #[serde(default)]
    pub doc: String,
    /// Whether scripts may only read it.
    #[serde(default)]
    pub readonly: bool,
}

/// A type scripts handle: an engine handle (`Entity`) or a value type (`vec3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// Type name as used in the `type` strings of parameters and fields.
    pub name: String,
    /// One line saying what values of the type are.
    pub doc: String,
    /// Fields of values of this type.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Methods, called as `value:method(...)`.
    #[serde(default)]
    pub methods: Vec<Function>,
    /// Lua operators the type supports, by metamethod name without `__` (`add`, `eq`, ...).
    #[serde(default)]
    pub operators: Vec<String>,
    /// Functions called on the type's own table with `.` (a script class's constructors,
    /// `Enemy.new(hp)`); engine types have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statics: Vec<Function>,
    /// Declared by a script's annotations (`---@class`), not by the engine: the analysis
    /// warns about its unknown members rather than calling them errors, since scripts can add
    /// fields in ways it does not follow.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub script: bool,
}

/// Where a component's shape comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Part of Crescent itself (`Transform`, `Name`).
    Builtin,
    /// Registered by the embedding program.
    Host,
}

/// A component with a known shape. Names not listed here are script components: plain Lua data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Component name, as passed to `entity:get(name)`.
    pub name: String,
    /// One line saying what it holds.
    pub doc: String,
    /// Lua type of the value `get` returns (`table` for a record with `fields`, `string`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// Fields of the record, when the value is a table.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Built into Crescent or registered by the host.
    pub origin: Origin,
}

/// A lifecycle function a script may define.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    /// Global function name in the script (`update`).
    pub name: String,
    /// When the engine calls it.
    pub doc: String,
    /// Parameters the engine passes, in order.
    pub params: Vec<Param>,
}

/// What the sandbox provides and removes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sandbox {
    /// Standard Lua globals available to scripts (functions and library tables).
    pub globals: Vec<String>,
    /// Members of standard libraries that are available (`os.clock`, ...), for libraries
    /// scripts only get part of.
    pub partial: Vec<String>,
    /// Standard names scripts never get, each with the reason.
    pub removed: Vec<Removed>,
}

/// A standard Lua name the sandbox removes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removed {
    /// Dotted name (`io`, `os.execute`, `string.dump`).
    pub name: String,
    /// Why scripts do not get it, and what to use instead when there is something.
    pub reason: String,
}

impl Api {
    /// An empty description, to be filled by a host or merged into another.
    pub fn empty() -> Api {
        Api {
            schema: SCHEMA_VERSION,
            crescent: String::new(),
            globals: Vec::new(),
            namespaces: Vec::new(),
            types: Vec::new(),
            components: Vec::new(),
            callbacks: Vec::new(),
            script_fields: Vec::new(),
            sandbox: Sandbox {
                globals: Vec::new(),
                partial: Vec::new(),
                removed: Vec::new(),
            },
        }
    }

    /// Parses the JSON form, refusing a layout newer than this crate understands.
    ///
    /// # Errors
    /// Returns a message naming what is wrong when the text is not an API description or its
    /// `schema` is newer than [`SCHEMA_VERSION`].
    pub fn from_json(text: &str) -> Result<Api, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let schema = value.get("schema").and_then(|s| s.as_u64()).unwrap_or(0);
        if schema > u64::from(SCHEMA_VERSION) {
            return Err(format!(
                "API schema {schema} is newer than the supported {SCHEMA_VERSION}"
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("not an API description: {e}"))
    }

    /// The JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The namespace called `name`.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name == name)
    }

    /// The type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The component called `name`.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }

    /// The lifecycle callback called `name`.
    pub fn callback(&self, name: &str) -> Option<&Callback> {
        self.callbacks.iter().find(|c| c.name == name)
    }

    /// The global function called `name`.
    pub fn global(&self, name: &str) -> Option<&Function> {
        self.globals.iter().find(|f| f.name == name)
    }

    /// The removal record for a dotted standard name, if the sandbox removes it.
    pub fn removed(&self, dotted: &str) -> Option<&Removed> {
        self.sandbox.removed.iter().find(|r| r.name == dotted)
    }

    /// Adds everything in `other`; an item of the same name (and kind) replaces the old one.
    /// Used to layer host registrations and a workspace's `.crescent/api.json` over the
    /// built-in API.
    pub fn merge(&mut self, other: Api) {
        fn upsert<T>(into: &mut Vec<T>, items: Vec<T>, key: impl Fn(&T) -> &str) {
            for item in items {
                match into.iter().position(|x| key(x) == key(&item)) {
                    Some(i) => into[i] = item,
                    None => into.push(item),
                }
            }
        }
        for ns in other.namespaces {
            match self.namespaces.iter_mut().find(|n| n.name == ns.name) {
                Some(existing) => {
                    if !ns.doc.is_empty() {
                        existing.doc = ns.doc;
                    }
                    upsert(&mut existing.functions, ns.functions, |f| &f.name);
                    upsert(&mut existing.fields, ns.fields, |f| &f.name);
                }
                None => self.namespaces.push(ns),
            }
        }
        for ty in other.types {
            match self.types.iter_mut().find(|t| t.name == ty.name) {
                Some(existing) => {
                    if !ty.doc.is_empty() {
                        existing.doc = ty.doc;
                    }
                    upsert(&mut existing.methods, ty.methods, |f| &f.name);
                    upsert(&mut existing.fields, ty.fields, |f| &f.name);
                    for op in ty.operators {
                        if !existing.operators.contains(&op) {
                            existing.operators.push(op);
                        }
                    }
                }
                None => self.types.push(ty),
            }
        }
        upsert(&mut self.globals, other.globals, |f| &f.name);
        upsert(&mut self.components, other.components, |c| &c.name);
        upsert(&mut self.callbacks, other.callbacks, |c| &c.name);
        upsert(&mut self.script_fields, other.script_fields, |f| &f.name);
        upsert(&mut self.sandbox.removed, other.sandbox.removed, |r| {
            &r.name
        });
        for g in other.sandbox.globals {
            if !self.sandbox.globals.contains(&g) {
                self.sandbox.globals.push(g);
            }
        }
        for g in other.sandbox.partial {
            if !self.sandbox.partial.contains(&g) {
                self.sandbox.partial.push(g);
            }
        }
        if !other.crescent.is_empty() {
            self.crescent = other.crescent;
        }
    }
}

impl Function {
    /// The minimum and maximum number of arguments a call may pass (`None`: no maximum).
    pub fn arity(&self) -> (usize, Option<usize>) {
        let required = self
            .params
            .iter()
            .filter(|p| !p.optional && p.name != "...")
            .count();
        let variadic = self.params.iter().any(|p| p.name == "...");
        let max = if variadic {
            None
        } else {
            Some(self.params.len())
        };
        (required, max)
    }

    /// A one-line signature such as `spawn(components: table, scripts?: table) -> Entity`.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self.params.iter().map(Param::label).collect();
        let mut out = format!("{}({})", self.name, params.join(", "));
        if !self.returns.is_empty() {
            let rets: Vec<&str> = self.returns.iter().map(|r| r.ty.as_str()).collect();
            out.push_str(" -> ");
            out.push_str(&rets.join(", "));
        }
        out
    }
}

impl Param {
    /// `name: type`, with `?` after the name when optional.
    pub fn label(&self) -> String {
        if self.name == "..." {
            format!("...: {}", self.ty)
        } else if self.optional {
            format!("{}?: {}", self.name, self.ty.trim_end_matches('?'))
        } else {
            format!("{}: {}", self.name, self.ty)
        }
    }
}

impl Callback {
    /// A one-line signature such as `update(self, dt: number)`.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                if p.name == "self" {
                    "self".to_string()
                } else {
                    p.label()
                }
            })
            .collect();
        format!("{}({})", self.name, params.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_everything() {
        let api = builtin();
        let back = Api::from_json(&api.to_json()).expect("builtin API parses back");
        assert_eq!(api, back);
    }

    #[test]
    fn newer_schema_is_refused_with_a_reason() {
        let text = r#"{"schema": 999}"#;
        let err = Api::from_json(text).unwrap_err();
        assert!(err.contains("newer"), "{err}");
    }

    #[test]
    fn arity_counts_optional_and_variadic_params() {
        let api = builtin();
        let spawn = api
            .namespace("world")
            .and_then(|n| n.functions.iter().find(|f| f.name == "spawn"))
            .expect("world.spawn is described");
        assert_eq!(spawn.arity(), (1, Some(2)));
        let info = api
            .namespace("log")
            .and_then(|n| n.functions.iter().find(|f| f.name == "info"))
            .expect("log.info is described");
        assert_eq!(info.arity(), (0, None));
    }

    #[test]
    fn merge_replaces_same_names_and_adds_new_ones() {
        let mut api = builtin();
        let mut host = Api::empty();
        host.components.push(Component {
            name: "Health".into(),
            doc: "hit points".into(),
            ty: "table".into(),
            fields: vec![Field {
                name: "hp".into(),
                ty: "integer".into(),
                doc: String::new(),
                readonly: false,
            }],
            origin: Origin::Host,
        });
        host.namespaces.push(Namespace {
            name: "world".into(),
            doc: String::new(),
            functions: vec![Function {
                name: "raycast".into(),
                doc: "casts a ray".into(),
                params: vec![],
                returns: vec![],
            }],
            fields: vec![],
        });
        api.merge(host);
        assert!(api.component("Health").is_some());
        let world = api.namespace("world").expect("world");
        assert!(world.functions.iter().any(|f| f.name == "raycast"));
        assert!(world.functions.iter().any(|f| f.name == "spawn"));
        assert!(
            !world.doc.is_empty(),
            "an empty doc does not erase the old one"
        );
    }

    #[test]
    fn argument_kinds_are_explicit_and_round_trip() {
        let api = builtin();
        let entity = api.type_def("Entity").expect("Entity");
        let set = entity
            .methods
            .iter()
            .find(|m| m.name == "set")
            .expect("set");
        assert_eq!(set.params[0].kind, ParamKind::ComponentName);
        assert_eq!(set.params[1].kind, ParamKind::ComponentValue);
        let json = api.to_json();
        assert!(json.contains("\"kind\": \"asset_path\""));
        // Ordinary arguments carry no kind in JSON; descriptions without kinds still load.
        let text = r#"{"schema": 1, "crescent": "", "globals": [{"name": "f", "doc": "d",
            "params": [{"name": "x", "type": "number"}]}], "namespaces": [], "types": [],
            "components": [], "callbacks": [], "script_fields": [],
            "sandbox": {"globals": [], "partial": [], "removed": []}}"#;
        let old = Api::from_json(text).expect("loads");
        assert_eq!(old.globals[0].params[0].kind, ParamKind::Value);
    }

    #[test]
    fn every_item_has_a_doc_line() {
        let api = builtin();
        let mut missing = Vec::new();
        for f in &api.globals {
            if f.doc.is_empty() {
                missing.push(f.name.clone());
            }
        }
        for ns in &api.namespaces {
            for f in &ns.functions {
                if f.doc.is_empty() {
                    missing.push(format!("{}.{}", ns.name, f.name));
                }
            }
            for f in &ns.fields {
                if f.doc.is_empty() {
                    missing.push(format!("{}.{}", ns.name, f.name));
                }
            }
        }
        for t in &api.types {
            for m in &t.methods {
                if m.doc.is_empty() {
                    missing.push(format!("{}:{}", t.name, m.name));
                }
            }
        }
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }
}
