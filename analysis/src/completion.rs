//! Completion: engine members, entity methods, component names and fields, `self` fields,
//! locals and globals, lifecycle skeletons, modules, asset paths and keywords.
//!
//! The context comes from the tokens before the cursor ([`super::context`]), so completion
//! works in a file whose tree is broken around the cursor; the model supplies locals and
//! `self` fields from whatever parsed.

use super::context::{
    call_at, cursor_context, resolve, resolve_callee, CallContext, CursorContext, Seg, KEYWORDS,
};
use super::model::{open_type, takes_component, takes_component_table, Model, Ty};
use super::summary::{Export, ExportKind};
use super::{FileAnalysis, WorkspaceFacts};
use crescent_api::{Api, Function};
use std::collections::BTreeSet;

/// What kind of thing an item completes (mapped to the editor's icons by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A function.
    Function,
    /// A method (`:`).
    Method,
    /// A field of a table or value.
    Field,
    /// A local or global variable.
    Variable,
    /// An engine namespace or a module.
    Module,
    /// A reserved word.
    Keyword,
    /// A code template (lifecycle skeleton).
    Snippet,
    /// A file path.
    File,
    /// A component name.
    Component,
}

impl ItemKind {
    fn short(self) -> &'static str {
        match self {
            ItemKind::Function => "fn",
            ItemKind::Method => "me",
            ItemKind::Field => "fd",
            ItemKind::Variable => "lc",
            ItemKind::Module => "md",
            ItemKind::Keyword => "kw",
            ItemKind::Snippet => "sn",
            ItemKind::File => "fl",
            ItemKind::Component => "cp",
        }
    }
}

/// One completion proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows and what is filtered on.
    pub label: String,
    /// Kind of item.
    pub kind: ItemKind,
    /// One line shown beside the label (signature or type).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// Text to insert when different from the label; a snippet when `snippet` is set.
    pub insert_text: Option<String>,
    /// Whether `insert_text` uses snippet syntax (`${1:x}`).
    pub snippet: bool,
}

/// The completions at `offset` and the byte where the replaced word starts.
#[derive(Debug, Clone, Default)]
pub struct Completions {
    /// Where the text being completed starts (the server replaces from here to the cursor).
    pub replace_start: usize,
    /// The proposals, in a stable order.
    pub items: Vec<CompletionItem>,
}

fn item(label: impl Into<String>, kind: ItemKind) -> CompletionItem {
    CompletionItem {
        label: label.into(),
        kind,
        detail: None,
        documentation: None,
        insert_text: None,
        snippet: false,
    }
}

/// `name(${1:a}, ${2:b})`: a call with a placeholder per argument to fill in. Parameter names
/// are Lua identifiers: nothing to escape in a placeholder.
fn call_snippet<'a>(name: &str, args: impl Iterator<Item = &'a str>) -> String {
    let args: Vec<String> = args
        .enumerate()
        .map(|(i, p)| format!("${{{}:{p}}}", i + 1))
        .collect();
    format!("{name}({})", args.join(", "))
}

fn function_item(f: &Function, kind: ItemKind, prefix: &str) -> CompletionItem {
    let mut it = item(f.name.clone(), kind);
    it.detail = Some(format!("{prefix}{}", f.signature()));
    it.documentation = Some(function_doc(f));
    let args = f.params.iter().filter(|p| !p.optional && p.name != "...");
    it.insert_text = Some(call_snippet(&f.name, args.map(|p| p.name.as_str())));
    it.snippet = true;
    it
}

fn export_item(module: &str, e: &Export) -> CompletionItem {
    let kind = match e.kind {
        ExportKind::Function => ItemKind::Function,
        ExportKind::Method => ItemKind::Method,
        ExportKind::Value => ItemKind::Field,
    };
    let mut it = item(e.name.clone(), kind);
    it.documentation = Some(export_doc(module, e));
    if e.kind == ExportKind::Value {
        it.detail = (!e.value.is_empty()).then(|| format!("= {}", e.value));
        return it;
    }
    it.detail = Some(e.signature());
    let args = e.params.iter().filter(|p| !p.is_empty() && *p != "...");
    it.insert_text = Some(call_snippet(&e.name, args.map(String::as_str)));
    it.snippet = true;
    it
}

/// Markdown documentation of a module's export: its doc comment and where it comes from.
pub fn export_doc(module: &str, e: &Export) -> String {
    if e.doc.is_empty() {
        format!("From module `{module}`")
    } else {
        format!("{}\n\nFrom module `{module}`", e.doc)
    }
}

/// Markdown documentation of an engine function: doc line and parameters.
pub fn function_doc(f: &Function) -> String {
    let mut doc = f.doc.clone();
    let documented: Vec<String> = f
        .params
        .iter()
        .filter(|p| !p.doc.is_empty())
        .map(|p| format!("- `{}`: {}", p.name, p.doc))
        .collect();
    if !documented.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&documented.join("\n"));
    }
    doc
}

/// Completes at byte `offset` of `text`.
pub fn completions(
    text: &str,
    offset: usize,
    file: &FileAnalysis,
    api: &Api,
    facts: &WorkspaceFacts,
) -> Completions {
    let fixed = super::repaired(text, offset, file, api);
    let place = fixed.as_deref().unwrap_or(file).at(offset);
    let model: &Model = &place;
    let ctx = cursor_context(text, offset);
    let mut out = Completions {
        replace_start: offset,
        items: Vec::new(),
    };
    match ctx {
        CursorContext::Comment => {}
        CursorContext::String {
            content_start,
            prefix,
            call,
        } => {
            out.replace_start = content_start;
            if let Some(call) = call {
                string_items(&call, &prefix, model, api, facts, offset, &mut out.items);
            }
        }
        CursorContext::Member {
            receiver,
            method,
            prefix,
            prefix_start,
        } => {
            out.replace_start = prefix_start;
            let r = resolve(&receiver, model, api, offset);
            member_items(&r.ty, r.is_self, method, model, api, facts, &mut out.items);
            if let [Seg::Name(lib)] = receiver.as_slice() {
                if r.ty.is_none() && !method && model.resolve_local(lib, offset).is_none() {
                    for (name, signature) in super::stdlib::members(api, lib) {
                        let kind = if signature.contains('(') {
                            ItemKind::Function
                        } else {
                            ItemKind::Field
                        };
                        let mut it = item(name, kind);
                        it.detail = Some(signature.to_string());
                        out.items.push(it);
                    }
                }
            }
            filter(&mut out.items, &prefix);
        }
        CursorContext::Name {
            prefix,
            prefix_start,
            call,
            statement_start,
        } => {
            out.replace_start = prefix_start;
            if let Some(call) = &call {
                if call.in_table {
                    if let Some(f) = resolve_callee(&call.callee, model, api, offset)
                        .and_then(|c| c.function(api).cloned())
                    {
                        if f.params
                            .get(call.arg_index)
                            .is_some_and(takes_component_table)
                        {
                            for name in component_names(model, api, facts) {
                                let mut it = item(name.clone(), ItemKind::Component);
                                it.insert_text = Some(format!("{name} = "));
                                it.documentation = api.component(&name).map(|c| c.doc.clone());
                                out.items.push(it);
                            }
                            filter(&mut out.items, &prefix);
                            return out;
                        }
                    }
                }
            }
            name_items(
                offset,
                statement_start && call.is_none(),
                model,
                api,
                &mut out.items,
            );
            for name in facts.meta_globals.iter() {
                if !out.items.iter().any(|i| &i.label == name) {
                    let mut it = item(name.clone(), ItemKind::Variable);
                    it.detail = Some("declared by a ---@meta file".into());
                    out.items.push(it);
                }
            }
            filter(&mut out.items, &prefix);
        }
    }
    out
}

/// What a call names: an engine function or a module's export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Called {
    /// An engine function.
    Engine(super::model::Callee),
    /// A field of a `require`d module (`util.clamp`, `util:step`).
    Export {
        /// Module name.
        module: String,
        /// Field name.
        name: String,
    },
}

/// The function whose arguments hold the cursor (for signature help).
pub fn enclosing_call(
    text: &str,
    offset: usize,
    file: &FileAnalysis,
    api: &Api,
) -> Option<(CallContext, Called)> {
    let call = call_at(text, offset)?;
    let fixed = super::repaired(text, offset, file, api);
    let place = fixed.as_deref().unwrap_or(file).at(offset);
    let model: &Model = &place;
    if let Some(callee) = resolve_callee(&call.callee, model, api, offset) {
        return Some((call, Called::Engine(callee)));
    }
    let (name, rest) = match call.callee.split_last()? {
        (Seg::Field(name), rest) | (Seg::Method(name, _), rest) => (name.clone(), rest),
        _ => return None,
    };
    match resolve(rest, model, api, offset).ty {
        Some(Ty::Module(module)) => Some((call, Called::Export { module, name })),
        _ => None,
    }
}

fn filter(items: &mut Vec<CompletionItem>, prefix: &str) {
    if prefix.is_empty() {
        return;
    }
    let p = prefix.to_lowercase();
    items.retain(|it| {
        let mut label = it.label.to_lowercase().into_bytes().into_iter();
        p.bytes().all(|c| label.any(|l| l == c))
    });
}

fn component_names(model: &Model, api: &Api, facts: &WorkspaceFacts) -> BTreeSet<String> {
    api.components
        .iter()
        .map(|c| c.name.clone())
        .chain(facts.script_components.iter().cloned())
        .chain(facts.scene_components.iter().cloned())
        .chain(
            model
                .all_components()
                .filter(|c| c.defines)
                .map(|c| c.name.clone()),
        )
        .collect()
}

fn string_items(
    call: &CallContext,
    prefix: &str,
    model: &Model,
    api: &Api,
    facts: &WorkspaceFacts,
    offset: usize,
    items: &mut Vec<CompletionItem>,
) {
    let Some(callee) = resolve_callee(&call.callee, model, api, offset) else {
        return;
    };
    if call.in_table {
        return;
    }
    let Some(f) = callee.function(api) else {
        return;
    };
    let param = f
        .params
        .get(call.arg_index)
        .or_else(|| f.params.last().filter(|p| p.name == "..."));
    let Some(param) = param else { return };
    if takes_component(param) {
        for name in component_names(model, api, facts) {
            let mut it = item(name.clone(), ItemKind::Component);
            match api.component(&name) {
                Some(c) => {
                    it.detail = Some(format!("{} component", c.ty));
                    it.documentation = Some(c.doc.clone());
                }
                None => it.detail = Some("script component".into()),
            }
            items.push(it);
        }
    } else if param.kind == crescent_api::ParamKind::AssetPath {
        for path in facts.assets.iter() {
            items.push(item(path.clone(), ItemKind::File));
        }
    } else if param.kind == crescent_api::ParamKind::ModuleName {
        for m in facts.modules.iter() {
            items.push(item(m.clone(), ItemKind::Module));
        }
    }
    filter(items, prefix);
}

#[allow(clippy::too_many_arguments)]
fn member_items(
    ty: &Option<Ty>,
    is_self: bool,
    method: bool,
    model: &Model,
    api: &Api,
    facts: &WorkspaceFacts,
    items: &mut Vec<CompletionItem>,
) {
    match ty {
        Some(Ty::Module(m)) => {
            let Some(module) = facts.exports.get(m) else {
                return;
            };
            for e in module.exports.iter() {
                // `.` lists functions and values, `:` the methods.
                if (e.kind == ExportKind::Method) == method {
                    items.push(export_item(m, e));
                }
            }
        }
        Some(Ty::Namespace(ns)) if !method => {
            if let Some(n) = api.namespace(ns) {
                for f in &n.functions {
                    items.push(function_item(f, ItemKind::Function, ""));
                }
                for f in &n.fields {
                    let mut it = item(f.name.clone(), ItemKind::Field);
                    it.detail = Some(f.ty.clone());
                    it.documentation = Some(f.doc.clone());
                    items.push(it);
                }
            }
        }
        Some(Ty::Type(t)) => {
            let Some(d) = api.type_def(t) else { return };
            if method {
                for f in &d.methods {
                    items.push(function_item(f, ItemKind::Method, ""));
                }
            } else {
                for f in &d.fields {
                    let mut it = item(f.name.clone(), ItemKind::Field);
                    it.detail = Some(f.ty.clone());
                    it.documentation = Some(f.doc.clone());
                    items.push(it);
                }
                for f in &d.statics {
                    items.push(function_item(f, ItemKind::Function, ""));
                }
                if open_type(api) == Some(t.as_str()) {
                    self_field_items(model, items);
                }
            }
        }
        Some(Ty::Component(c)) if !method => {
            if let Some(c) = api.component(c) {
                for f in &c.fields {
                    let mut it = item(f.name.clone(), ItemKind::Field);
                    it.detail = Some(f.ty.clone());
                    it.documentation = Some(f.doc.clone());
                    items.push(it);
                }
            }
        }
        None if is_self && !method => self_field_items(model, items),
        _ => {}
    }
}

fn self_field_items(model: &Model, items: &mut Vec<CompletionItem>) {
    let mut seen = BTreeSet::new();
    for f in model.all_self_fields() {
        if seen.insert(f.name.clone()) {
            let mut it = item(f.name.clone(), ItemKind::Field);
            it.detail = Some(if f.property { "property" } else { "self field" }.into());
            items.push(it);
        }
    }
}

fn name_items(
    offset: usize,
    statement_start: bool,
    model: &Model,
    api: &Api,
    items: &mut Vec<CompletionItem>,
) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for i in model.locals_at(offset) {
        let l = &model.locals[i];
        if seen.insert(l.name.clone()) {
            let kind = if l.kind == super::model::LocalKind::Function {
                ItemKind::Function
            } else {
                ItemKind::Variable
            };
            let mut it = item(l.name.clone(), kind);
            it.detail = l.init.as_ref().map(|s| format!("= {s}"));
            items.push(it);
        }
    }
    for (name, _) in model.all_global_writes() {
        if seen.insert(name.clone()) {
            let mut it = item(name.clone(), ItemKind::Variable);
            it.detail = Some("global of this file".into());
            items.push(it);
        }
    }
    for f in &api.globals {
        if seen.insert(f.name.clone()) {
            items.push(function_item(f, ItemKind::Function, ""));
        }
    }
    for n in &api.namespaces {
        if seen.insert(n.name.clone()) {
            let mut it = item(n.name.clone(), ItemKind::Module);
            it.documentation = Some(n.doc.clone());
            items.push(it);
        }
    }
    for g in &api.sandbox.globals {
        if seen.insert(g.clone()) {
            items.push(item(g.clone(), ItemKind::Variable));
        }
    }
    if statement_start && !model.in_function(offset) {
        for cb in &api.callbacks {
            if model
                .all_functions()
                .any(|f| f.name == cb.name && f.top_level)
            {
                continue;
            }
            let params: Vec<&str> = cb.params.iter().map(|p| p.name.as_str()).collect();
            let mut it = item(
                format!("function {}({})", cb.name, params.join(", ")),
                ItemKind::Snippet,
            );
            it.insert_text = Some(format!(
                "function {}({})\n\t$0\nend",
                cb.name,
                params.join(", ")
            ));
            it.snippet = true;
            it.detail = Some("lifecycle function".into());
            it.documentation = Some(cb.doc.clone());
            items.push(it);
        }
    }
    for k in KEYWORDS {
        items.push(item(*k, ItemKind::Keyword));
    }
}

/// Renders items one per line (`kind label detail`), for snapshots.
pub fn render(items: &[CompletionItem]) -> String {
    let mut out = String::new();
    for it in items {
        out.push_str(it.kind.short());
        out.push(' ');
        out.push_str(&it.label);
        if let Some(d) = &it.detail {
            out.push(' ');
            out.push_str(d);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check_with(fixture: &str, facts: &WorkspaceFacts, expect: Expect) {
        let c = super::super::Cursor::new(fixture);
        let items = completions(&c.text, c.offset, &c.file, &c.api, facts).items;
        expect.assert_eq(&render(&items));
    }

    fn check(fixture: &str, expect: Expect) {
        check_with(fixture, &WorkspaceFacts::default(), expect)
    }

    #[test]
    fn completes_entity_methods() {
        check(
            r#"
function init(self)
  self.entity:$0
end
"#,
            expect![[r#"
                me id id() -> integer
                me alive alive() -> boolean
                me get get(name: string) -> any
                me set set(name: string, value: any)
                me has has(name: string) -> boolean
                me remove remove(name: string)
                me despawn despawn()
                me send send(name: string, data?: any)
                me position position() -> vec3?
                me set_position set_position(position: vec3|number, y?: number, z?: number)
                me translate translate(offset: vec3, scale?: number)
                me rotation rotation() -> quat?
                me set_rotation set_rotation(rotation: quat)
                me rotate rotate(rotation: quat)
                me scale scale() -> vec3?
                me set_scale set_scale(scale: vec3|number, y?: number, z?: number)
            "#]],
        );
    }

    #[test]
    fn completes_namespace_members_with_prefix() {
        check(
            "function update(self, dt)\n  world.sp$0\nend\n",
            expect![[r#"
                fn spawn spawn(components: table<string, any>, scripts?: (string|table)[]) -> Entity
            "#]],
        );
    }

    const ENEMY: &str = r#"
--- Chases the player.
---@class Enemy
---@field hp integer hit points
local Enemy = {}
Enemy.__index = Enemy

---@param hp integer
---@return Enemy
function Enemy.new(hp)
  return setmetatable({ hp = hp }, Enemy)
end

---@param n number
function Enemy:hurt(n)
  self.hp = self.hp - n
  self.flash = 0.2
end
"#;

    #[test]
    fn completes_a_declared_class_members() {
        // Fields (declared, and assigned in methods) on `self` of a method.
        check(
            &format!("{ENEMY}\nfunction Enemy:heal()\n  self.$0\nend\n"),
            expect![[r#"
                fd hp integer
                fd flash any
                fn new new(hp: integer) -> Enemy
            "#]],
        );
        // Methods of a value typed by @param, and of what a constructor returns.
        check(
            &format!("{ENEMY}\n---@param e Enemy\nlocal function f(e)\n  e:$0\nend\n"),
            expect![[r#"
                me hurt hurt(n: number)
            "#]],
        );
        check(
            &format!("{ENEMY}\nlocal boss = Enemy.new(30)\nboss:h$0\n"),
            expect![[r#"
                me hurt hurt(n: number)
            "#]],
        );
    }

    #[test]
    fn completes_the_input_namespace() {
        check(
            "function update(self, dt)\n  if input.$0\nend\n",
            expect![[r#"
                fn held held(action: string) -> boolean
                fn pressed pressed(action: string) -> boolean
                fn released released(action: string) -> boolean
                fn axis axis(axis: string) -> number
                fn pointer pointer() -> number, number
            "#]],
        );
    }

    #[test]
    fn completes_standard_library_members_the_sandbox_keeps() {
        check(
            "function update(self, dt)\n  local x = math.fl$0\nend\n",
            expect![[r#"
                fn floor math.floor(x) -> integer
            "#]],
        );
        check(
            "function update(self, dt)\n  os.$0\nend\n",
            expect![[r#"
                fn clock os.clock() -> number
                fn date os.date(format?, time?) -> string|table
                fn difftime os.difftime(t2, t1) -> number
                fn time os.time(t?) -> integer
            "#]],
        );
        // A local named like a library is not the library.
        check(
            "local math = {}\nfunction update(self, dt)\n  math.$0\nend\n",
            expect![[r#""#]],
        );
    }

    #[test]
    fn completes_component_names_in_strings() {
        let mut facts = WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.script_components).insert("Health".into());
        check_with(
            r#"
function update(self, dt)
  local h = self.entity:get("$0")
end
"#,
            &facts,
            expect![[r#"
                cp Health script component
                cp Name string component
                cp Transform Transform component
            "#]],
        );
    }

    #[test]
    fn completes_component_fields_directly_and_through_a_local() {
        check(
            r#"
function update(self, dt)
  self.entity:get("Transform").$0
end
"#,
            expect![[r#"
                fd position vec3
                fd rotation quat
                fd scale vec3
            "#]],
        );
        check(
            r#"
function update(self, dt)
  local t = self.entity:get("Transform")
  t.position.$0
end
"#,
            expect![[r#"
                fd x number
                fd y number
                fd z number
            "#]],
        );
    }

    #[test]
    fn completes_self_fields_assigned_anywhere() {
        check(
            r#"
function update(self, dt)
  self.$0
end
function init(self)
  self.speed = 3
  self.target = world.find("boss")
end
"#,
            expect![[r#"
                fd entity Entity
                fd speed self field
                fd target self field
            "#]],
        );
    }

    #[test]
    fn completes_declared_properties_after_self() {
        check(
            r#"
properties = { speed = 2.5, aim = vec3(0, 0, 1) }
function update(self, dt)
  self.$0
end
"#,
            expect![[r#"
                fd entity Entity
                fd speed property
                fd aim property
            "#]],
        );
        check(
            r#"
properties = { aim = vec3(0, 0, 1) }
function update(self, dt)
  self.aim:$0
end
"#,
            expect![[r#"
                me length length() -> number
                me length_squared length_squared() -> number
                me normalized normalized() -> vec3
                me dot dot(other: vec3) -> number
                me cross cross(other: vec3) -> vec3
                me set set(other: vec3|number, y?: number, z?: number) -> vec3
                me add add(other: vec3) -> vec3
                me sub sub(other: vec3) -> vec3
                me scale scale(factor: number) -> vec3
                me add_scaled add_scaled(other: vec3, factor: number) -> vec3
                me normalize normalize() -> vec3
                me clone clone() -> vec3
                me unpack unpack() -> number, number, number
            "#]],
        );
    }

    #[test]
    fn luacats_param_and_type_annotations_give_engine_types() {
        check(
            r#"
--- Hurts an entity.
---@param target Entity the one hit
---@param amount number
local function hurt(target, amount)
  target:de$0
end
"#,
            expect![[r#"
                me despawn despawn()
            "#]],
        );
        check(
            r#"
function update(self, dt)
  ---@type vec3
  local aim = self.aim
  aim:len$0
end
"#,
            expect![[r#"
                me length length() -> number
                me length_squared length_squared() -> number
            "#]],
        );
        check(
            r#"
---@param t Transform?
function M.place(t)
  t.$0
end
"#,
            expect![[r#"
                fd position vec3
                fd rotation quat
                fd scale vec3
            "#]],
        );
    }

    #[test]
    fn completes_with_a_syntax_error_elsewhere() {
        check(
            r#"
local broken = = 1
function update(self, dt)
  local e = world.find("x")
  e:des$0
end
"#,
            expect![[r#"
                me despawn despawn()
            "#]],
        );
    }

    #[test]
    fn lifecycle_skeletons_at_top_level_only() {
        check(
            "function init(self) end\nfixed$0",
            expect![[r#"
                sn function fixed_update(self, dt) lifecycle function
            "#]],
        );
        check("function init(self)\n  fixed$0\nend", expect![[""]]);
    }

    #[test]
    fn completes_modules_and_assets() {
        let mut facts = WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.modules).insert("lib.util".into());
        std::sync::Arc::make_mut(&mut facts.assets).insert("levels/one.json".into());
        check_with(
            r#"local u = require("li$0")"#,
            &facts,
            expect![[r#"
            md lib.util
        "#]],
        );
        check_with(
            r#"local l = assets.load_json("$0")"#,
            &facts,
            expect![[r#"
            fl levels/one.json
        "#]],
        );
    }

    #[test]
    fn any_offset_is_safe() {
        let facts = facts_with_module(UTIL);
        let text = "local s = \"é漢😀\"\nlocal u = require(\"lib.util\")\nfunction init(self)\n  self.entity:\n  u.clamp(u:step(\"é\", u.\nend\n";
        let api = crescent_api::builtin();
        let file = super::super::analyze(text, &api);
        for offset in 0..=text.len() + 3 {
            let _ = completions(text, offset, &file, &api, &facts);
            let _ = super::super::hover::hover(offset, &file, &api, &facts);
            let _ = super::super::signature::signature_help(text, offset, &file, &api, &facts);
            let _ = super::super::navigation::definition(offset, &file, &facts);
        }
    }

    #[test]
    fn completes_component_keys_in_spawn_tables() {
        check(
            "function init(self)\n  world.spawn({ Tra$0 })\nend",
            expect![[r#"
                cp Transform
            "#]],
        );
    }

    #[test]
    fn completes_locals_and_keywords() {
        check(
            r#"
local speed = 1
function update(self, dt)
  local spare = 2
  sp$0
end
"#,
            expect![[r#"
                lc spare = 2
                lc speed = 1
            "#]],
        );
    }

    /// Facts where `lib.util` is a module with the given source.
    pub(crate) fn facts_with_module(source: &str) -> WorkspaceFacts {
        let summary = super::super::summary::summarize_text(source, &crescent_api::builtin());
        let mut facts = WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.modules).insert("lib.util".into());
        if let Some(exports) = summary.exports {
            let module = super::super::ModuleExports {
                path: "/game/scripts/lib/util.lua".into(),
                exports,
            };
            std::sync::Arc::make_mut(&mut facts.exports)
                .insert("lib.util".into(), std::sync::Arc::new(module));
        }
        facts
    }

    pub(crate) const UTIL: &str = "local M = {}\n\n--- Clamps `x` into [lo, hi].\nfunction M.clamp(x, lo, hi) end\n\nM.SCALE = 1.5\n\n-- Moves the mover.\nfunction M:step(dt, ...) end\n\nreturn M\n";

    #[test]
    fn completes_the_exports_of_a_required_module() {
        let facts = facts_with_module(UTIL);
        check_with(
            "local util = require(\"lib.util\")\nfunction update(self, dt)\n  util.$0\nend\n",
            &facts,
            expect![[r#"
                fn clamp clamp(x, lo, hi)
                fd SCALE = 1.5
            "#]],
        );
        check_with(
            "local util = require(\"lib.util\")\nutil:$0",
            &facts,
            expect![[r#"
                me step step(dt, ...)
            "#]],
        );
        check_with(
            "local util = require(\"lib.util\")\nlocal x = util.cla$0",
            &facts,
            expect![[r#"
                fn clamp clamp(x, lo, hi)
            "#]],
        );
        // Straight from the call, and while the line is still broken.
        check_with(
            "local n = require(\"lib.util\").$0",
            &facts,
            expect![[r#"
                fn clamp clamp(x, lo, hi)
                fd SCALE = 1.5
            "#]],
        );
        check_with(
            "local util = require(\"lib.util\")\nfunction update(self, dt)\n  local y = = util.$0\nend\n",
            &facts,
            expect![[r#"
                fn clamp clamp(x, lo, hi)
                fd SCALE = 1.5
            "#]],
        );
        // A module the workspace does not have, or one that exports nothing.
        check_with(
            "local other = require(\"lib.other\")\nother.$0",
            &facts,
            expect![[""]],
        );
        check_with(
            "local util = require(\"lib.util\")\nutil.$0",
            &facts_with_module("return function() end\n"),
            expect![[""]],
        );
    }

    /// A workspace of `(path under /game/scripts, text)` files: its facts and the API with
    /// the types it declares, as the server makes them.
    fn workspace(files: &[(&str, &str)]) -> (WorkspaceFacts, Api) {
        let api = crescent_api::builtin();
        let mut ws = crate::workspace::Workspace::default();
        for (path, text) in files {
            let summary = super::super::summary::summarize_text(text, &api);
            ws.update(format!("/game/scripts/{path}").into(), summary);
        }
        let facts = (*ws.facts).clone();
        let api = crate::classes::with_classes(&api, &facts.classes);
        (facts, api)
    }

    fn check_in(files: &[(&str, &str)], fixture: &str, expect: Expect) {
        let (facts, api) = workspace(files);
        let (text, offset) = super::super::Cursor::split(fixture);
        let file = crate::analyze(&text, &api);
        let items = completions(&text, offset, &file, &api, &facts).items;
        expect.assert_eq(&render(&items));
    }

    const ENEMY_MODULE: &str = "---@class Enemy\n---@field hp number\nlocal Enemy = {}\n\n---@return Enemy\nfunction Enemy.new(hp) end\n\nfunction Enemy:hurt(n) end\n\nreturn Enemy\n";
    const SPAWNER: &str = "local M = {}\n\n--- A fresh enemy.\n---@return Enemy\nfunction M.spawn() end\n\nfunction M.origin()\n  if M.flat then return nil end\n  return vec3(0, 0, 0)\nend\n\n---@return Enemy?\nfunction M:leader() end\n\n---@return number\nfunction M.count() end\n\nreturn M\n";

    #[test]
    fn what_a_module_function_returns_carries_into_the_file_that_requires_it() {
        let files = [
            ("lib/enemy.lua", ENEMY_MODULE),
            ("lib/spawner.lua", SPAWNER),
        ];
        // Declared with `---@return` (a class another file declares), through a local.
        check_in(
            &files,
            "local spawner = require(\"lib.spawner\")\nlocal e = spawner.spawn()\ne:$0",
            expect![[r#"
                me hurt hurt(n: any)
            "#]],
        );
        // Inferred from the function's `return`, straight from the call.
        check_in(
            &files,
            "local spawner = require(\"lib.spawner\")\nlocal d = spawner.origin():len$0",
            expect![[r#"
                me length length() -> number
                me length_squared length_squared() -> number
            "#]],
        );
        // A `:` function, and a return that may be nil.
        check_in(
            &files,
            "local spawner = require(\"lib.spawner\")\nspawner:leader().$0",
            expect![[r#"
                fd hp number
                fn new new(hp: any) -> Enemy
            "#]],
        );
        // The model types the call too: the unknown-member lint and go to definition see it.
        let (_, api) = workspace(&files);
        let file = crate::analyze(
            "local spawner = require(\"lib.spawner\")\nspawner.spawn():hurt(1)\nspawner.spawn():nope()\n",
            &api,
        );
        let unknown: Vec<&str> = file
            .model()
            .unknown_members
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(unknown, ["nope"]);
        // A Lua type gives nothing to complete.
        check_in(
            &files,
            "local spawner = require(\"lib.spawner\")\nspawner.count().$0",
            expect![[""]],
        );
    }

    #[test]
    fn local_functions_and_generics_give_their_return_to_the_call() {
        check(
            "local function make()\n  local v = vec3(1, 2, 3)\n  return v\nend\nmake():norm$0",
            expect![[r#"
                me normalized normalized() -> vec3
                me normalize normalize() -> vec3
            "#]],
        );
        check(
            "---@generic T\n---@param value T\n---@param times integer\n---@return T\nlocal function keep(value, times) return value end\nlocal q = keep(quat.identity(), 2)\nq:inv$0",
            expect![[r#"
                me inverse inverse() -> quat
            "#]],
        );
        // Inside its own body too: completion reads what the walk of the whole run learnt.
        check(
            "local function make()\n  make():len$0\n  return vec3(0, 0, 0)\nend\n",
            expect![[r#"
                me length length() -> number
                me length_squared length_squared() -> number
            "#]],
        );
    }

    #[test]
    fn module_function_items_carry_docs_and_a_snippet() {
        let text = "local util = require(\"lib.util\")\nutil.";
        let api = crescent_api::builtin();
        let file = super::super::analyze(text, &api);
        let c = completions(text, text.len(), &file, &api, &facts_with_module(UTIL));
        let clamp = c
            .items
            .iter()
            .find(|i| i.label == "clamp")
            .expect("clamp is listed");
        assert_eq!(
            clamp.insert_text.as_deref(),
            Some("clamp(${1:x}, ${2:lo}, ${3:hi})")
        );
        assert!(clamp.snippet);
        assert_eq!(
            clamp.documentation.as_deref(),
            Some("Clamps `x` into [lo, hi].\n\nFrom module `lib.util`")
        );
        let text = "local util = require(\"lib.util\")\nutil:";
        let file = super::super::analyze(text, &api);
        let c = completions(text, text.len(), &file, &api, &facts_with_module(UTIL));
        assert_eq!(c.items[0].insert_text.as_deref(), Some("step(${1:dt})"));
    }

    #[test]
    fn engine_functions_insert_a_placeholder_per_required_argument() {
        let c = super::super::Cursor::new("world.sp$0");
        let items = completions(
            &c.text,
            c.offset,
            &c.file,
            &c.api,
            &WorkspaceFacts::default(),
        );
        let spawn = items
            .items
            .iter()
            .find(|i| i.label == "spawn")
            .expect("spawn is listed");
        // `scripts` is optional: no placeholder for it.
        assert_eq!(spawn.insert_text.as_deref(), Some("spawn(${1:components})"));
        assert!(spawn.snippet);
    }
}
