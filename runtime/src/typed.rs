//! Typed host functions: a Rust closure with typed parameters and result, and its API
//! description made from the same types, so the two cannot disagree ([`Registry::typed`]).
//!
//! The Lua type of each parameter and result comes from [`LuaType`] (`f64` is `number`,
//! `Option<T>` an optional `T`, ...); the embedding program gives only names and docs. Each
//! argument is converted on its own, so a wrong one is reported with the function, the
//! parameter and what was expected: `game.rumble: argument 1 (strength) must be number, got
//! string`.

use crate::components::Registry;
use crescent_api as api;
use mlua::{FromLua, IntoLua, IntoLuaMulti, Lua, MultiValue, Value};

/// A Rust type as scripts see it, in the API's (LuaLS) notation.
pub trait LuaType {
    /// `number`, `string`, `Entity`, ...
    fn lua_type() -> String;
    /// Whether a script may leave the argument out (`nil`).
    fn optional() -> bool {
        false
    }
}

macro_rules! lua_type {
    ($($t:ty => $name:expr),* $(,)?) => {
        $(impl LuaType for $t {
            fn lua_type() -> String {
                $name.into()
            }
        })*
    };
}

lua_type! {
    f64 => "number", f32 => "number",
    i64 => "integer", i32 => "integer", i16 => "integer", u32 => "integer", u16 => "integer",
    u8 => "integer", usize => "integer", u64 => "integer",
    bool => "boolean", String => "string",
    mlua::Table => "table", mlua::Function => "function", Value => "any",
}

impl<T: LuaType> LuaType for Option<T> {
    fn lua_type() -> String {
        format!("{}?", T::lua_type())
    }
    fn optional() -> bool {
        true
    }
}

impl<T: LuaType> LuaType for Vec<T> {
    fn lua_type() -> String {
        format!("{}[]", T::lua_type())
    }
}

/// The parameters of a typed host function: a tuple of [`LuaType`]s.
pub trait Args: Sized {
    /// The parameters' types and whether each may be left out.
    fn types() -> Vec<(String, bool)>;
    /// Converts the arguments one by one; `what(i)` names parameter `i` in an error.
    fn convert(lua: &Lua, args: MultiValue, what: &dyn Fn(usize) -> String) -> mlua::Result<Self>;
}

/// The results of a typed host function: `()`, one [`LuaType`], or a tuple of them.
pub trait Results {
    /// The results' types.
    fn types() -> Vec<String>;
    /// The values handed back to Lua.
    fn into_values(self, lua: &Lua) -> mlua::Result<MultiValue>;
}

fn arg<T: FromLua + LuaType>(
    lua: &Lua,
    v: Option<Value>,
    i: usize,
    what: &dyn Fn(usize) -> String,
) -> mlua::Result<T> {
    let v = v.unwrap_or(Value::Nil);
    let got = v.type_name();
    T::from_lua(v, lua).map_err(|_| {
        mlua::Error::runtime(format!("{} must be {}, got {got}", what(i), T::lua_type()))
    })
}

macro_rules! tuples {
    ($($n:literal => ($($t:ident $i:tt),*)),* $(,)?) => {$(
        impl<$($t: FromLua + LuaType),*> Args for ($($t,)*) {
            fn types() -> Vec<(String, bool)> {
                vec![$(($t::lua_type(), $t::optional())),*]
            }
            #[allow(unused_variables, unused_mut)]
            fn convert(lua: &Lua, args: MultiValue, what: &dyn Fn(usize) -> String) -> mlua::Result<Self> {
                if args.len() > $n {
                    return Err(mlua::Error::runtime(format!(
                        "{}takes {} argument{}, got {}",
                        what(usize::MAX),
                        $n,
                        if $n == 1 { "" } else { "s" },
                        args.len()
                    )));
                }
                let mut it = args.into_iter();
                Ok(($(arg::<$t>(lua, it.next(), $i, what)?,)*))
            }
        }
    )*};
}

tuples! {
    0 => (),
    1 => (A 0),
    2 => (A 0, B 1),
    3 => (A 0, B 1, C 2),
    4 => (A 0, B 1, C 2, D 3),
    5 => (A 0, B 1, C 2, D 3, E 4),
}

impl Results for () {
    fn types() -> Vec<String> {
        Vec::new()
    }
    fn into_values(self, _lua: &Lua) -> mlua::Result<MultiValue> {
        Ok(MultiValue::new())
    }
}

macro_rules! results {
    ($($t:ty),*) => {$(
        impl Results for $t {
            fn types() -> Vec<String> {
                vec![<$t as LuaType>::lua_type()]
            }
            fn into_values(self, lua: &Lua) -> mlua::Result<MultiValue> {
                self.into_lua_multi(lua)
            }
        }
    )*};
}

results!(
    f64,
    f32,
    i64,
    i32,
    u32,
    usize,
    u64,
    bool,
    String,
    mlua::Table,
    Value
);

impl<T: LuaType + IntoLua> Results for Option<T> {
    fn types() -> Vec<String> {
        vec![<Option<T> as LuaType>::lua_type()]
    }
    fn into_values(self, lua: &Lua) -> mlua::Result<MultiValue> {
        self.into_lua_multi(lua)
    }
}

impl<A: LuaType + IntoLua, B: LuaType + IntoLua> Results for (A, B) {
    fn types() -> Vec<String> {
        vec![A::lua_type(), B::lua_type()]
    }
    fn into_values(self, lua: &Lua) -> mlua::Result<MultiValue> {
        self.into_lua_multi(lua)
    }
}

impl Registry {
    /// Registers a function callable from scripts as `namespace.name(...)` (a global when
    /// `namespace` is empty), typed by its closure: the parameter and result types of the API
    /// description come from `A` and `R`, `params` gives each parameter's name and doc, in
    /// order. Arguments are checked one by one; a wrong one raises an error that names the
    /// function and the parameter at the script's line.
    ///
    /// A `params` list whose length is not the closure's arity is refused by
    /// [`crate::Runtime::new`] (the description would disagree with the function).
    ///
    /// # Example
    /// ```
    /// use crescent_runtime::Registry;
    /// let mut registry = Registry::new();
    /// registry.typed(
    ///     "game",
    ///     "rumble",
    ///     "Shakes the controller; returns how many rumbles there were so far",
    ///     &[("strength", "0 to 1"), ("seconds", "how long (default 0.2)")],
    ///     |_lua, (strength, seconds): (f64, Option<f64>)| Ok((strength * seconds.unwrap_or(0.2)) as i64),
    /// );
    /// ```
    pub fn typed<A, R, F>(
        &mut self,
        namespace: &str,
        name: &str,
        doc: &str,
        params: &[(&str, &str)],
        f: F,
    ) -> &mut Self
    where
        A: Args + 'static,
        R: Results + 'static,
        F: Fn(&Lua, A) -> mlua::Result<R> + 'static,
    {
        let types = A::types();
        let path = if namespace.is_empty() {
            name.to_string()
        } else {
            format!("{namespace}.{name}")
        };
        if params.len() != types.len() {
            self.errors.push(format!(
                "host function {path}: {} parameter name{} for {} parameter{}",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                types.len(),
                if types.len() == 1 { "" } else { "s" },
            ));
        }
        let description = api::Function {
            name: name.into(),
            doc: doc.into(),
            params: types
                .iter()
                .enumerate()
                .map(|(i, (ty, optional))| {
                    let (pname, pdoc) = params.get(i).copied().unwrap_or(("arg", ""));
                    api::Param {
                        name: pname.into(),
                        ty: ty.trim_end_matches('?').into(),
                        doc: pdoc.into(),
                        optional: *optional,
                        kind: api::ParamKind::Value,
                    }
                })
                .collect(),
            returns: R::types()
                .into_iter()
                .map(|ty| api::Return {
                    ty,
                    doc: String::new(),
                })
                .collect(),
        };
        let names: Vec<String> = params.iter().map(|(n, _)| n.to_string()).collect();
        self.function(namespace, description, move |lua, args| {
            let what = |i: usize| {
                if i == usize::MAX {
                    format!("{path}: ")
                } else {
                    let pname = names.get(i).map(String::as_str).unwrap_or("arg");
                    format!("{path}: argument {} ({pname})", i + 1)
                }
            };
            let a = A::convert(lua, args, &what)?;
            f(lua, a)?.into_values(lua)
        })
    }
}
