//! What `base.name` and `base:name` are: the one answer the model's walk (which records it as
//! occurrences and unknown members) and the cursor's chain resolution (completion, signature
//! help, while the tree is broken) both read, so that the two never disagree about a member.
//!
//! A member is looked up in what the base's type is: an engine namespace's functions and
//! fields, a type's fields, methods and statics (engine types and the classes the workspace
//! declares), a component's fields, a module's exports with what they return (the module's
//! type the workspace adds to the API, `classes::module_type`). A member of a script's `self`
//! is a `self` field, typed by the file's assignments, which only the caller knows.

use crate::model::{export_returns, open_type, ty_from_api, Callee, Ty};
use crescent_api::Api;

/// What a member access names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    /// A value: a namespace's, type's or component's field, of this type when it is one the
    /// analysis follows.
    Field(Option<Ty>),
    /// A function called with `.`: a namespace's function or a type's static.
    Function(Callee),
    /// A method, called with `:` (read with `.`, it is the function value).
    Method(Callee),
    /// A field of a script's `self`: the caller looks up the file's assignments.
    SelfField,
    /// A field of a `require`d module; whether the module has it is for the workspace facts
    /// to say. `returns`: what calling it gives back, when its module says.
    Export {
        /// The type a call returns.
        returns: Option<Ty>,
    },
    /// The base's type lists its members, and this is not one of them.
    Unknown,
    /// Nothing is known: no base type, or one whose members are not listed.
    Unresolved,
}

/// `base.name`. `on_self`: the base is a script's `self` (whose fields scripts add).
pub fn field(api: &Api, base: Option<&Ty>, name: &str, on_self: bool) -> Member {
    match base {
        Some(Ty::Namespace(ns)) => {
            let Some(n) = api.namespace(ns) else {
                return Member::Unresolved;
            };
            if n.functions.iter().any(|f| f.name == name) {
                Member::Function(Callee::Namespace(ns.clone(), name.to_string()))
            } else if let Some(f) = n.fields.iter().find(|f| f.name == name) {
                Member::Field(ty_from_api(api, &f.ty))
            } else {
                Member::Unknown
            }
        }
        Some(Ty::Type(t)) => {
            let Some(d) = api.type_def(t) else {
                return Member::Unresolved;
            };
            if let Some(f) = d.fields.iter().find(|f| f.name == name) {
                Member::Field(ty_from_api(api, &f.ty))
            } else if d.methods.iter().any(|f| f.name == name) {
                Member::Method(Callee::Method(t.clone(), name.to_string()))
            } else if d.statics.iter().any(|f| f.name == name) {
                Member::Function(Callee::Static(t.clone(), name.to_string()))
            } else if on_self || open_type(api) == Some(t.as_str()) {
                Member::SelfField
            } else {
                Member::Unknown
            }
        }
        Some(Ty::Component(c)) => api
            .component(c)
            .and_then(|c| c.fields.iter().find(|f| f.name == name))
            .map_or(Member::Unresolved, |f| {
                Member::Field(ty_from_api(api, &f.ty))
            }),
        Some(Ty::Module(m)) => Member::Export {
            returns: export_returns(api, m, name, false),
        },
        None if on_self => Member::SelfField,
        None => Member::Unresolved,
    }
}

/// `base:name`: a method of the base's type, or a module's `:` export.
pub fn method(api: &Api, base: Option<&Ty>, name: &str) -> Member {
    match base {
        Some(Ty::Type(t)) => match api.type_def(t) {
            Some(d) if d.methods.iter().any(|f| f.name == name) => {
                Member::Method(Callee::Method(t.clone(), name.to_string()))
            }
            Some(_) => Member::Unknown,
            None => Member::Unresolved,
        },
        Some(Ty::Module(m)) => Member::Export {
            returns: export_returns(api, m, name, true),
        },
        _ => Member::Unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        let module = "---@class Enemy\nlocal Enemy = {}\n---@return Enemy\nfunction Enemy.new() end\nfunction Enemy:hurt(n) end\nreturn Enemy\n";
        let mut ws = crate::workspace::Workspace::default();
        let builtin = crescent_api::builtin();
        ws.update(
            "/game/scripts/lib/enemy.lua".into(),
            crate::summary::summarize_text(module, &builtin),
        );
        crate::classes::with_classes(&builtin, &ws.facts.classes)
    }

    fn ty(name: &str) -> Option<Ty> {
        Some(Ty::Type(name.into()))
    }

    #[test]
    fn namespace_members_are_functions_fields_or_unknown() {
        let api = api();
        let world = Some(Ty::Namespace("world".into()));
        assert_eq!(
            field(&api, world.as_ref(), "spawn", false),
            Member::Function(Callee::Namespace("world".into(), "spawn".into()))
        );
        assert_eq!(field(&api, world.as_ref(), "spwn", false), Member::Unknown);
        let nowhere = Some(Ty::Namespace("nowhere".into()));
        assert_eq!(
            field(&api, nowhere.as_ref(), "x", false),
            Member::Unresolved
        );
    }

    #[test]
    fn type_members_are_fields_methods_statics_self_fields_or_unknown() {
        let api = api();
        let v = ty("vec3");
        assert_eq!(field(&api, v.as_ref(), "x", false), Member::Field(None));
        assert_eq!(
            field(&api, v.as_ref(), "normalized", false),
            Member::Method(Callee::Method("vec3".into(), "normalized".into()))
        );
        assert_eq!(field(&api, v.as_ref(), "w", false), Member::Unknown);
        // A declared class's constructor and method.
        let enemy = ty("Enemy");
        assert_eq!(
            field(&api, enemy.as_ref(), "new", false),
            Member::Function(Callee::Static("Enemy".into(), "new".into()))
        );
        assert_eq!(
            method(&api, enemy.as_ref(), "hurt"),
            Member::Method(Callee::Method("Enemy".into(), "hurt".into()))
        );
        assert_eq!(method(&api, enemy.as_ref(), "heal"), Member::Unknown);
        // The type of a callback's `self` is open: any name is a `self` field.
        let open = open_type(&api).map(|t| Ty::Type(t.into()));
        assert_eq!(
            field(&api, open.as_ref(), "speed", false),
            Member::SelfField
        );
        assert_eq!(field(&api, None, "speed", true), Member::SelfField);
        assert_eq!(field(&api, None, "speed", false), Member::Unresolved);
    }

    #[test]
    fn component_fields_have_the_types_of_their_values() {
        let api = api();
        let t = Some(Ty::Component("Transform".into()));
        assert_eq!(
            field(&api, t.as_ref(), "position", false),
            Member::Field(ty("vec3"))
        );
        // A component's other names are for the unknown-component lints, not this one.
        assert_eq!(field(&api, t.as_ref(), "nope", false), Member::Unresolved);
    }

    #[test]
    fn module_exports_carry_what_their_calls_return() {
        let api = api();
        let m = Some(Ty::Module("lib.enemy".into()));
        assert_eq!(
            field(&api, m.as_ref(), "new", false),
            Member::Export {
                returns: ty("Enemy")
            }
        );
        assert_eq!(
            field(&api, m.as_ref(), "missing", false),
            Member::Export { returns: None }
        );
        assert_eq!(
            method(&api, m.as_ref(), "hurt"),
            Member::Export { returns: None }
        );
    }
}
