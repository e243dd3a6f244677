//! Hover: the signature and docs of engine API items, and what a local is bound to.

use super::completion::{export_doc, function_doc};
use super::model::{Target, Ty};
use super::summary::ExportKind;
use super::{FileAnalysis, Span, WorkspaceFacts};
use crescent_api::Api;

/// Markdown to show for the name under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    /// Markdown.
    pub markdown: String,
}

fn code(s: &str) -> String {
    format!("```lua\n{s}\n```")
}

/// The hover at byte `offset`.
pub fn hover(
    offset: usize,
    file: &FileAnalysis,
    api: &Api,
    facts: &WorkspaceFacts,
) -> Option<Hover> {
    let place = file.at(offset);
    let model: &crate::Model = &place;
    let occ = model.occurrence_at(offset)?;
    let markdown = match &occ.target {
        Target::Local(i) => {
            let l = model.locals.get(*i)?;
            let what = match l.kind {
                super::model::LocalKind::Param => "parameter",
                super::model::LocalKind::ForVar => "loop variable",
                super::model::LocalKind::Function => "local function",
                super::model::LocalKind::Local => "local",
            };
            let name = match &l.attrib {
                Some(attrib) => format!("{} <{attrib}>", l.name),
                None => l.name.clone(),
            };
            let mut s = match (&l.kind, &l.init) {
                (super::model::LocalKind::Function, Some(init)) => code(&format!(
                    "local {}",
                    init.replacen("function", &format!("function {name}"), 1)
                )),
                (_, Some(init)) => code(&format!("local {name} = {init}")),
                _ => code(&format!("({what}) {name}")),
            };
            if let Some(t) = &l.ty {
                s.push_str(&format!("\n\n{}", describe_ty(t, api)));
            }
            s
        }
        Target::Global(name) => global_doc(name, model, api)?,
        Target::Member {
            base: Ty::Module(m),
            name,
        } => export_hover(m, name, facts)?,
        Target::Member { base, name } => member_doc(base, name, api)?,
        Target::SelfField(name) => {
            let f = model.self_field(name);
            let mut s = code(&format!("self.{name}"));
            if let Some(t) = f.and_then(|f| f.ty.as_ref()) {
                s.push_str(&format!("\n\n{}", describe_ty(t, api)));
            }
            s.push_str("\n\nField of the script instance, kept across hot reloads");
            s
        }
        Target::Component(name) => match api.component(name) {
            Some(c) => {
                let mut s = code(&format!("component {}: {}", c.name, c.ty));
                s.push_str(&format!("\n\n{}", c.doc));
                for f in &c.fields {
                    s.push_str(&format!("\n- `{}: {}` {}", f.name, f.ty, f.doc));
                }
                s
            }
            None if facts.script_components.contains(name)
                || facts.scene_components.contains(name)
                || model.all_components().any(|c| c.defines && &c.name == name) =>
            {
                format!(
                    "{}\n\nScript component: plain Lua data set by a script",
                    code(&format!("component {name}"))
                )
            }
            None => return None,
        },
        Target::Module(name) => format!(
            "{}\n\n`scripts/{}.lua`",
            code(&format!("module \"{name}\"")),
            name.replace('.', "/")
        ),
    };
    Some(Hover {
        span: occ.span,
        markdown,
    })
}

/// The signature and doc comment of a module's export.
fn export_hover(module: &str, name: &str, facts: &WorkspaceFacts) -> Option<String> {
    let (_, e) = facts.export(module, name)?;
    let head = match e.kind {
        ExportKind::Function => format!("function {module}.{}", e.signature()),
        ExportKind::Method => format!("function {module}:{}", e.signature()),
        ExportKind::Value if e.value.is_empty() => format!("{module}.{}", e.name),
        ExportKind::Value => format!("{module}.{} = {}", e.name, e.value),
    };
    Some(format!("{}\n\n{}", code(&head), export_doc(module, e)))
}

fn describe_ty(t: &Ty, api: &Api) -> String {
    match t {
        Ty::Namespace(n) => format!("namespace `{n}`"),
        Ty::Type(t) => match api.type_def(t) {
            Some(d) => format!("`{t}`: {}", d.doc),
            None => format!("`{t}`"),
        },
        Ty::Component(c) => format!("copy of component `{c}`"),
        Ty::Module(m) => format!("module `{m}`"),
    }
}

fn global_doc(name: &str, model: &crate::Model, api: &Api) -> Option<String> {
    if let Some(f) = api.global(name) {
        return Some(format!("{}\n\n{}", code(&f.signature()), function_doc(f)));
    }
    if let Some(n) = api.namespace(name) {
        return Some(format!(
            "{}\n\n{}",
            code(&format!("namespace {name}")),
            n.doc
        ));
    }
    if let Some(r) = api.removed(name) {
        return Some(format!(
            "{}\n\nNot available to scripts: {}",
            code(name),
            r.reason
        ));
    }
    if let Some(cb) = api.callback(name) {
        return Some(format!(
            "{}\n\nLifecycle function: {}",
            code(&format!("function {}", cb.signature())),
            cb.doc
        ));
    }
    if let Some(f) = model.all_functions().find(|f| f.name == name) {
        return Some(code(&format!(
            "function {}({})",
            f.name,
            f.params.join(", ")
        )));
    }
    if api.sandbox.globals.iter().any(|g| g == name) {
        return Some(format!("{}\n\nLua standard library", code(name)));
    }
    Some(code(&format!("(global) {name}")))
}

fn member_doc(base: &Ty, name: &str, api: &Api) -> Option<String> {
    match base {
        Ty::Namespace(ns) => {
            let n = api.namespace(ns)?;
            if let Some(f) = n.functions.iter().find(|f| f.name == name) {
                return Some(format!(
                    "{}\n\n{}",
                    code(&format!("{ns}.{}", f.signature())),
                    function_doc(f)
                ));
            }
            let f = n.fields.iter().find(|f| f.name == name)?;
            Some(format!(
                "{}\n\n{}",
                code(&format!("{ns}.{}: {}", f.name, f.ty)),
                f.doc
            ))
        }
        Ty::Type(t) => {
            let d = api.type_def(t)?;
            if let Some(f) = d.methods.iter().find(|f| f.name == name) {
                return Some(format!(
                    "{}\n\n{}",
                    code(&format!("{t}:{}", f.signature())),
                    function_doc(f)
                ));
            }
            if let Some(f) = d.statics.iter().find(|f| f.name == name) {
                return Some(format!(
                    "{}\n\n{}",
                    code(&format!("{t}.{}", f.signature())),
                    function_doc(f)
                ));
            }
            let f = d.fields.iter().find(|f| f.name == name)?;
            Some(format!(
                "{}\n\n{}",
                code(&format!("{t}.{}: {}", f.name, f.ty)),
                f.doc
            ))
        }
        Ty::Component(c) => {
            let f = api.component(c)?.fields.iter().find(|f| f.name == name)?;
            Some(format!(
                "{}\n\n{}",
                code(&format!("{c}.{}: {}", f.name, f.ty)),
                f.doc
            ))
        }
        Ty::Module(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(fixture: &str, expect: Expect) {
        let c = super::super::Cursor::new(fixture);
        let h = hover(c.offset, &c.file, &c.api, &WorkspaceFacts::default());
        expect.assert_eq(&h.map(|h| h.markdown).unwrap_or_else(|| "(none)".into()));
    }

    #[test]
    fn hover_on_a_declared_class_member() {
        check(
            "---@class Enemy\n---@field hp integer hit points\nlocal Enemy = {}\n--- Takes damage.\n---@param n number\nfunction Enemy:hurt(n) end\n---@param e Enemy\nlocal function f(e) e:hu$0rt(e.hp) end\n",
            expect![[r#"
                ```lua
                Enemy:hurt(n: number)
                ```

                Takes damage."#]],
        );
        check(
            "---@class Enemy\n---@field hp integer hit points\nlocal Enemy = {}\n---@param e Enemy\nlocal function f(e) return e.h$0p end\n",
            expect![[r#"
                ```lua
                Enemy.hp: integer
                ```

                hit points"#]],
        );
    }

    #[test]
    fn hover_on_engine_function() {
        check(
            "world.sp$0awn({})",
            expect![[r#"
                ```lua
                world.spawn(components: table<string, any>, scripts?: (string|table)[]) -> Entity
                ```

                Creates an entity with the given components and scripts; its scripts' `init` runs before its first update

                - `components`: component name to value
                - `scripts`: script paths, or `{ path, order?, properties? }` tables"#]],
        );
    }

    #[test]
    fn hover_on_method_and_local() {
        check(
            "function update(self, dt)\n  local t = self.entity:g$0et(\"Transform\")\nend",
            expect![[r#"
                ```lua
                Entity:get(name: string) -> any
                ```

                Returns a copy of the named component, or nil when the entity does not have it

                - `name`: component name"#]],
        );
        check(
            "function update(self, dt)\n  local t = self.entity:get(\"Transform\")\n  print($0t)\nend",
            expect![[r#"
                ```lua
                local t = self.entity:get("Transform")
                ```

                copy of component `Transform`"#]],
        );
    }

    #[test]
    fn hover_on_a_local_shows_its_attribute() {
        check(
            "local LIMIT <const> = 10\nprint(LIM$0IT)",
            expect![[r#"
            ```lua
            local LIMIT <const> = 10
            ```"#]],
        );
        check(
            "local a, f <close> = 1, io_handle()\nprint(f$0)",
            expect![[r#"
            ```lua
            local f <close> = io_handle()
            ```"#]],
        );
    }

    #[test]
    fn hover_on_component_and_removed_global() {
        check("local t = e:get(\"Tra$0nsform\")", expect![[r#"(none)"#]]);
        check(
            "function init(self) self.entity:get(\"Tra$0nsform\") end",
            expect![[r#"
                ```lua
                component Transform: Transform
                ```

                Where the entity is: position, rotation and scale. `get` returns a Transform value (a copy) whose fields are views into it; `set` takes one or a table of the fields
                - `position: vec3` Position in world units
                - `rotation: quat` Orientation
                - `scale: vec3` Scale per axis"#]],
        );
        check(
            "i$0o.open()",
            expect![[r#"
                ```lua
                io
                ```

                Not available to scripts: scripts cannot touch files; use `assets.load_text` for files under assets/"#]],
        );
    }

    #[test]
    fn hover_on_a_modules_export() {
        let facts = crate::completion::tests::facts_with_module(crate::completion::tests::UTIL);
        let at = |fixture: &str| {
            let c = super::super::Cursor::new(fixture);
            hover(c.offset, &c.file, &c.api, &facts).map(|h| h.markdown)
        };
        expect![[r#"
            ```lua
            function lib.util.clamp(x, lo, hi)
            ```

            Clamps `x` into [lo, hi].

            From module `lib.util`"#]]
        .assert_eq(
            &at("local util = require(\"lib.util\")\nprint(util.cl$0amp(1, 0, 2))")
                .unwrap_or_default(),
        );
        expect![[r#"
            ```lua
            function lib.util:step(dt, ...)
            ```

            Moves the mover.

            From module `lib.util`"#]]
        .assert_eq(&at("local util = require(\"lib.util\")\nutil:st$0ep(1)").unwrap_or_default());
        expect![[r#"
            ```lua
            lib.util.SCALE = 1.5
            ```

            From module `lib.util`"#]]
        .assert_eq(
            &at("local util = require(\"lib.util\")\nprint(util.SC$0ALE)").unwrap_or_default(),
        );
        assert_eq!(
            at("local util = require(\"lib.util\")\nprint(util.miss$0ing)"),
            None
        );
    }
}
