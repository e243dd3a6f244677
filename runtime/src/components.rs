//! Components kept in the hecs world (Transform, Name, host components) and the host
//! [`Registry`] through which an embedding program adds components and functions.

use crate::api::{self, Api};
use glam::{DQuat, DVec3};
use hecs::{Entity, World};
use mlua::{Lua, LuaSerdeExt, MultiValue, Value};
use serde::{Deserialize, Serialize};

/// Where an entity is: position, rotation and scale (double precision, like Lua numbers).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transform {
    /// Position in world units.
    pub position: DVec3,
    /// Orientation.
    pub rotation: DQuat,
    /// Scale per axis.
    pub scale: DVec3,
}

impl Default for Transform {
    fn default() -> Self {
        Transform {
            position: DVec3::ZERO,
            rotation: DQuat::IDENTITY,
            scale: DVec3::ONE,
        }
    }
}

/// The entity's unique name, as found by `world.find`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(pub String);

/// The id scripts and reports see: assigned at spawn, increasing, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u64);

type GetFn = Box<dyn Fn(&World, Entity, &Lua) -> mlua::Result<Value>>;
type SetFn = Box<dyn Fn(&mut World, Entity, &Lua, Value) -> Result<(), String>>;
type JsonInFn = Box<dyn Fn(&mut World, Entity, &serde_json::Value) -> Result<(), String>>;
type JsonOutFn = Box<dyn Fn(&World, Entity) -> Option<serde_json::Value>>;
type HasFn = Box<dyn Fn(&World, Entity) -> bool>;
type RemoveFn = Box<dyn Fn(&mut World, Entity)>;

/// Type-erased operations on one component type stored in hecs.
pub(crate) struct ComponentOps {
    pub get: GetFn,
    pub set: SetFn,
    pub from_json: JsonInFn,
    pub to_json: JsonOutFn,
    pub has: HasFn,
    pub remove: RemoveFn,
}

pub(crate) fn lua_ser_options() -> mlua::serde::SerializeOptions {
    mlua::serde::SerializeOptions::new()
        .serialize_none_to_null(false)
        .serialize_unit_to_null(false)
        .set_array_metatable(false)
}

impl ComponentOps {
    pub(crate) fn of<T>(name: &str) -> ComponentOps
    where
        T: Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        let n1 = name.to_string();
        let n2 = name.to_string();
        ComponentOps {
            get: Box::new(|world, e, lua| match world.get::<&T>(e) {
                Ok(v) => lua.to_value_with(&*v, lua_ser_options()),
                Err(_) => Ok(Value::Nil),
            }),
            set: Box::new(move |world, e, lua, value| {
                let v: T = lua.from_value(value).map_err(|err| {
                    format!("set: invalid {n1}: {}", clean_serde(&err.to_string()))
                })?;
                world
                    .insert_one(e, v)
                    .map_err(|_| "set: the entity was despawned".to_string())
            }),
            from_json: Box::new(move |world, e, json| {
                let v: T = serde_json::from_value(json.clone())
                    .map_err(|err| format!("invalid {n2}: {err}"))?;
                world
                    .insert_one(e, v)
                    .map_err(|_| "the entity was despawned".to_string())
            }),
            to_json: Box::new(|world, e| {
                world
                    .get::<&T>(e)
                    .ok()
                    .and_then(|v| serde_json::to_value(&*v).ok())
            }),
            has: Box::new(|world, e| world.satisfies::<&T>(e)),
            remove: Box::new(|world, e| {
                let _ = world.remove_one::<T>(e);
            }),
        }
    }
}

/// The Lua type a field's default value stands for, in the API's notation.
fn lua_type_of(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Bool(_) => "boolean".into(),
        J::Number(n) if n.is_f64() => "number".into(),
        J::Number(_) => "integer".into(),
        J::String(_) => "string".into(),
        J::Array(items) => match items.first() {
            Some(first) if items.iter().all(|i| lua_type_of(i) == lua_type_of(first)) => {
                format!("{}[]", lua_type_of(first))
            }
            _ => "any[]".into(),
        },
        J::Object(_) => "table".into(),
        J::Null => "any".into(),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "a table",
    }
}

fn clean_serde(msg: &str) -> String {
    msg.trim_start_matches("deserialize error: ").to_string()
}

/// A host function as registered.
pub(crate) type HostFn = Box<dyn Fn(&Lua, MultiValue) -> mlua::Result<MultiValue>>;

/// What the embedding program adds to the scripting API: components (anything serde can map)
/// and functions. Everything registered is described in the runtime's [`Api`] too.
///
/// # Example
/// ```
/// use crescent_runtime::{api, Registry};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Health { hp: i64 }
/// let mut registry = Registry::new();
/// registry.component::<Health>("Health", "hit points", vec![]);
/// ```
pub struct Registry {
    pub(crate) api: Api,
    pub(crate) components: Vec<(String, ComponentOps)>,
    pub(crate) functions: Vec<(String, String, HostFn)>,
    /// Registrations that contradict themselves, refused by `Runtime::new`.
    pub(crate) errors: Vec<String>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry {
            api: Api::empty(),
            components: Vec::new(),
            functions: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Registers a Rust component type under `name`; scripts read and write it as Lua data
    /// mapped by serde, and the scene may give it as JSON.
    pub fn component<T>(&mut self, name: &str, doc: &str, fields: Vec<api::Field>) -> &mut Self
    where
        T: Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        self.api.components.push(api::Component {
            name: name.into(),
            doc: doc.into(),
            ty: "table".into(),
            fields,
            origin: api::Origin::Host,
        });
        self.components
            .push((name.to_string(), ComponentOps::of::<T>(name)));
        self
    }

    /// Registers a Rust component type as [`component`](Self::component) does, with its
    /// fields and their types taken from `T::default()` through serde, so the description
    /// cannot disagree with the struct: `field_docs` gives one line per field, and a field
    /// without a line or a line for no field is refused by [`crate::Runtime::new`].
    ///
    /// ```
    /// use crescent_runtime::Registry;
    /// #[derive(Default, serde::Serialize, serde::Deserialize)]
    /// struct Health { hp: i64, max: i64 }
    /// let mut registry = Registry::new();
    /// registry.component_with::<Health>("Health", "Hit points", &[
    ///     ("hp", "Current hit points"),
    ///     ("max", "Hit points when fully healed"),
    /// ]);
    /// ```
    pub fn component_with<T>(
        &mut self,
        name: &str,
        doc: &str,
        field_docs: &[(&str, &str)],
    ) -> &mut Self
    where
        T: Default + Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        let fields = match serde_json::to_value(T::default()) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(other) => {
                self.errors.push(format!(
                    "component {name}: its type serializes as {}, not as a table of fields",
                    json_kind(&other)
                ));
                serde_json::Map::new()
            }
            Err(e) => {
                self.errors.push(format!(
                    "component {name}: its default does not serialize: {e}"
                ));
                serde_json::Map::new()
            }
        };
        for (field, _) in field_docs {
            if !fields.contains_key(*field) {
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                self.errors.push(format!(
                    "component {name}: a doc is given for `{field}`, which is not a field (fields: {})",
                    known.join(", ")
                ));
            }
        }
        let described = fields
            .iter()
            .map(|(field, value)| {
                let doc = field_docs.iter().find(|(f, _)| f == field);
                if doc.is_none() {
                    self.errors
                        .push(format!("component {name}: field `{field}` has no doc"));
                }
                api::Field {
                    name: field.clone(),
                    ty: lua_type_of(value),
                    doc: doc.map(|(_, d)| d.to_string()).unwrap_or_default(),
                    readonly: false,
                }
            })
            .collect();
        self.component::<T>(name, doc, described)
    }

    /// Adds descriptions to the API without bindings: documentation of script components and
    /// script fields, for instance. A function, method or namespace described here must still be
    /// bound (by [`Registry::function`]); [`crate::Runtime::new`] refuses a described function
    /// that nothing implements.
    ///
    /// ```
    /// use crescent_runtime::{api, Registry};
    /// let mut doc = api::Api::empty();
    /// doc.components.push(api::Component {
    ///     name: "Inventory".into(),
    ///     doc: "What a script carries (a script component)".into(),
    ///     ty: "table".into(),
    ///     fields: vec![],
    ///     origin: api::Origin::Host,
    /// });
    /// let mut registry = Registry::new();
    /// registry.describe(doc);
    /// # Ok::<(), ()>(())
    /// ```
    pub fn describe(&mut self, api: Api) -> &mut Self {
        self.api.merge(api);
        self
    }

    /// Registers a function callable from scripts as `namespace.name(...)` (or as a global
    /// when `namespace` is empty); `description` documents it in the API.
    ///
    /// ```
    /// use crescent_runtime::{api, mlua, Registry};
    /// let mut registry = Registry::new();
    /// registry.function(
    ///     "game",
    ///     api::Function { name: "ping".into(), doc: "Answers pong".into(), params: vec![], returns: vec![] },
    ///     |lua, _args: mlua::MultiValue| Ok(mlua::MultiValue::from_vec(vec![mlua::Value::String(lua.create_string("pong")?)])),
    /// );
    /// # Ok::<(), ()>(())
    /// ```
    pub fn function<F>(&mut self, namespace: &str, description: api::Function, f: F) -> &mut Self
    where
        F: Fn(&Lua, MultiValue) -> mlua::Result<MultiValue> + 'static,
    {
        let name = description.name.clone();
        if namespace.is_empty() {
            self.api.globals.push(description);
        } else {
            match self.api.namespaces.iter_mut().find(|n| n.name == namespace) {
                Some(ns) => ns.functions.push(description),
                None => self.api.namespaces.push(api::Namespace {
                    name: namespace.into(),
                    doc: String::new(),
                    functions: vec![description],
                    fields: vec![],
                }),
            }
        }
        self.functions
            .push((namespace.to_string(), name, Box::new(f)));
        self
    }
}
