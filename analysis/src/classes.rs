//! Types scripts declare with LuaCATS annotations, read from a file's text and added to the
//! API the rest of the analysis sees, so completion, hover, signature help, go to definition
//! and the unknown-member lint treat `---@class Enemy` like an engine type.
//!
//! Read: `---@class Name [: Parent, ...]` (the doc lines above it are its doc) with the
//! `---@field [scope] name[?] Type [doc]` lines of its block; the table the block annotates
//! (`local Enemy = {}` or `Enemy = {}` on the next line); that table's functions, `function
//! Enemy:hurt(n)` as methods and `function Enemy.new(hp)` as statics, with the `---@param`
//! and `---@return` lines above them; fields a method assigns on `self` (`self.hp = hp`);
//! `---@enum Name` above a table constructor (its keys become integer fields); `---@alias
//! Name Type` naming another class or engine type. Parents' members are inherited.
//!
//! This is a text scan of comment lines and `function` headers, linear in the file, with no
//! tree: declarations must be at the start of their line, as LuaLS-style code writes them.

use crate::document::assigns;
use crescent_api::{Api, Field, Function, Param, Return, TypeDef};

/// A type declared in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Its description: fields, methods and statics declared or found in the file.
    pub def: TypeDef,
    /// Parent types, in the order written.
    pub parents: Vec<String>,
    /// For `---@alias A B`: `B`.
    pub alias_of: Option<String>,
}

/// The name of the type the workspace adds for what the functions of `module` return:
/// `require("lib.enemies")`, which no annotation can name.
pub fn module_type(module: &str) -> String {
    format!("require(\"{module}\")")
}

/// The module whose [`module_type`] `name` is, if it is one.
pub fn module_of_type(name: &str) -> Option<&str> {
    name.strip_prefix("require(\"")?.strip_suffix("\")")
}

/// When the only difference between two sets of workspace types is in module types: the
/// modules whose type differs (a file that requires none of them is analysed the same with
/// either). `None` when a declared class differs too.
pub fn changed_modules(old: &[Class], new: &[Class]) -> Option<std::collections::BTreeSet<String>> {
    fn declared(cs: &[Class]) -> impl Iterator<Item = &Class> {
        cs.iter().filter(|c| module_of_type(&c.def.name).is_none())
    }
    fn modules(cs: &[Class]) -> std::collections::BTreeMap<&str, &TypeDef> {
        cs.iter()
            .filter_map(|c| Some((module_of_type(&c.def.name)?, &c.def)))
            .collect()
    }
    if !declared(old).eq(declared(new)) {
        return None;
    }
    let (old, new) = (modules(old), modules(new));
    Some(
        old.keys()
            .chain(new.keys())
            .filter(|m| old.get(*m) != new.get(*m))
            .map(|m| m.to_string())
            .collect(),
    )
}

/// The type of [`module_type`] for `module`'s exports that have a known return (functions as
/// statics, `:` functions as methods), so that `enemies.spawn()` in another file is an
/// `Enemy`; `None` when no export has one.
pub fn module_class(module: &str, exports: &[crate::summary::Export]) -> Option<Class> {
    use crate::summary::ExportKind;
    let mut def = TypeDef {
        name: module_type(module),
        doc: format!("what the functions of module `{module}` return"),
        fields: Vec::new(),
        methods: Vec::new(),
        operators: Vec::new(),
        statics: Vec::new(),
        script: true,
    };
    for e in exports {
        let Some(ty) = &e.returns else { continue };
        let f = Function {
            name: e.name.clone(),
            doc: String::new(),
            params: Vec::new(),
            returns: vec![Return {
                ty: ty.clone(),
                doc: String::new(),
            }],
        };
        match e.kind {
            ExportKind::Method => def.methods.push(f),
            ExportKind::Function => def.statics.push(f),
            ExportKind::Value => {}
        }
    }
    (!def.methods.is_empty() || !def.statics.is_empty()).then_some(Class {
        def,
        parents: Vec::new(),
        alias_of: None,
    })
}

/// Whether `text` may declare types: a cheap test before [`read`].
pub fn declares_types(text: &str) -> bool {
    text.contains("---@class") || text.contains("---@enum") || text.contains("---@alias")
}

/// The first word of `s` where brackets and `fun(...)` parentheses balance: a type such as
/// `table<string, number>` or `fun(a: number): string` with its spaces.
fn type_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            c if c.is_whitespace() && depth <= 0 => {
                // `fun(a): R` goes on after the colon.
                if s[..i].ends_with(':') {
                    continue;
                }
                return (&s[..i], s[i..].trim_start());
            }
            _ => {}
        }
    }
    (s, "")
}

fn ident_prefix(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// `local NAME =` or `NAME =` at the start of `line`: the name the annotated table gets.
fn bound_name(line: &str) -> Option<&str> {
    let l = line.trim_start();
    let l = l.strip_prefix("local ").map(str::trim_start).unwrap_or(l);
    let name = ident_prefix(l);
    (!name.is_empty() && assigns(&l[name.len()..])).then_some(name)
}

/// A comment block: `(tag, rest)` for `---@tag rest` lines, and the plain doc lines.
#[derive(Default)]
struct Block<'a> {
    tags: Vec<(&'a str, &'a str)>,
    doc: Vec<&'a str>,
}

impl<'a> Block<'a> {
    fn tag(&self, name: &str) -> Option<&'a str> {
        self.tags.iter().find(|(t, _)| *t == name).map(|(_, r)| *r)
    }

    fn doc_text(&self) -> String {
        self.doc.join(" ").trim().to_string()
    }
}

/// Every type `text` declares.
pub fn read(text: &str) -> Vec<Class> {
    if !declares_types(text) {
        return Vec::new();
    }
    let mut classes: Vec<Class> = Vec::new();
    // Table name -> index into `classes`.
    let mut tables: Vec<(String, usize)> = Vec::new();
    let mut block = Block::default();
    // The enum whose constructor is being read, and the brace depth inside it.
    let mut in_enum: Option<(usize, i32)> = None;
    // The class whose method body the scan is in (for `self.x =` fields).
    let mut in_method: Option<usize> = None;

    // A last empty line ends a comment block at the end of the file.
    for line in text.lines().chain(std::iter::once("")) {
        let trimmed = line.trim_start();
        if let Some((idx, depth)) = in_enum.as_mut() {
            let key = ident_prefix(trimmed);
            if *depth == 1 && !key.is_empty() && assigns(&trimmed[key.len()..]) {
                let def = &mut classes[*idx].def;
                if !def.fields.iter().any(|f| f.name == key) {
                    def.fields.push(field(key, "integer", "", true));
                }
            }
            *depth += trimmed.matches('{').count() as i32 - trimmed.matches('}').count() as i32;
            if *depth <= 0 {
                in_enum = None;
            }
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix("---") {
            let comment = comment.trim_start();
            if let Some(tagged) = comment.strip_prefix('@') {
                let (tag, rest) = tagged
                    .split_once(char::is_whitespace)
                    .unwrap_or((tagged, ""));
                block.tags.push((tag, rest.trim()));
            } else if block.tags.is_empty() {
                block.doc.push(comment);
            }
            continue;
        }
        if trimmed.starts_with("--") {
            continue;
        }
        let block_now = std::mem::take(&mut block);

        if let Some(rest) = block_now.tag("alias") {
            let (name, target) = type_word(rest);
            let (target, _) = type_word(target);
            if !name.is_empty() && !target.is_empty() {
                classes.push(Class {
                    def: type_def(name, &block_now.doc_text()),
                    parents: Vec::new(),
                    alias_of: Some(target.to_string()),
                });
            }
        }
        if let Some(rest) = block_now.tag("class").or_else(|| block_now.tag("enum")) {
            let is_enum = block_now.tag("class").is_none();
            let (head, doc_tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let (name, parents) = match rest.split_once(':') {
                Some((n, p)) if !n.trim().contains(char::is_whitespace) => (
                    n.trim(),
                    p.split(',')
                        .map(|s| type_word(s).0.to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                _ => (head, Vec::new()),
            };
            let name = name.trim_start_matches("(exact)").trim();
            if !name.is_empty() {
                let mut doc = block_now.doc_text();
                if doc.is_empty() && parents.is_empty() {
                    doc = doc_tail.trim_start_matches('#').trim().to_string();
                }
                let mut def = type_def(name, &doc);
                for (tag, frest) in &block_now.tags {
                    if *tag == "field" {
                        if let Some(f) = field_line(frest) {
                            def.fields.push(f);
                        }
                    }
                }
                let idx = classes.len();
                classes.push(Class {
                    def,
                    parents,
                    alias_of: None,
                });
                if let Some(table) = bound_name(line) {
                    tables.push((table.to_string(), idx));
                    if is_enum && trimmed.contains('{') {
                        let depth = trimmed.matches('{').count() as i32
                            - trimmed.matches('}').count() as i32;
                        // Keys on the same line as the brace (`{ A = 1, B = 2 }`).
                        if let Some(inner) = trimmed.split_once('{').map(|(_, r)| r) {
                            for part in inner.split(',') {
                                let key = ident_prefix(part.trim_start());
                                if !key.is_empty() && assigns(&part.trim_start()[key.len()..]) {
                                    classes[idx]
                                        .def
                                        .fields
                                        .push(field(key, "integer", "", true));
                                }
                            }
                        }
                        if depth > 0 {
                            in_enum = Some((idx, depth));
                        }
                    }
                }
            }
            continue;
        }

        // `setmetatable({ hp = hp, speed = 3 }, Enemy)` on one line: the keys are fields.
        if let Some(i) = trimmed.find("setmetatable({") {
            let inner = &trimmed[i + "setmetatable({".len()..];
            if let Some((keys, rest)) = inner.split_once('}') {
                let table = ident_prefix(rest.trim_start_matches([',', ' ']));
                if let Some(&(_, idx)) = tables.iter().find(|(t, _)| t == table) {
                    for part in keys.split(',') {
                        let part = part.trim_start();
                        let key = ident_prefix(part);
                        let tail = &part[key.len()..];
                        let def = &mut classes[idx].def;
                        if !key.is_empty()
                            && assigns(tail)
                            && !def.fields.iter().any(|f| f.name == key)
                        {
                            def.fields.push(field(key, "any", "", false));
                        }
                    }
                }
            }
        }
        if let Some(header) = trimmed.strip_prefix("function ") {
            in_method = None;
            let table = ident_prefix(header);
            let after = &header[table.len()..];
            let Some(&(_, idx)) = tables.iter().find(|(t, _)| t == table) else {
                continue;
            };
            let (is_method, after) = match after.chars().next() {
                Some(':') => (true, &after[1..]),
                Some('.') => (false, &after[1..]),
                _ => continue,
            };
            let fname = ident_prefix(after);
            if fname.is_empty() {
                continue;
            }
            let params_text = after[fname.len()..]
                .trim_start()
                .strip_prefix('(')
                .and_then(|p| p.split_once(')'))
                .map_or("", |(p, _)| p);
            let f = function(fname, params_text, &block_now);
            let def = &mut classes[idx].def;
            let list = if is_method {
                &mut def.methods
            } else {
                &mut def.statics
            };
            if !list.iter().any(|g| g.name == fname) {
                list.push(f);
            }
            if is_method {
                in_method = Some(idx);
            }
            continue;
        }
        if line.starts_with(|c: char| !c.is_whitespace()) && !trimmed.starts_with("end") {
            // A new top-level statement: no longer inside a method.
            in_method = None;
        }
        if let Some(idx) = in_method {
            // `self.name = ...` in a method's body declares the field.
            let mut rest = trimmed;
            while let Some(i) = rest.find("self.") {
                let after = &rest[i + 5..];
                let name = ident_prefix(after);
                let tail = &after[name.len()..];
                let before_ok = i == 0
                    || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
                if before_ok && !name.is_empty() && assigns(tail) {
                    let def = &mut classes[idx].def;
                    if !def.fields.iter().any(|f| f.name == name)
                        && !def.methods.iter().any(|f| f.name == name)
                    {
                        def.fields.push(field(name, "any", "", false));
                    }
                }
                rest = &after[name.len()..];
            }
        }
    }
    classes
}

fn type_def(name: &str, doc: &str) -> TypeDef {
    TypeDef {
        name: name.to_string(),
        doc: doc.to_string(),
        fields: Vec::new(),
        methods: Vec::new(),
        operators: Vec::new(),
        statics: Vec::new(),
        script: true,
    }
}

fn field(name: &str, ty: &str, doc: &str, readonly: bool) -> Field {
    Field {
        name: name.to_string(),
        ty: ty.to_string(),
        doc: doc.to_string(),
        readonly,
    }
}

/// `[scope] name[?] Type [doc]` of a `---@field` line.
fn field_line(rest: &str) -> Option<Field> {
    let mut rest = rest.trim();
    for scope in ["public ", "private ", "protected ", "package "] {
        if let Some(r) = rest.strip_prefix(scope) {
            rest = r.trim_start();
        }
    }
    let (name, rest) = type_word(rest);
    let optional = name.ends_with('?');
    let name = name.trim_end_matches('?');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let (ty, doc) = type_word(rest);
    let ty = if ty.is_empty() { "any" } else { ty };
    let ty = if optional && !ty.ends_with('?') {
        format!("{ty}?")
    } else {
        ty.to_string()
    };
    Some(field(name, &ty, doc.trim_start_matches('#').trim(), false))
}

/// A function's description from its parameter list and the block above it.
fn function(name: &str, params_text: &str, block: &Block) -> Function {
    let params = params_text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let tagged = block.tags.iter().find_map(|(tag, rest)| {
                if *tag != "param" {
                    return None;
                }
                let (n, rest) = type_word(rest);
                let optional = n.ends_with('?');
                (n.trim_end_matches('?') == p).then(|| {
                    let (ty, doc) = type_word(rest);
                    (
                        ty.to_string(),
                        doc.trim_start_matches('#').trim().to_string(),
                        optional,
                    )
                })
            });
            let (ty, doc, optional) =
                tagged.unwrap_or_else(|| ("any".into(), String::new(), false));
            Param {
                name: p.to_string(),
                optional: optional || ty.ends_with('?'),
                ty,
                doc,
                kind: Default::default(),
            }
        })
        .collect();
    let returns = block
        .tags
        .iter()
        .filter(|(tag, _)| *tag == "return")
        .map(|(_, rest)| {
            let (ty, doc) = type_word(rest);
            Return {
                ty: ty.to_string(),
                doc: doc.trim_start_matches('#').trim().to_string(),
            }
        })
        .collect();
    Function {
        name: name.to_string(),
        doc: block.doc_text(),
        params,
        returns,
    }
}

/// `base` with `classes` added as types: parents' members inherited (engine types can be
/// parents), aliases copied from what they name. A class that redeclares an engine type's name
/// is left out: engine types are what the runtime gives. A class `base` already has from a
/// script (the workspace's copy of an open file's class) is replaced: the newer text wins.
pub fn with_classes(base: &Api, classes: &[Class]) -> Api {
    let mut api = base.clone();
    let engine = |name: &str| base.type_def(name).is_some_and(|d| !d.script);
    api.types
        .retain(|t| !t.script || !classes.iter().any(|c| c.def.name == t.name));
    let base = &api.clone();
    let mut added: Vec<TypeDef> = Vec::new();
    for c in classes.iter().filter(|c| c.alias_of.is_none()) {
        if engine(&c.def.name) {
            continue;
        }
        match added.iter_mut().find(|d| d.name == c.def.name) {
            // The same class declared in two places: members are merged.
            Some(d) => {
                merge_members(d, &c.def);
            }
            None => added.push(c.def.clone()),
        }
    }
    // Inheritance, as far as the chain goes (a cycle stops at 16 steps).
    for _ in 0..16 {
        let mut changed = false;
        for c in classes.iter().filter(|c| c.alias_of.is_none()) {
            for parent in &c.parents {
                let from = added
                    .iter()
                    .find(|d| &d.name == parent)
                    .or_else(|| base.type_def(parent))
                    .cloned();
                if let (Some(from), Some(d)) =
                    (from, added.iter_mut().find(|d| d.name == c.def.name))
                {
                    changed |= merge_members(d, &from);
                }
            }
        }
        if !changed {
            break;
        }
    }
    for c in classes {
        let Some(target) = &c.alias_of else { continue };
        if base.type_def(&c.def.name).is_some() || added.iter().any(|d| d.name == c.def.name) {
            continue;
        }
        let found = added
            .iter()
            .find(|d| &d.name == target)
            .or_else(|| base.type_def(target))
            .cloned();
        if let Some(mut d) = found {
            d.name = c.def.name.clone();
            if !c.def.doc.is_empty() {
                d.doc = c.def.doc.clone();
            }
            added.push(d);
        }
    }
    api.types.extend(added);
    api
}

/// Adds `from`'s members that `to` lacks; whether any was added.
fn merge_members(to: &mut TypeDef, from: &TypeDef) -> bool {
    let mut changed = false;
    for f in &from.fields {
        if !to.fields.iter().any(|g| g.name == f.name) {
            to.fields.push(f.clone());
            changed = true;
        }
    }
    for (list, from_list) in [
        (&mut to.methods, &from.methods),
        (&mut to.statics, &from.statics),
    ] {
        for f in from_list {
            if !list.iter().any(|g| g.name == f.name) {
                list.push(f.clone());
                changed = true;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, expect: Expect) {
        let api = with_classes(&Api::empty(), &read(text));
        let mut out = String::new();
        for t in &api.types {
            out += &format!("{} ({})\n", t.name, t.doc);
            for f in &t.fields {
                out += &format!("  .{}: {} {}\n", f.name, f.ty, f.doc);
            }
            for (sep, list) in [(":", &t.methods), (".", &t.statics)] {
                for m in list {
                    let ps: Vec<String> = m
                        .params
                        .iter()
                        .map(|p| format!("{}: {}", p.name, p.ty))
                        .collect();
                    let rs: Vec<&str> = m.returns.iter().map(|r| r.ty.as_str()).collect();
                    out += &format!(
                        "  {sep}{}({}) -> {}\n",
                        m.name,
                        ps.join(", "),
                        rs.join(", ")
                    );
                }
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn a_class_with_fields_methods_statics_and_self_fields() {
        check(
            r#"
--- A thing that chases the player.
---@class Enemy
---@field hp integer hit points
---@field target? Entity
local Enemy = {}
Enemy.__index = Enemy

---@param hp integer
---@return Enemy
function Enemy.new(hp)
  local e = setmetatable({ hp = hp }, Enemy)
  return e
end

--- Takes damage.
---@param n number how much
function Enemy:hurt(n)
  self.hp = self.hp - n
  self.flash = 0.2
end
"#,
            expect![[r#"
                Enemy (A thing that chases the player.)
                  .hp: integer hit points
                  .target: Entity? 
                  .flash: any 
                  :hurt(n: number) -> 
                  .new(hp: integer) -> Enemy
            "#]],
        );
    }

    #[test]
    fn inheritance_enums_and_aliases() {
        check(
            r#"
---@class Base
---@field id integer
local Base = {}
function Base:describe() end

---@class Boss : Base
---@field phase integer
local Boss = {}

---@enum Color
local Color = {
  RED = 1,
  GREEN = 2,
}

---@alias Chief Boss
"#,
            expect![[r#"
                Base ()
                  .id: integer 
                  :describe() -> 
                Boss ()
                  .phase: integer 
                  .id: integer 
                  :describe() -> 
                Color ()
                  .RED: integer 
                  .GREEN: integer 
                Chief ()
                  .phase: integer 
                  .id: integer 
                  :describe() -> 
            "#]],
        );
    }

    #[test]
    fn engine_types_stay_the_engines_and_a_file_without_annotations_costs_nothing() {
        let api = crescent_api::builtin();
        let text = "---@class vec3\n---@field w number\nlocal v = {}\n";
        let merged = with_classes(&api, &read(text));
        assert_eq!(merged.type_def("vec3"), api.type_def("vec3"));
        assert!(read("local x = 1 -- @class not a comment block\n").is_empty());
    }
}
