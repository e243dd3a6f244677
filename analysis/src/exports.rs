//! What a module returns: the fields of the table its chunk ends with.
//!
//! Reads only the top-level statements of a file (not a second walk of the whole tree): a
//! final `return M` where `M` is a local table (`local M = { ... }` plus `function M.f()`,
//! `function M:m()`, `M.x = ...` after it), or a final `return { ... }` table constructor
//! (a field bound to a local function takes that function's parameters). Anything else (a
//! function, a call, nothing) exports nothing. Positions are byte spans; the summary turns
//! them into line and column positions.

use super::model::{ident, node_span, params, token_span, Span};
use super::parse::Parse;
use full_moon::ast::{
    self, Expression, Field, FunctionBody, Index, LastStmt, Prefix, Stmt, Suffix, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::TokenReference;
use std::collections::HashMap;

/// How an exported field is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// A function called with `.` (`M.f = function() end`, `function M.f()`).
    Function,
    /// A function declared with `:` (`function M:m()`), called with `:`.
    Method,
    /// Any other value.
    Value,
}

/// One exported field, positioned by byte spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawExport {
    /// Field name.
    pub name: String,
    /// Function, method or value.
    pub kind: ExportKind,
    /// Parameter names (`...` for varargs; without the implicit `self` of methods).
    pub params: Vec<String>,
    /// The comment lines directly above the definition, without their dashes.
    pub doc: String,
    /// A value's initializer, shortened; empty for functions.
    pub value: String,
    /// The name at the definition.
    pub name_span: Span,
}

/// Longest initializer kept for a value.
const SHORT_VALUE: usize = 40;
/// Longest doc comment kept for one export.
const MAX_DOC: usize = 2000;

/// The text and the offset the positions of a tree count from (the start of the run of
/// statements it was parsed from).
#[derive(Clone, Copy)]
struct Src<'a> {
    text: &'a str,
    base: usize,
}

impl Src<'_> {
    fn tspan(self, token: &TokenReference) -> Span {
        token_span(token).shifted(self.base)
    }

    fn nspan(self, node: &impl Node) -> Option<Span> {
        node_span(node).map(|s| s.shifted(self.base))
    }
}

/// The exports of a chunk, or `None` when it does not end by returning a table.
pub fn exports(parse: &Parse, text: &str) -> Option<Vec<RawExport>> {
    let Some((base, LastStmt::Return(ret))) = parse.last_stmt() else {
        return None;
    };
    let returned = ret.returns().iter().next()?;
    let stmts: Vec<(Src, &Stmt)> = parse
        .stmts()
        .map(|(base, st)| (Src { text, base }, st))
        .collect();
    let functions = local_functions(&stmts);
    let found = match returned {
        Expression::TableConstructor(t) => {
            let mut out = Vec::new();
            constructor_fields(t, Src { text, base }, &functions, &mut out);
            Some(out)
        }
        Expression::Var(Var::Name(token)) => {
            let name = ident(token)?;
            local_table(&stmts, name, &functions)
        }
        _ => None,
    };
    found.map(settle)
}

/// A top-level function bound to a name: its parameters, name and doc.
struct LocalFn {
    params: Vec<String>,
    name_span: Span,
    doc: String,
}

fn local_functions<'a>(stmts: &[(Src, &'a Stmt)]) -> HashMap<&'a str, LocalFn> {
    let mut out = HashMap::new();
    // `name` bound to `body` by the statement `node`.
    let mut define =
        |src: Src, name: &'a TokenReference, body: &FunctionBody, node: Option<Span>| {
            if let Some(n) = ident(name) {
                let doc = node
                    .map(|s| doc_above(src.text, s.start))
                    .unwrap_or_default();
                out.insert(
                    n,
                    LocalFn {
                        params: params(body),
                        name_span: src.tspan(name),
                        doc,
                    },
                );
            }
        };
    for &(src, stmt) in stmts {
        match stmt {
            Stmt::LocalFunction(lf) => define(src, lf.name(), lf.body(), src.nspan(lf.as_ref())),
            // A module's globals stay in its own environment: `function f()` is as good as
            // `local function f()` for `return { f = f }`.
            Stmt::FunctionDeclaration(decl)
                if decl.name().names().len() == 1 && decl.name().method_name().is_none() =>
            {
                if let Some(token) = decl.name().names().iter().next() {
                    define(src, token, decl.body(), src.nspan(decl.as_ref()));
                }
            }
            Stmt::LocalAssignment(local) => {
                for (name, e) in local.names().iter().zip(local.expressions().iter()) {
                    if let Expression::Function(f) = e {
                        define(src, name, f.body(), src.nspan(local));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The exports of `return name` where `name` is a top-level local table.
fn local_table(
    stmts: &[(Src, &Stmt)],
    name: &str,
    functions: &HashMap<&str, LocalFn>,
) -> Option<Vec<RawExport>> {
    let mut out: Option<Vec<RawExport>> = None;
    for &(src, stmt) in stmts {
        match stmt {
            Stmt::LocalAssignment(local) => {
                let Some(i) = local.names().iter().position(|t| ident(t) == Some(name)) else {
                    continue;
                };
                // A new `local name` starts over; only a table constructor is understood.
                out = match local.expressions().iter().nth(i) {
                    Some(Expression::TableConstructor(t)) => {
                        let mut fields = Vec::new();
                        constructor_fields(t, src, functions, &mut fields);
                        Some(fields)
                    }
                    _ => None,
                };
            }
            Stmt::LocalFunction(lf) if ident(lf.name()) == Some(name) => out = None,
            Stmt::FunctionDeclaration(decl) => {
                let Some(fields) = out.as_mut() else { continue };
                let fname = decl.name();
                let names: Vec<&str> = fname.names().iter().filter_map(ident).collect();
                if names.len() != fname.names().len() || names.first() != Some(&name) {
                    continue;
                }
                let start = src.nspan(decl.as_ref()).map(|s| s.start).unwrap_or(0);
                let (field, kind, token) = match (names.as_slice(), fname.method_name()) {
                    ([_], Some(m)) => (ident(m), ExportKind::Method, m),
                    ([_, f], None) => {
                        let Some(t) = fname.names().iter().nth(1) else {
                            continue;
                        };
                        (Some(*f), ExportKind::Function, t)
                    }
                    _ => continue,
                };
                let Some(field) = field else { continue };
                add(
                    fields,
                    RawExport {
                        name: field.to_string(),
                        kind,
                        params: params(decl.body()),
                        doc: doc_above(src.text, start),
                        value: String::new(),
                        name_span: src.tspan(token),
                    },
                );
            }
            Stmt::Assignment(assign) => {
                let reassigned = assign
                    .variables()
                    .iter()
                    .any(|v| matches!(v, Var::Name(t) if ident(t) == Some(name)));
                if reassigned {
                    // `M = something else`: no longer the table followed so far.
                    out = None;
                    continue;
                }
                let Some(fields) = out.as_mut() else { continue };
                let start = src.nspan(assign).map(|s| s.start).unwrap_or(0);
                for (var, e) in assign.variables().iter().zip(assign.expressions().iter()) {
                    let Var::Expression(ve) = var else { continue };
                    let suffixes: Vec<&Suffix> = ve.suffixes().collect();
                    let (Prefix::Name(p), [Suffix::Index(Index::Dot { name: key, .. })]) =
                        (ve.prefix(), suffixes.as_slice())
                    else {
                        continue;
                    };
                    if ident(p) != Some(name) {
                        continue;
                    }
                    if let Some(export) = field_export(key, e, start, src, functions) {
                        add(fields, export);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Adds a definition of an export, in the order the module makes them ([`settle`] keeps one
/// per name).
fn add(fields: &mut Vec<RawExport>, export: RawExport) {
    fields.push(export);
}

/// One export per name, where it was first defined: a function defined later replaces a value
/// of the same name (`local M = { f = nil }` then `function M.f()`), otherwise the first
/// definition stays. One pass (a module of thousands of functions is common in generated
/// code; a scan per definition made it quadratic).
fn settle(defined: Vec<RawExport>) -> Vec<RawExport> {
    let mut at: HashMap<String, usize> = HashMap::with_capacity(defined.len());
    let mut out: Vec<RawExport> = Vec::with_capacity(defined.len());
    for export in defined {
        match at.get(&export.name) {
            Some(&i) => {
                let old = &mut out[i];
                if old.kind == ExportKind::Value && export.kind != ExportKind::Value {
                    *old = export;
                }
            }
            None => {
                at.insert(export.name.clone(), out.len());
                out.push(export);
            }
        }
    }
    out
}

fn constructor_fields(
    t: &ast::TableConstructor,
    src: Src,
    functions: &HashMap<&str, LocalFn>,
    out: &mut Vec<RawExport>,
) {
    for field in t.fields().iter() {
        if let Field::NameKey { key, value, .. } = field {
            let start = src.tspan(key).start;
            if let Some(export) = field_export(key, value, start, src, functions) {
                add(out, export);
            }
        }
    }
}

/// The export of `key = value`, defined by the statement or field starting at `start`.
fn field_export(
    key: &TokenReference,
    value: &Expression,
    start: usize,
    src: Src,
    functions: &HashMap<&str, LocalFn>,
) -> Option<RawExport> {
    let name = ident(key)?.to_string();
    let mut export = RawExport {
        name,
        kind: ExportKind::Value,
        params: Vec::new(),
        doc: doc_above(src.text, start),
        value: String::new(),
        name_span: src.tspan(key),
    };
    let bound = match value {
        Expression::Var(Var::Name(t)) => ident(t).and_then(|n| functions.get(n)),
        _ => None,
    };
    match (value, bound) {
        (Expression::Function(f), _) => {
            export.kind = ExportKind::Function;
            export.params = params(f.body());
        }
        (_, Some(f)) => {
            export.kind = ExportKind::Function;
            export.params = f.params.clone();
            export.name_span = f.name_span;
            if export.doc.is_empty() {
                export.doc = f.doc.clone();
            }
        }
        _ => export.value = short_value(value, src),
    }
    Some(export)
}

fn short_value(value: &Expression, src: Src) -> String {
    let Some(s) = src.nspan(value).and_then(|s| src.text.get(s.start..s.end)) else {
        return String::new();
    };
    let line = s.lines().next().unwrap_or("");
    if line.len() <= SHORT_VALUE && line.len() == s.len() {
        return s.to_string();
    }
    let mut cut = line.len().min(SHORT_VALUE);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{} …", &line[..cut])
}

/// The `--` comment lines directly above the line holding `offset`, when the definition
/// starts that line; dashes and one space stripped, in source order.
pub fn doc_above(text: &str, offset: usize) -> String {
    let Some(before) = text.get(..offset) else {
        return String::new();
    };
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    if !before[line_start..].trim().is_empty() {
        return String::new();
    }
    let mut lines: Vec<&str> = Vec::new();
    let mut size = 0;
    let above = before.get(..line_start.saturating_sub(1)).unwrap_or("");
    for line in above.rsplit('\n') {
        let line = line.trim();
        if !line.starts_with("--") || line.starts_with("--[") {
            break;
        }
        let content = line.trim_start_matches('-');
        let content = content.strip_prefix(' ').unwrap_or(content).trim_end();
        size += content.len() + 1;
        if size > MAX_DOC {
            break;
        }
        lines.push(content);
    }
    lines.reverse();
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The names a script declares in its top-level `properties = { ... }` table (what a scene
/// may override), with their spans; `None` when it declares none.
pub fn declared_properties(parse: &Parse) -> Option<Vec<(String, Span)>> {
    let mut out = None;
    for (base, stmt) in parse.stmts() {
        let src = Src { text: "", base };
        let Stmt::Assignment(assign) = stmt else {
            continue;
        };
        for (var, e) in assign.variables().iter().zip(assign.expressions().iter()) {
            let Var::Name(t) = var else { continue };
            if ident(t) != Some("properties") {
                continue;
            }
            let Expression::TableConstructor(table) = e else {
                // Built some other way: the names are not known here.
                return None;
            };
            let mut names = Vec::new();
            for field in table.fields().iter() {
                match field {
                    Field::NameKey { key, .. } => {
                        if let Some(k) = ident(key) {
                            names.push((k.to_string(), src.tspan(key)));
                        }
                    }
                    Field::ExpressionKey { key, .. } => {
                        if let Expression::String(s) = &**key {
                            if let Some(k) = super::model::string_literal(s) {
                                names.push((k.to_string(), src.tspan(s)));
                            }
                        }
                    }
                    _ => {}
                }
            }
            out = Some(names);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, expect: Expect) {
        expect.assert_eq(&render(text));
    }

    fn render(text: &str) -> String {
        let file = super::super::analyze(text, &crescent_api::builtin());
        let Some(exports) = exports(&file.parse, text) else {
            return "(no exports)".into();
        };
        let mut out = String::new();
        for e in exports {
            let at = text.get(e.name_span.start..e.name_span.end).unwrap_or("?");
            let params = match e.kind {
                ExportKind::Value => String::new(),
                _ => format!("({})", e.params.join(", ")),
            };
            out.push_str(&format!(
                "{:?} {}{params} @{}:{at}",
                e.kind, e.name, e.name_span.start
            ));
            if !e.value.is_empty() {
                out.push_str(&format!(" = {}", e.value));
            }
            if !e.doc.is_empty() {
                out.push_str(&format!(" [{}]", e.doc.replace('\n', "|")));
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn doc_lines_directly_above() {
        let text = "x = 1\n\n--- Clamps.\n-- Second line.\n---\nfunction f() end\n";
        let at = text.find("function").unwrap_or(0);
        assert_eq!(doc_above(text, at), "Clamps.\nSecond line.");
        // A blank line cuts the comment off; so does code before the definition.
        let text = "-- far\n\nfunction f() end\nlocal a = 1 -- no\nlocal b = 2";
        assert_eq!(doc_above(text, text.find("function").unwrap_or(0)), "");
        assert_eq!(doc_above(text, text.find("b =").unwrap_or(0)), "");
        assert_eq!(doc_above("-- only\nf()", 8), "only");
        assert_eq!(doc_above("", 0), "");
        assert_eq!(doc_above("--[[ block ]]\nf()", 14), "");
    }

    #[test]
    fn a_local_table_with_functions_methods_and_values() {
        check(
            r#"-- Shared helpers.
local M = {
  -- Units per metre.
  SCALE = 1.5,
  name = "util",
  make = function(kind, ...) end,
}

--- Clamps `x` into [lo, hi].
---@param x number
function M.clamp(x, lo, hi)
  return x
end

-- Moves toward the goal.
function M:step(dt) end

M.limit = 10 -- not a doc: the comment is after the code
M.lerp = function(a, b, t) end
local function helper() end
M.helper = helper
M.nested.field = 1
local other = {}
function other.hidden() end

return M
"#,
            expect![[r#"
                Value SCALE @55:SCALE = 1.5 [Units per metre.]
                Value name @70:name = "util"
                Function make(kind, ...) @87:make
                Function clamp(x, lo, hi) @182:clamp [Clamps `x` into [lo, hi].|@param x number]
                Method step(dt) @252:step [Moves toward the goal.]
                Value limit @268:limit = 10
                Function lerp(a, b, t) @325:lerp
                Function helper() @369:helper
            "#]],
        );
    }

    #[test]
    fn a_returned_table_constructor() {
        check(
            r#"--- Adds two numbers.
local function add(a, b) return a + b end
local sub = function(a, b) return a - b end
function div(a, b) return a / b end

return {
  add = add,
  -- Subtracts.
  sub = sub,
  mul = function(a, b) end,
  div = div,
  answer = 42,
  [1] = "skipped",
  "positional",
}
"#,
            expect![[r#"
                Function add(a, b) @37:add [Adds two numbers.]
                Function sub(a, b) @70:sub [Subtracts.]
                Function mul(a, b) @198:mul
                Function div(a, b) @117:div
                Value answer @239:answer = 42
            "#]],
        );
    }

    #[test]
    fn a_later_function_replaces_a_placeholder_and_redeclaring_starts_over() {
        check(
            "local M = { f = nil, g = 1 }\nfunction M.f(x) end\nM.g = function() end\nreturn M\n",
            expect![[r#"
                Function f(x) @40:f
                Function g() @51:g
            "#]],
        );
        check(
            "local M = {}\nfunction M.old() end\nlocal M = {}\nfunction M.new() end\nreturn M\n",
            expect![[r#"
                Function new() @58:new
            "#]],
        );
        check(
            "local M = {}\nfunction M.f() end\nM = setmetatable({}, M)\nreturn M\n",
            expect!["(no exports)"],
        );
    }

    #[test]
    fn modules_that_return_no_table_export_nothing() {
        check("return function(x) return x end\n", expect!["(no exports)"]);
        check(
            "local M = {}\nfunction M.f() end\n",
            expect!["(no exports)"],
        );
        check("", expect!["(no exports)"]);
        check("local n = 3\nreturn n\n", expect!["(no exports)"]);
        check(
            "local M = make()\nfunction M.f() end\nreturn M\n",
            expect!["(no exports)"],
        );
        check("return require(\"lib.other\")\n", expect!["(no exports)"]);
        check("return {}\n", expect![""]);
    }

    #[test]
    fn broken_and_odd_text_is_safe() {
        // The parser's recovery keeps what it could read.
        check(
            "local M = {}\nfunction M.f(a, \nreturn M\n",
            expect![[r#"
                Function f(a) @24:f
            "#]],
        );
        for text in [
            "local M = {}\nfunction M.\nreturn M",
            "return {",
            "return { f = function(",
            "local M = { = }\nreturn M",
            "-- é漢😀\nlocal M = {}\n-- é漢😀\nfunction M.é() end\nreturn M",
            "return M",
            "local M <const> = { a = 1 }\nreturn M, 2",
        ] {
            let _ = render(text);
        }
        check(
            "local M <const> = { a = 1 }\nreturn M, 2",
            expect![[r#"
                Value a @20:a = 1
            "#]],
        );
    }
}
