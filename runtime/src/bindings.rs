//! Binding through the API registry: the scripts' base environment is built by walking the
//! [`Api`] and copying each described name from the implementations; a described name with no
//! implementation is an error, and an implementation with no description is never copied.

use crate::api::Api;
use mlua::{Function, Lua, Table, Value};

/// Fills the prelude's `BASE` table (the shared read-only base of every script environment)
/// and the method tables of the described types.
pub(crate) fn build_base(lua: &Lua, s: &Table, imp: &Table, api: &Api) -> Result<(), String> {
    let err = |e: mlua::Error| e.to_string();
    let base: Table = s.get("BASE").map_err(err)?;
    let per_env: Table = s.get("per_env").map_err(err)?;
    let std: Table = imp.get("std").map_err(err)?;
    let globals: Table = imp.get("globals").map_err(err)?;
    let namespaces: Table = imp.get("namespaces").map_err(err)?;
    let types: Table = imp.get("types").map_err(err)?;
    let make_namespace: Function = s.get("make_namespace").map_err(err)?;

    for name in &api.sandbox.globals {
        if per_env.contains_key(name.as_str()).map_err(err)? {
            continue;
        }
        let v: Value = std.get(name.as_str()).map_err(err)?;
        if v.is_nil() {
            return Err(format!(
                "sandbox global `{name}` is described but not implemented"
            ));
        }
        base.raw_set(name.as_str(), v).map_err(err)?;
    }
    for f in &api.globals {
        if per_env.contains_key(f.name.as_str()).map_err(err)? || api.namespace(&f.name).is_some() {
            continue;
        }
        let v: Value = globals.get(f.name.as_str()).map_err(err)?;
        if v.is_nil() {
            return Err(format!(
                "global `{}` is described but not implemented",
                f.name
            ));
        }
        base.raw_set(f.name.as_str(), v).map_err(err)?;
    }
    for ns in &api.namespaces {
        let implemented: Option<Table> = namespaces.get(ns.name.as_str()).map_err(err)?;
        let Some(implemented) = implemented else {
            return Err(format!(
                "namespace `{}` is described but not implemented",
                ns.name
            ));
        };
        if !ns.fields.is_empty() && ns.functions.is_empty() {
            // A namespace of fields (`time`) is a read-only view made by the prelude.
            for field in &ns.fields {
                let v: Value = implemented.get(field.name.as_str()).map_err(err)?;
                if v.is_nil() {
                    return Err(format!(
                        "field `{}.{}` is described but not implemented",
                        ns.name, field.name
                    ));
                }
            }
            base.raw_set(ns.name.as_str(), implemented).map_err(err)?;
            continue;
        }
        let fns = lua.create_table().map_err(err)?;
        for f in &ns.functions {
            let v: Value = implemented.get(f.name.as_str()).map_err(err)?;
            if v.is_nil() {
                return Err(format!(
                    "function `{}.{}` is described but not implemented",
                    ns.name, f.name
                ));
            }
            fns.raw_set(f.name.as_str(), v).map_err(err)?;
        }
        let ctor: Value = if api.global(&ns.name).is_some() {
            let c: Value = globals.get(ns.name.as_str()).map_err(err)?;
            if c.is_nil() {
                return Err(format!(
                    "global `{}` is described but not implemented",
                    ns.name
                ));
            }
            c
        } else {
            Value::Nil
        };
        let t: Table = make_namespace
            .call((ns.name.as_str(), fns, ctor))
            .map_err(err)?;
        base.raw_set(ns.name.as_str(), t).map_err(err)?;
    }
    for ty in &api.types {
        if ty.methods.is_empty() {
            continue;
        }
        let t: Option<Table> = types.get(ty.name.as_str()).map_err(err)?;
        let Some(t) = t else {
            return Err(format!(
                "type `{}` is described but not implemented",
                ty.name
            ));
        };
        let target: Table = t.get("target").map_err(err)?;
        let implemented: Table = t.get("impl").map_err(err)?;
        for m in &ty.methods {
            let v: Value = implemented.get(m.name.as_str()).map_err(err)?;
            if v.is_nil() {
                return Err(format!(
                    "method `{}:{}` is described but not implemented",
                    ty.name, m.name
                ));
            }
            target.raw_set(m.name.as_str(), v).map_err(err)?;
        }
    }
    Ok(())
}
