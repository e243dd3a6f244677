//! The semantic model of one file: scopes, locals, what each name refers to, engine calls.
//!
//! One walk over the (possibly partial) full_moon tree produces a [`Model`] of plain data with
//! byte spans; every feature (lints, completion, hover, navigation, summaries) reads the model
//! instead of walking the tree again. Engine knowledge comes only from the [`Api`] value:
//! which globals are namespaces, what a function returns, which parameters take component
//! names (each parameter's explicit [`ParamKind`]). What is read from the API description:
//! - a function whose component-name parameter is followed by a component-value parameter
//!   defines the component (a setter); one with a single component-name parameter returning
//!   `any` returns that component;
//! - a return type `fun(): A, B` is an iterator whose first value has type `A` and whose next
//!   values are the named components;
//! - the type of a lifecycle callback's first parameter (`Self`) is open: scripts add fields.

use super::parse::Parse;
use crate::members::Member;

mod fragment;
use crescent_api::{Api, Callback, Function, ParamKind};
pub use fragment::Fragments;
use full_moon::ast::{
    self, Block, Expression, FunctionArgs, FunctionBody, Index, LastStmt, Parameter, Prefix, Stmt,
    Suffix, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::{Symbol, TokenReference, TokenType};
use std::collections::HashMap;

/// A byte range of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The span moved `by` bytes later.
    pub fn shifted(self, by: usize) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// Whether `offset` is inside or at the end of the span.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// What the analysis knows about the value of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// An engine namespace table (`world`).
    Namespace(String),
    /// A value of an engine type (`Entity`, `vec3`, `Self`).
    Type(String),
    /// A copy of a component (`entity:get("Transform")`).
    Component(String),
    /// The value a `require`d module returns.
    Module(String),
}

/// What calling a function gives back, when the analysis knows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Returns {
    /// A value of this type: `---@return Enemy`, or the function returns a value of it
    /// (`return Enemy.new(hp)`, `return vec3(x, 0, z)`).
    Ty(Ty),
    /// The type of the argument at this position: `---@generic T` with `---@param x T` and
    /// `---@return T`.
    Arg(usize),
}

/// How a local came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    /// `local x`.
    Local,
    /// `local function f`.
    Function,
    /// A function parameter (including the implicit `self` of `function t:m()`).
    Param,
    /// A `for` loop variable.
    ForVar,
}

/// A local variable.
#[derive(Debug, Clone)]
pub struct Local {
    /// Its name.
    pub name: String,
    /// Where it is declared (the name).
    pub decl: Span,
    /// Bytes where the name refers to this local.
    pub visible: Span,
    /// How it was declared.
    pub kind: LocalKind,
    /// What its value is known to be.
    pub ty: Option<Ty>,
    /// Source of the expression it was first bound to, shortened.
    pub init: Option<String>,
    /// Places that read it.
    pub reads: Vec<Span>,
    /// Places that assign it after the declaration.
    pub writes: Vec<Span>,
    /// Its Lua 5.4 attribute (`const` or `close`), if declared with one.
    pub attrib: Option<String>,
    /// For a `local function`: what a call of it gives back.
    pub returns: Option<Returns>,
}

/// A callable engine item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A global function (`vec3`).
    Global(String),
    /// A function of a namespace (`world.spawn`).
    Namespace(String, String),
    /// A method of a type (`Entity:get`).
    Method(String, String),
    /// A function on a type's own table (`Enemy.new`, a script class's constructor).
    Static(String, String),
}

impl Callee {
    /// The described function, if the API has it.
    pub fn function<'a>(&self, api: &'a Api) -> Option<&'a Function> {
        match self {
            Callee::Global(name) => api.global(name),
            Callee::Namespace(ns, name) => api
                .namespace(ns)
                .and_then(|n| n.functions.iter().find(|f| &f.name == name)),
            Callee::Method(ty, name) => api
                .type_def(ty)
                .and_then(|t| t.methods.iter().find(|f| &f.name == name)),
            Callee::Static(ty, name) => api
                .type_def(ty)
                .and_then(|t| t.statics.iter().find(|f| &f.name == name)),
        }
    }

    /// How the item is written in docs: `world.spawn`, `Entity:get`, `vec3`.
    pub fn path(&self) -> String {
        match self {
            Callee::Global(name) => name.clone(),
            Callee::Namespace(ns, name) => format!("{ns}.{name}"),
            Callee::Method(ty, name) => format!("{ty}:{name}"),
            Callee::Static(ty, name) => format!("{ty}.{name}"),
        }
    }
}

/// What a name in the source refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A local, by index into [`Model::locals`].
    Local(usize),
    /// A global of the file or the engine.
    Global(String),
    /// A member of a value of known type.
    Member {
        /// The value's type.
        base: Ty,
        /// The member name.
        name: String,
    },
    /// A field of the script's `self`.
    SelfField(String),
    /// A component name inside a string.
    Component(String),
    /// A module name inside `require("...")`.
    Module(String),
}

/// One name in the source and what it refers to.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The name's bytes.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
}

/// A call of an engine function.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function called.
    pub callee: Callee,
    /// The callee's name in the source.
    pub name_span: Span,
    /// The whole call.
    pub span: Span,
    /// Number of arguments written.
    pub args: usize,
    /// Whether the last argument may expand to several values (a call or `...`).
    pub open_tail: bool,
    /// The argument list, parentheses included.
    pub args_span: Span,
    /// Each argument of a parenthesised list, in order (empty for `f"s"` and `f{...}`).
    pub arg_spans: Vec<Span>,
    /// The first argument when it is a string literal: its text and the span inside the
    /// quotes.
    pub first_string: Option<(String, Span)>,
}

/// A member access the API does not know.
#[derive(Debug, Clone)]
pub struct UnknownMember {
    /// The namespace or type accessed.
    pub base: Ty,
    /// The unknown name.
    pub name: String,
    /// Where the name is.
    pub span: Span,
    /// Whether it was called as a method (`:`).
    pub method: bool,
}

/// A component name written as a string literal.
#[derive(Debug, Clone)]
pub struct ComponentUse {
    /// The name.
    pub name: String,
    /// The text inside the quotes (or the table key).
    pub span: Span,
    /// Whether this use gives the component a value (`set`, a spawn table key).
    pub defines: bool,
}

/// A named function declaration (`function f()`, `function M.f()`, `local function f()`).
#[derive(Debug, Clone)]
pub struct FunctionDecl {
    /// Written name: `f`, `M.f`, `M:f`.
    pub name: String,
    /// The name in the source.
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
    /// Parameter names (`...` for varargs).
    pub params: Vec<String>,
    /// Declared with `:`.
    pub method: bool,
    /// Declared at the top level of the file.
    pub top_level: bool,
    /// Assigns a global (`function f()` with no local `f` in scope).
    pub global: bool,
    /// `local function`.
    pub local: bool,
    /// What a call of it gives back, from its `---@return` or its `return` statements.
    pub returns: Option<Returns>,
}

/// An assignment to `self.name`.
#[derive(Debug, Clone)]
pub struct SelfField {
    /// The field name.
    pub name: String,
    /// The name in the source.
    pub span: Span,
    /// The type of the assigned value, when known.
    pub ty: Option<Ty>,
    /// Declared in the script's top-level `properties = { ... }` table (which the engine
    /// copies into every instance's `self`), not assigned as `self.name`.
    pub property: bool,
}

/// Everything one walk learns about a file.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Every local, in declaration order.
    pub locals: Vec<Local>,
    /// Names and what they refer to, sorted by position.
    pub occurrences: Vec<Occurrence>,
    /// Calls of engine functions.
    pub calls: Vec<Call>,
    /// Accesses of members the API does not have.
    pub unknown_members: Vec<UnknownMember>,
    /// Engine namespaces called as if they were functions (`log("x")`), by name and span.
    pub namespace_calls: Vec<(String, Span)>,
    /// Component names in strings and spawn tables.
    pub components: Vec<ComponentUse>,
    /// Reads of globals (not shadowed by a local).
    pub global_reads: Vec<(String, Span)>,
    /// Assignments of globals (including `function f()`).
    pub global_writes: Vec<(String, Span)>,
    /// `global.member` paths read (`os.execute`), for sandbox checks.
    pub global_paths: Vec<(String, Span)>,
    /// Named function declarations.
    pub functions: Vec<FunctionDecl>,
    /// Spans of every function body (named or anonymous).
    pub function_bodies: Vec<Span>,
    /// Spans of the outermost function bodies, sorted and disjoint.
    pub top_level_bodies: Vec<Span>,
    /// Assignments to `self.x`, in source order.
    pub self_fields: Vec<SelfField>,
    /// `require("name")` calls with a literal name (the span is inside the quotes).
    pub requires: Vec<(String, Span)>,
    /// In the model of one place ([`Fragments::cursor`]): the file's other runs, whose
    /// declarations (global writes, `self` fields, functions, components) it shares instead
    /// of copying. The `all_` methods read them with this model's own, in file order.
    pub shared: fragment::Shared,
}

impl Model {
    /// Builds the model of a parsed file.
    pub fn build(parse: &Parse, text: &str, api: &Api) -> Model {
        Model::build_after(parse, text, api, None, false).0
    }

    /// The occurrence under byte `offset`, if a name is there.
    pub fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        let i = self.occurrences.partition_point(|o| o.span.start <= offset);
        self.occurrences[..i]
            .iter()
            .rev()
            .take(4)
            .find(|o| o.span.touches(offset))
    }

    /// Locals visible at `offset`, innermost (shadowing) first, one per name.
    pub fn locals_at(&self, offset: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for (i, l) in self.locals.iter().enumerate().rev() {
            if l.visible.start <= offset
                && offset <= l.visible.end
                && !out.iter().any(|&j| self.locals[j].name == l.name)
            {
                out.push(i);
            }
        }
        out
    }

    /// The local a name at `offset` would refer to.
    pub fn resolve_local(&self, name: &str, offset: usize) -> Option<usize> {
        self.locals_at(offset)
            .into_iter()
            .find(|&i| self.locals[i].name == name)
    }

    /// Whether `offset` lies inside some function body.
    pub fn in_function(&self, offset: usize) -> bool {
        let i = self.top_level_bodies.partition_point(|b| b.start < offset);
        i > 0 && offset < self.top_level_bodies[i - 1].end
    }

    /// The first assignment of each `self` field, in source order.
    pub fn self_field(&self, name: &str) -> Option<&SelfField> {
        self.all_self_fields().find(|f| f.name == name)
    }

    /// This model's and the shared runs' entries of one list, in file order. Spans of the
    /// shared runs' entries count from the start of their run: read names, types and flags.
    fn all<'a, T>(
        &'a self,
        own: &'a [T],
        part: fn(&Model) -> &[T],
    ) -> impl Iterator<Item = &'a T> + 'a {
        let (before, after) = self.shared.split();
        before
            .iter()
            .flat_map(move |m| part(m).iter())
            .chain(own.iter())
            .chain(after.iter().flat_map(move |m| part(m).iter()))
    }

    /// Every `self` field assignment, own and shared, in source order.
    pub fn all_self_fields(&self) -> impl Iterator<Item = &SelfField> {
        self.all(&self.self_fields, |m| &m.self_fields)
    }

    /// Every named function declaration, own and shared.
    pub fn all_functions(&self) -> impl Iterator<Item = &FunctionDecl> {
        self.all(&self.functions, |m| &m.functions)
    }

    /// Every global assignment, own and shared.
    pub fn all_global_writes(&self) -> impl Iterator<Item = &(String, Span)> {
        self.all(&self.global_writes, |m| &m.global_writes)
    }

    /// Every component name use, own and shared.
    pub fn all_components(&self) -> impl Iterator<Item = &ComponentUse> {
        self.all(&self.components, |m| &m.components)
    }
}

/// The name of a token when it is an identifier.
pub fn ident(token: &TokenReference) -> Option<&str> {
    match token.token().token_type() {
        TokenType::Identifier { identifier } => Some(identifier.as_str()),
        _ => None,
    }
}

/// The contents of a token when it is a quoted string literal.
pub fn string_literal(token: &TokenReference) -> Option<&str> {
    match token.token().token_type() {
        TokenType::StringLiteral { literal, .. } => Some(literal.as_str()),
        _ => None,
    }
}

/// The byte span of a token, without trivia.
pub fn token_span(token: &TokenReference) -> Span {
    Span::new(
        token.token().start_position().bytes(),
        token.token().end_position().bytes(),
    )
}

/// Whether a token was invented by the parser to recover from an error.
fn phantom(token: &TokenReference) -> bool {
    token.token().start_position().line() == 0
}

/// The byte span of a node, without trivia; `None` for nodes the parser invented.
pub fn node_span(node: &impl Node) -> Option<Span> {
    let (s, e) = node.range()?;
    if s.line() == 0 {
        return None;
    }
    Some(Span::new(s.bytes(), e.bytes()))
}

/// Parses an API type string into what the analysis tracks.
pub fn ty_from_api(api: &Api, ty: &str) -> Option<Ty> {
    let t = ty.trim().trim_end_matches('?');
    api.type_def(t).map(|d| Ty::Type(d.name.clone()))
}

/// What a call of the export `name` of `module` gives back, from the module's type the
/// workspace added to the API (`crate::classes::module_type`): its functions with a declared
/// or inferred return, as statics, and its `:` functions as methods.
pub fn export_returns(api: &Api, module: &str, name: &str, method: bool) -> Option<Ty> {
    let d = api.type_def(&crate::classes::module_type(module))?;
    let fs = if method { &d.methods } else { &d.statics };
    let f = fs.iter().find(|f| f.name == name)?;
    f.returns.first().and_then(|r| ty_from_api(api, &r.ty))
}

/// Whether a parameter takes a component name.
pub fn takes_component(p: &crescent_api::Param) -> bool {
    p.kind == ParamKind::ComponentName
}

/// Whether a parameter takes a table keyed by component names.
pub fn takes_component_table(p: &crescent_api::Param) -> bool {
    p.kind == ParamKind::ComponentTable
}

/// Whether a function gives the component named by its first argument a value.
pub fn defines_component(f: &Function) -> bool {
    f.params.first().is_some_and(takes_component)
        && f.params
            .get(1)
            .is_some_and(|p| p.kind == ParamKind::ComponentValue)
}

/// Whether a function returns the component named by its first argument.
pub fn returns_component(f: &Function) -> bool {
    f.params.len() == 1
        && takes_component(&f.params[0])
        && f.returns.first().is_some_and(|r| r.ty == "any")
}

/// The type of `self` in lifecycle callbacks (open: scripts add fields to it).
pub fn open_type(api: &Api) -> Option<&str> {
    api.callbacks
        .iter()
        .find_map(|c| c.params.first())
        .map(|p| p.ty.trim_end_matches('?'))
}

const SHORT: usize = 80;

struct Walker<'a> {
    api: &'a Api,
    text: &'a str,
    model: Model,
    /// Indices of the locals of each open block.
    scopes: Vec<Vec<usize>>,
    /// Function nesting depth (0: top level).
    depth: usize,
    /// The type of the implicit `self` of the method whose body is walked next.
    self_ty: Option<Ty>,
    /// What the runs before this one left visible.
    outer: Outer<'a>,
    /// For each function body being walked, the type of the first `return` whose value's
    /// type is known.
    returned: Vec<Option<Ty>>,
}

/// What the runs before the one being walked left visible: their top-level locals and `self`
/// fields.
struct Outer<'a> {
    /// The model so far.
    locals: &'a [Local],
    /// Indices into `locals` of the top-level locals, in declaration order.
    top: &'a [usize],
    /// The position in `top` of the last top-level local of each name.
    by_name: &'a HashMap<String, usize>,
    /// Placeholders made so far: position in `top` -> index among the run's locals.
    placed: HashMap<usize, usize>,
    /// The `self` fields assigned so far, and the first assignment of each name among them.
    self_fields: &'a [SelfField],
    first_self: &'a HashMap<String, usize>,
}

/// What is known about a prefix chain while walking its suffixes.
struct Cursor {
    ty: Option<Ty>,
    callee: Option<Callee>,
    global: Option<String>,
    is_self: bool,
    /// What calling the value gives back, when no engine callee says: a local function's
    /// or a module export's declared or inferred return.
    returns: Option<Returns>,
}

impl<'a> Walker<'a> {
    /// The first assignment of `self.name`, in an earlier run or in this one.
    fn self_field(&self, name: &str) -> Option<&SelfField> {
        match self.outer.first_self.get(name) {
            Some(&i) => self.outer.self_fields.get(i),
            None => self.model.self_field(name),
        }
    }

    fn lookup(&mut self, name: &str) -> Option<usize> {
        for scope in self.scopes.iter().rev() {
            for &i in scope.iter().rev() {
                if self.model.locals[i].name == name {
                    return Some(i);
                }
            }
        }
        self.outer_local(name)
    }

    /// Whether `name` is a local here (without recording a use).
    fn is_local(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .flatten()
            .any(|&i| self.model.locals[i].name == name)
            || self.outer.by_name.contains_key(name)
    }

    /// A top-level local of an earlier run named `name`: a placeholder for it among this
    /// run's locals, made on first use (what the walk does to it is replayed on the real one
    /// when the fragments are joined).
    fn outer_local(&mut self, name: &str) -> Option<usize> {
        let &k = self.outer.by_name.get(name)?;
        if let Some(&i) = self.outer.placed.get(&k) {
            return Some(i);
        }
        let real = &self.outer.locals[self.outer.top[k]];
        let i = self.model.locals.len();
        // Not `real.clone()`: its reads and writes grow with every run that uses it.
        self.model.locals.push(Local {
            name: real.name.clone(),
            decl: real.decl,
            visible: real.visible,
            kind: real.kind,
            ty: real.ty.clone(),
            init: real.init.clone(),
            reads: Vec::new(),
            writes: Vec::new(),
            attrib: real.attrib.clone(),
            returns: real.returns.clone(),
        });
        self.outer.placed.insert(k, i);
        Some(i)
    }

    fn declare(
        &mut self,
        token: &TokenReference,
        kind: LocalKind,
        ty: Option<Ty>,
        init: Option<String>,
        visible_from: usize,
    ) -> Option<usize> {
        let name = ident(token)?.to_string();
        if phantom(token) {
            return None;
        }
        let decl = token_span(token);
        let idx = self.model.locals.len();
        self.model.locals.push(Local {
            name,
            decl,
            visible: Span::new(visible_from, usize::MAX),
            kind,
            ty,
            init,
            reads: Vec::new(),
            writes: Vec::new(),
            attrib: None,
            returns: None,
        });
        self.model.occurrences.push(Occurrence {
            span: decl,
            target: Target::Local(idx),
        });
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(idx);
        }
        Some(idx)
    }

    fn block(&mut self, block: &Block, end: usize) {
        self.scopes.push(Vec::new());
        self.block_in_scope(block, end);
        self.close_scope(end);
    }

    fn close_scope(&mut self, end: usize) {
        if let Some(scope) = self.scopes.pop() {
            for i in scope {
                let l = &mut self.model.locals[i];
                l.visible.end = end.max(l.visible.start);
            }
        }
    }

    fn block_in_scope(&mut self, block: &Block, end: usize) {
        for stmt in block.stmts() {
            self.stmt(stmt, end);
        }
        if let Some(LastStmt::Return(ret)) = block.last_stmt() {
            for (k, e) in ret.returns().iter().enumerate() {
                let ty = self.expr(e);
                if k == 0 && ty.is_some() {
                    if let Some(slot @ None) = self.returned.last_mut() {
                        *slot = ty;
                    }
                }
            }
        }
    }

    /// Offset where a block closed by `token` ends, or `fallback` when the token is missing.
    fn end_of(&self, token: &TokenReference, fallback: usize) -> usize {
        if phantom(token) {
            fallback
        } else {
            token.token().start_position().bytes()
        }
    }

    fn short(&self, node: &impl Node) -> Option<String> {
        let span = node_span(node)?;
        let text = self.text.get(span.start..span.end)?;
        let line = text.lines().next().unwrap_or("");
        if line.len() > SHORT || line.len() < text.len() {
            let mut cut = line.len().min(SHORT);
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            Some(format!("{} …", &line[..cut]))
        } else {
            Some(text.to_string())
        }
    }

    fn stmt(&mut self, stmt: &Stmt, end: usize) {
        match stmt {
            Stmt::LocalAssignment(local) => {
                let tys: Vec<Option<Ty>> =
                    local.expressions().iter().map(|e| self.expr(e)).collect();
                let inits: Vec<Option<String>> =
                    local.expressions().iter().map(|e| self.short(e)).collect();
                let from = node_span(local).map(|s| s.end).unwrap_or(end);
                // `---@type T` above the statement types its first name.
                let annotated = node_span(local).and_then(|s| {
                    let tags = crate::annotations::tags_above(self.text, s.start);
                    crate::annotations::declared(self.api, &tags)
                });
                let attribs: Vec<Option<String>> = local
                    .attributes()
                    .map(|a| a.and_then(|a| ident(a.name())).map(String::from))
                    .collect();
                for (i, name) in local.names().iter().enumerate() {
                    let ty = match (i, &annotated) {
                        (0, Some(t)) => Some(t.clone()),
                        _ => tys.get(i).cloned().flatten(),
                    };
                    let init = inits.get(i).cloned().flatten();
                    if let Some(idx) = self.declare(name, LocalKind::Local, ty, init, from) {
                        self.model.locals[idx].attrib = attribs.get(i).cloned().flatten();
                    }
                }
            }
            Stmt::Assignment(assign) => {
                let vars: Vec<&Var> = assign.variables().iter().collect();
                let mut tys: Vec<Option<Ty>> = Vec::new();
                for (i, e) in assign.expressions().iter().enumerate() {
                    let properties = self.depth == 0
                        && matches!(vars.get(i), Some(Var::Name(t)) if ident(t) == Some("properties"));
                    match e {
                        Expression::TableConstructor(table) if properties => {
                            self.properties(table);
                            tys.push(None);
                        }
                        _ => tys.push(self.expr(e)),
                    }
                }
                for (i, var) in assign.variables().iter().enumerate() {
                    let ty = tys.get(i).cloned().flatten();
                    self.assign_var(var, ty);
                }
            }
            Stmt::FunctionCall(call) => {
                let suffixes: Vec<&Suffix> = call.suffixes().collect();
                self.chain(call.prefix(), &suffixes, false);
            }
            Stmt::Do(d) => {
                let e = self.end_of(d.end_token(), end);
                self.block(d.block(), e);
            }
            Stmt::While(w) => {
                self.expr(w.condition());
                let e = self.end_of(w.end_token(), end);
                self.block(w.block(), e);
            }
            Stmt::Repeat(r) => {
                // The `until` condition sees the block's locals.
                self.scopes.push(Vec::new());
                self.block_in_scope(r.block(), end);
                self.expr(r.until());
                let e = node_span(r).map(|s| s.end).unwrap_or(end);
                self.close_scope(e);
            }
            Stmt::If(i) => {
                self.expr(i.condition());
                let close = self.end_of(i.end_token(), end);
                let mut next_starts: Vec<usize> = Vec::new();
                if let Some(elifs) = i.else_if() {
                    for elif in elifs {
                        next_starts.push(self.end_of(elif.else_if_token(), close));
                    }
                }
                if let Some(t) = i.else_token() {
                    next_starts.push(self.end_of(t, close));
                }
                next_starts.push(close);
                self.block(i.block(), next_starts[0]);
                if let Some(elifs) = i.else_if() {
                    for (k, elif) in elifs.iter().enumerate() {
                        self.expr(elif.condition());
                        self.block(elif.block(), next_starts[k + 1]);
                    }
                }
                if let Some(b) = i.else_block() {
                    self.block(b, close);
                }
            }
            Stmt::NumericFor(f) => {
                self.expr(f.start());
                self.expr(f.end());
                if let Some(s) = f.step() {
                    self.expr(s);
                }
                let e = self.end_of(f.end_token(), end);
                self.scopes.push(Vec::new());
                let from = token_span(f.do_token()).start;
                self.declare(f.index_variable(), LocalKind::ForVar, None, None, from);
                self.block(f.block(), e);
                self.close_scope(e);
            }
            Stmt::GenericFor(f) => {
                let mut yields: Vec<Option<Ty>> = Vec::new();
                for (k, e) in f.expressions().iter().enumerate() {
                    let t = self.expr(e);
                    if k == 0 {
                        yields = self.iterator_yields(e);
                    }
                    let _ = t;
                }
                let e = self.end_of(f.end_token(), end);
                self.scopes.push(Vec::new());
                let from = token_span(f.do_token()).start;
                for (k, name) in f.names().iter().enumerate() {
                    let ty = yields.get(k).cloned().flatten();
                    self.declare(name, LocalKind::ForVar, ty, None, from);
                }
                self.block(f.block(), e);
                self.close_scope(e);
            }
            Stmt::FunctionDeclaration(decl) => self.function_declaration(decl),
            Stmt::LocalFunction(lf) => {
                let from = token_span(lf.name()).start;
                let idx = self.declare(lf.name(), LocalKind::Function, None, None, from);
                let decl = match (ident(lf.name()), node_span(lf.as_ref())) {
                    (Some(name), Some(span)) => {
                        self.model.functions.push(FunctionDecl {
                            name: name.to_string(),
                            name_span: token_span(lf.name()),
                            span,
                            params: params(lf.body()),
                            method: false,
                            top_level: self.depth == 0,
                            global: false,
                            local: true,
                            returns: None,
                        });
                        Some(self.model.functions.len() - 1)
                    }
                    _ => None,
                };
                if let Some(i) = idx {
                    self.model.locals[i].init =
                        Some(format!("function{}", self.signature_text(lf.body())));
                }
                let returns = self.function_body(lf.body(), false, None);
                // Calls after the body (and in later runs) know what it gives back; a
                // recursive call inside it does not.
                if let Some(i) = idx {
                    self.model.locals[i].returns = returns.clone();
                }
                if let Some(d) = decl {
                    self.model.functions[d].returns = returns;
                }
            }
            _ => {}
        }
    }

    fn signature_text(&self, body: &FunctionBody) -> String {
        format!("({})", params(body).join(", "))
    }

    fn function_declaration(&mut self, decl: &ast::FunctionDeclaration) {
        let fname = decl.name();
        let names: Vec<&TokenReference> = fname.names().iter().collect();
        let Some(first) = names.first() else { return };
        let Some(first_name) = ident(first) else {
            return;
        };
        let first_span = token_span(first);
        let local = self.lookup(first_name);
        let single = names.len() == 1 && fname.method_name().is_none();
        match local {
            Some(i) => {
                if single {
                    self.model.locals[i].writes.push(first_span);
                } else {
                    self.model.locals[i].reads.push(first_span);
                }
                self.model.occurrences.push(Occurrence {
                    span: first_span,
                    target: Target::Local(i),
                });
            }
            None => {
                if single {
                    self.model
                        .global_writes
                        .push((first_name.to_string(), first_span));
                } else {
                    self.model
                        .global_reads
                        .push((first_name.to_string(), first_span));
                }
                self.model.occurrences.push(Occurrence {
                    span: first_span,
                    target: Target::Global(first_name.to_string()),
                });
            }
        }
        let mut written: Vec<String> = names
            .iter()
            .filter_map(|t| ident(t))
            .map(String::from)
            .collect();
        let mut name_span = names.last().map(|t| token_span(t)).unwrap_or(first_span);
        let method = fname.method_name().is_some();
        if let Some(m) = fname.method_name() {
            if let Some(n) = ident(m) {
                let last = written.pop().unwrap_or_default();
                written.push(format!("{last}:{n}"));
                name_span = token_span(m);
            }
        }
        let callback = if single && local.is_none() && self.depth == 0 {
            self.api.callback(first_name)
        } else {
            None
        };
        let at = node_span(decl).map(|span| {
            self.model.functions.push(FunctionDecl {
                name: written.join("."),
                name_span,
                span,
                params: params(decl.body()),
                method,
                top_level: self.depth == 0,
                global: single && local.is_none(),
                local: false,
                returns: None,
            });
            self.model.functions.len() - 1
        });
        // `function Enemy:hurt()` where `Enemy` is a declared class: `self` is an `Enemy`.
        let self_ty = if method {
            match local.and_then(|i| self.model.locals[i].ty.clone()) {
                Some(Ty::Type(t)) if names.len() == 1 => Some(Ty::Type(t)),
                None if local.is_none() && names.len() == 1 => self
                    .api
                    .type_def(first_name)
                    .map(|d| Ty::Type(d.name.clone())),
                _ => None,
            }
        } else {
            None
        };
        self.self_ty = self_ty;
        let returns = self.function_body(decl.body(), method, callback);
        if let Some(at) = at {
            self.model.functions[at].returns = returns;
        }
    }

    /// Walks a function's parameters and body; what a call of it gives back, when known.
    fn function_body(
        &mut self,
        body: &FunctionBody,
        implicit_self: bool,
        callback: Option<&'a Callback>,
    ) -> Option<Returns> {
        let start = token_span(body.parameters_parentheses().tokens().0).start;
        let end = self.end_of(body.end_token(), self.text.len());
        self.model.function_bodies.push(Span::new(start, end));
        if self.depth == 0 {
            self.model.top_level_bodies.push(Span::new(start, end));
        }
        self.depth += 1;
        self.scopes.push(Vec::new());
        if implicit_self {
            let idx = self.model.locals.len();
            let ty = self.self_ty.take();
            self.model.locals.push(Local {
                name: "self".into(),
                decl: Span::new(start, start),
                visible: Span::new(start, usize::MAX),
                kind: LocalKind::Param,
                ty,
                init: None,
                reads: vec![Span::new(start, start)],
                writes: Vec::new(),
                attrib: None,
                returns: None,
            });
            if let Some(scope) = self.scopes.last_mut() {
                scope.push(idx);
            }
        }
        // `---@param` lines above the line the parameter list is on.
        let tags = crate::annotations::tags_above(self.text, start);
        for (i, p) in body.parameters().iter().enumerate() {
            if let Parameter::Name(token) = p {
                let ty = callback
                    .and_then(|c| c.params.get(i))
                    .and_then(|p| ty_from_api(self.api, &p.ty))
                    .or_else(|| {
                        let name = ident(token)?;
                        crate::annotations::param(self.api, &tags, name)
                    });
                self.declare(token, LocalKind::Param, ty, None, start);
            }
        }
        self.returned.push(None);
        self.block(body.block(), end);
        let inferred = self.returned.pop().flatten();
        self.close_scope(end);
        self.depth -= 1;
        crate::annotations::returns(self.api, &tags, &params(body)).or(inferred.map(Returns::Ty))
    }

    fn assign_var(&mut self, var: &Var, ty: Option<Ty>) {
        match var {
            Var::Name(token) => {
                let Some(name) = ident(token) else { return };
                let span = token_span(token);
                match self.lookup(name) {
                    Some(i) => {
                        self.model.locals[i].writes.push(span);
                        if self.model.locals[i].ty.is_none() {
                            self.model.locals[i].ty = ty;
                        }
                        self.model.occurrences.push(Occurrence {
                            span,
                            target: Target::Local(i),
                        });
                    }
                    None => {
                        self.model.global_writes.push((name.to_string(), span));
                        self.model.occurrences.push(Occurrence {
                            span,
                            target: Target::Global(name.to_string()),
                        });
                    }
                }
            }
            Var::Expression(ve) => {
                let suffixes: Vec<&Suffix> = ve.suffixes().collect();
                // `self.x = value` records a field of the script instance.
                if let (Prefix::Name(p), [Suffix::Index(Index::Dot { name, .. })]) =
                    (ve.prefix(), suffixes.as_slice())
                {
                    if ident(p) == Some("self") && self.lookup("self").is_some() {
                        if let Some(n) = ident(name) {
                            let known = self.self_type_field(n);
                            if !known {
                                self.model.self_fields.push(SelfField {
                                    name: n.to_string(),
                                    span: token_span(name),
                                    ty,
                                    property: false,
                                });
                            }
                        }
                    }
                }
                self.chain(ve.prefix(), &suffixes, true);
            }
            _ => {}
        }
    }

    fn self_type_field(&self, name: &str) -> bool {
        open_type(self.api)
            .and_then(|t| self.api.type_def(t))
            .is_some_and(|t| t.fields.iter().any(|f| f.name == name))
    }

    /// What a generic `for` over `e` binds, from an engine iterator's return type.
    fn iterator_yields(&self, e: &Expression) -> Vec<Option<Ty>> {
        let Expression::FunctionCall(call) = e else {
            return Vec::new();
        };
        let suffixes: Vec<&Suffix> = call.suffixes().collect();
        let Some(callee) =
            self.static_callee(call.prefix(), &suffixes[..suffixes.len().saturating_sub(1)])
        else {
            return Vec::new();
        };
        let Some(f) = callee.function(self.api) else {
            return Vec::new();
        };
        let Some(ret) = f.returns.first() else {
            return Vec::new();
        };
        let Some(rest) = ret.ty.strip_prefix("fun():") else {
            return Vec::new();
        };
        let first = rest.split(',').next().unwrap_or("");
        let mut out = vec![ty_from_api(self.api, first)];
        if f.params.first().is_some_and(takes_component) {
            if let Some(Suffix::Call(ast::Call::AnonymousCall(args))) = suffixes.last() {
                for name in string_args(args) {
                    out.push(name.map(|(n, _)| Ty::Component(n)));
                }
            }
        }
        out
    }

    /// The engine function a prefix and suffixes name, without recording anything.
    fn static_callee(&self, prefix: &Prefix, suffixes: &[&Suffix]) -> Option<Callee> {
        let Prefix::Name(token) = prefix else {
            return None;
        };
        let name = ident(token)?;
        if self.is_local(name) {
            return None;
        }
        match suffixes {
            [] => self
                .api
                .global(name)
                .map(|_| Callee::Global(name.to_string())),
            [Suffix::Index(Index::Dot { name: member, .. })] => {
                let m = ident(member)?;
                let ns = self.api.namespace(name)?;
                ns.functions
                    .iter()
                    .any(|f| f.name == m)
                    .then(|| Callee::Namespace(name.to_string(), m.to_string()))
            }
            _ => None,
        }
    }

    fn expr(&mut self, e: &Expression) -> Option<Ty> {
        match e {
            Expression::BinaryOperator { lhs, rhs, binop } => {
                let l = self.expr(lhs);
                let r = self.expr(rhs);
                use full_moon::ast::BinOp;
                match binop {
                    BinOp::Plus(_) | BinOp::Minus(_) | BinOp::Star(_) | BinOp::Slash(_) => {
                        match (l, r) {
                            (_, Some(Ty::Type(t))) => Some(Ty::Type(t)),
                            (Some(Ty::Type(t)), _) => Some(Ty::Type(t)),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            Expression::Parentheses { expression, .. } => self.expr(expression),
            Expression::UnaryOperator { unop, expression } => {
                let t = self.expr(expression);
                match unop {
                    full_moon::ast::UnOp::Minus(_) => t,
                    _ => None,
                }
            }
            Expression::Function(f) => {
                self.function_body(f.body(), false, None);
                None
            }
            Expression::FunctionCall(call) => {
                let suffixes: Vec<&Suffix> = call.suffixes().collect();
                self.chain(call.prefix(), &suffixes, false)
            }
            Expression::TableConstructor(t) => {
                self.table(t);
                None
            }
            Expression::Var(Var::Name(token)) => self.read_name(token, &[]).ty,
            Expression::Var(Var::Expression(ve)) => {
                let suffixes: Vec<&Suffix> = ve.suffixes().collect();
                self.chain(ve.prefix(), &suffixes, false)
            }
            _ => None,
        }
    }

    /// The script's `properties = { name = value, ... }`: each named field is a field of
    /// every instance's `self`, with the type of its default value.
    fn properties(&mut self, t: &ast::TableConstructor) {
        for field in t.fields().iter() {
            match field {
                ast::Field::NameKey { key, value, .. } => {
                    let ty = self.expr(value);
                    let Some(name) = ident(key) else { continue };
                    if self.self_type_field(name) || phantom(key) {
                        continue;
                    }
                    self.model.self_fields.push(SelfField {
                        name: name.to_string(),
                        span: token_span(key),
                        ty,
                        property: true,
                    });
                }
                ast::Field::ExpressionKey { key, value, .. } => {
                    self.expr(key);
                    self.expr(value);
                }
                ast::Field::NoKey(value) => {
                    self.expr(value);
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, t: &ast::TableConstructor) {
        for field in t.fields().iter() {
            match field {
                ast::Field::ExpressionKey { key, value, .. } => {
                    self.expr(key);
                    self.expr(value);
                }
                ast::Field::NameKey { value, .. } => {
                    self.expr(value);
                }
                ast::Field::NoKey(value) => {
                    self.expr(value);
                }
                _ => {}
            }
        }
    }

    fn read_name(&mut self, token: &TokenReference, suffixes: &[&Suffix]) -> Cursor {
        let none = Cursor {
            ty: None,
            callee: None,
            global: None,
            is_self: false,
            returns: None,
        };
        let Some(name) = ident(token) else {
            return none;
        };
        if phantom(token) {
            return none;
        }
        let span = token_span(token);
        if let Some(i) = self.lookup(name) {
            self.model.locals[i].reads.push(span);
            self.model.occurrences.push(Occurrence {
                span,
                target: Target::Local(i),
            });
            let ty = self.model.locals[i].ty.clone();
            let is_self = name == "self";
            return Cursor {
                ty,
                callee: None,
                global: None,
                is_self,
                returns: self.model.locals[i].returns.clone(),
            };
        }
        let _ = suffixes;
        self.model.global_reads.push((name.to_string(), span));
        self.model.occurrences.push(Occurrence {
            span,
            target: Target::Global(name.to_string()),
        });
        Cursor {
            ty: self
                .api
                .namespace(name)
                .map(|n| Ty::Namespace(n.name.clone())),
            callee: self
                .api
                .global(name)
                .map(|f| Callee::Global(f.name.clone())),
            global: Some(name.to_string()),
            is_self: false,
            returns: None,
        }
    }

    /// Walks `prefix suffix*`, recording occurrences, calls and unknown members; returns the
    /// type of the whole expression.
    fn chain(&mut self, prefix: &Prefix, suffixes: &[&Suffix], write: bool) -> Option<Ty> {
        let mut cur = match prefix {
            Prefix::Name(token) => self.read_name(token, suffixes),
            Prefix::Expression(e) => Cursor {
                ty: self.expr(e),
                callee: None,
                global: None,
                is_self: false,
                returns: None,
            },
            _ => return None,
        };
        let chain_start = node_span(prefix).map(|s| s.start).unwrap_or(0);
        let n = suffixes.len();
        for (k, suffix) in suffixes.iter().enumerate() {
            let last = k + 1 == n;
            match suffix {
                Suffix::Index(Index::Dot { name, .. }) => {
                    let Some(member) = ident(name) else {
                        cur = Cursor {
                            ty: None,
                            callee: None,
                            global: None,
                            is_self: false,
                            returns: None,
                        };
                        continue;
                    };
                    let span = token_span(name);
                    if k == 0 {
                        if let Some(g) = &cur.global {
                            self.model
                                .global_paths
                                .push((format!("{g}.{member}"), Span::new(chain_start, span.end)));
                        }
                    }
                    let was_self = cur.is_self;
                    cur = self.member(cur.ty.take(), member, span, write && last, was_self);
                }
                Suffix::Index(Index::Brackets { expression, .. }) => {
                    self.expr(expression);
                    cur = Cursor {
                        ty: None,
                        callee: None,
                        global: None,
                        is_self: false,
                        returns: None,
                    };
                }
                Suffix::Call(ast::Call::AnonymousCall(args)) => {
                    let span = Span::new(
                        chain_start,
                        node_span(args.as_ref())
                            .map(|s| s.end)
                            .unwrap_or(chain_start),
                    );
                    let is_require = cur.global.as_deref() == Some("require");
                    if let (0, None, Some(Ty::Namespace(ns))) = (k, &cur.callee, &cur.ty) {
                        let name = Span::new(chain_start, chain_start + ns.len());
                        self.model.namespace_calls.push((ns.clone(), name));
                    }
                    let ty = self.call(cur.callee.take(), args, span, None, cur.returns.take());
                    if is_require {
                        if let Some(Some((module, mspan))) = string_args(args).into_iter().next() {
                            self.model.requires.push((module.clone(), mspan));
                            self.model.occurrences.push(Occurrence {
                                span: mspan,
                                target: Target::Module(module.clone()),
                            });
                            cur = Cursor {
                                ty: Some(Ty::Module(module)),
                                callee: None,
                                global: None,
                                is_self: false,
                                returns: None,
                            };
                            continue;
                        }
                    }
                    cur = Cursor {
                        ty,
                        callee: None,
                        global: None,
                        is_self: false,
                        returns: None,
                    };
                }
                Suffix::Call(ast::Call::MethodCall(mc)) => {
                    let span_name = token_span(mc.name());
                    let span = Span::new(
                        chain_start,
                        node_span(mc.args()).map(|s| s.end).unwrap_or(span_name.end),
                    );
                    let (mut callee, mut returns) = (None, None);
                    if let Some(m) = ident(mc.name()) {
                        let target = |base: &Ty| Target::Member {
                            base: base.clone(),
                            name: m.to_string(),
                        };
                        match (
                            crate::members::method(self.api, cur.ty.as_ref(), m),
                            &cur.ty,
                        ) {
                            (Member::Method(c), Some(base)) => {
                                callee = Some(c);
                                self.model.occurrences.push(Occurrence {
                                    span: span_name,
                                    target: target(base),
                                });
                            }
                            (Member::Export { returns: r }, Some(base)) => {
                                returns = r.map(Returns::Ty);
                                self.model.occurrences.push(Occurrence {
                                    span: span_name,
                                    target: target(base),
                                });
                            }
                            (Member::Unknown, Some(base)) if !phantom(mc.name()) => {
                                self.model.unknown_members.push(UnknownMember {
                                    base: base.clone(),
                                    name: m.to_string(),
                                    span: span_name,
                                    method: true,
                                });
                            }
                            _ => {}
                        }
                    }
                    // A receiver of no known type (a helper's parameter): `e:set("Ammo", 3)`
                    // with a literal name is taken as the entity setter, so the component is
                    // known to the rest of the workspace. Only a define: a `get` on something
                    // that may not be an entity is never reported.
                    if cur.ty.is_none() && ident(mc.name()) == Some("set") {
                        if let Some(Some((name, s))) = string_args(mc.args()).first() {
                            self.model.components.push(ComponentUse {
                                name: name.clone(),
                                span: *s,
                                defines: true,
                            });
                        }
                    }
                    let ty = self.call(callee, mc.args(), span, Some(span_name), returns);
                    cur = Cursor {
                        ty,
                        callee: None,
                        global: None,
                        is_self: false,
                        returns: None,
                    };
                }
                _ => {
                    cur = Cursor {
                        ty: None,
                        callee: None,
                        global: None,
                        is_self: false,
                        returns: None,
                    };
                }
            }
        }
        cur.ty
    }

    fn member(
        &mut self,
        base: Option<Ty>,
        member: &str,
        span: Span,
        write: bool,
        on_self: bool,
    ) -> Cursor {
        let mut out = Cursor {
            ty: None,
            callee: None,
            global: None,
            is_self: false,
            returns: None,
        };
        let found = crate::members::field(self.api, base.as_ref(), member, on_self);
        let target = match found {
            Member::Field(ty) => {
                out.ty = ty;
                None
            }
            Member::Function(callee) => {
                out.callee = Some(callee);
                None
            }
            Member::Method(_) => None,
            Member::Export { returns } => {
                out.returns = returns.map(Returns::Ty);
                None
            }
            Member::SelfField => {
                out.ty = self.self_field(member).and_then(|f| f.ty.clone());
                Some(Target::SelfField(member.to_string()))
            }
            Member::Unknown => {
                if let (false, Some(base)) = (write, base) {
                    self.model.unknown_members.push(UnknownMember {
                        base,
                        name: member.to_string(),
                        span,
                        method: false,
                    });
                }
                return out;
            }
            Member::Unresolved => return out,
        };
        let target = target.or_else(|| {
            Some(Target::Member {
                base: base?,
                name: member.to_string(),
            })
        });
        if let Some(target) = target {
            self.model.occurrences.push(Occurrence { span, target });
        }
        out
    }

    /// Walks the arguments of a call and, for engine functions, records the call, component
    /// names and returns what it gives back; `returns` says what the call gives back when
    /// `callee` is not an engine function.
    fn call(
        &mut self,
        callee: Option<Callee>,
        args: &FunctionArgs,
        span: Span,
        name_span: Option<Span>,
        returns: Option<Returns>,
    ) -> Option<Ty> {
        let generic = matches!(returns, Some(Returns::Arg(_)));
        let (count, open_tail, mut arg_types) = self.args(args, generic);
        let Some(callee) = callee else {
            return match returns? {
                Returns::Ty(t) => Some(t),
                Returns::Arg(k) => arg_types.get_mut(k).and_then(Option::take),
            };
        };
        let api = self.api;
        let f = callee.function(api)?;
        let args_span = node_span(args).unwrap_or(Span::new(span.end, span.end));
        let strings = string_args(args);
        let defines = defines_component(f);
        for (i, p) in f.params.iter().enumerate() {
            if takes_component(p) {
                let range: Vec<usize> = if p.name == "..." {
                    (i..strings.len()).collect()
                } else {
                    vec![i]
                };
                for j in range {
                    if let Some(Some((name, s))) = strings.get(j) {
                        self.model.components.push(ComponentUse {
                            name: name.clone(),
                            span: *s,
                            defines,
                        });
                        self.model.occurrences.push(Occurrence {
                            span: *s,
                            target: Target::Component(name.clone()),
                        });
                    }
                }
            } else if takes_component_table(p) {
                if let Some(table) = table_arg(args, i) {
                    for field in table.fields().iter() {
                        if let ast::Field::NameKey { key, .. } = field {
                            if let Some(k) = ident(key) {
                                let s = token_span(key);
                                self.model.components.push(ComponentUse {
                                    name: k.to_string(),
                                    span: s,
                                    defines: true,
                                });
                                self.model.occurrences.push(Occurrence {
                                    span: s,
                                    target: Target::Component(k.to_string()),
                                });
                            }
                        }
                    }
                }
            }
        }
        let name_span = name_span.unwrap_or(Span::new(span.start, span.start));
        let arg_spans = match args {
            FunctionArgs::Parentheses { arguments, .. } => {
                arguments.iter().filter_map(node_span).collect()
            }
            _ => Vec::new(),
        };
        self.model.calls.push(Call {
            callee: callee.clone(),
            name_span,
            span,
            args: count,
            open_tail,
            args_span,
            arg_spans,
            first_string: strings.first().cloned().flatten(),
        });
        if returns_component(f) {
            if let Some(Some((name, _))) = strings.first() {
                return Some(Ty::Component(name.clone()));
            }
            return None;
        }
        f.returns.first().and_then(|r| ty_from_api(api, &r.ty))
    }

    /// Walks a call's arguments: how many, whether the last one is open (a call or `...`),
    /// and, when `types` is asked for (a generic's call), their types.
    fn args(&mut self, args: &FunctionArgs, types: bool) -> (usize, bool, Vec<Option<Ty>>) {
        match args {
            FunctionArgs::Parentheses { arguments, .. } => {
                let mut count = 0;
                let mut found = Vec::new();
                let mut open = false;
                for e in arguments.iter() {
                    let ty = self.expr(e);
                    if types {
                        found.push(ty);
                    }
                    count += 1;
                    open = matches!(e, Expression::FunctionCall(_))
                        || matches!(e, Expression::Symbol(t) if t.is_symbol(Symbol::Ellipsis));
                }
                (count, open, found)
            }
            FunctionArgs::TableConstructor(t) => {
                self.table(t);
                (1, false, Vec::new())
            }
            _ => (1, false, Vec::new()),
        }
    }
}

/// Parameter names of a function body (`...` for varargs).
pub fn params(body: &FunctionBody) -> Vec<String> {
    body.parameters()
        .iter()
        .map(|p| match p {
            Parameter::Name(t) => ident(t).unwrap_or("").to_string(),
            _ => "...".to_string(),
        })
        .collect()
}

/// The string literal arguments of a call, by position: `Some((contents, span inside quotes))`
/// for literals, `None` for other expressions.
pub fn string_args(args: &FunctionArgs) -> Vec<Option<(String, Span)>> {
    let lit = |t: &TokenReference| {
        let s = string_literal(t)?;
        let span = token_span(t);
        let quote = span.end.saturating_sub(span.start).saturating_sub(s.len()) / 2;
        Some((
            s.to_string(),
            Span::new(span.start + quote, span.end - quote.min(span.end)),
        ))
    };
    match args {
        FunctionArgs::Parentheses { arguments, .. } => arguments
            .iter()
            .map(|e| match e {
                Expression::String(t) => lit(t),
                _ => None,
            })
            .collect(),
        FunctionArgs::String(t) => vec![lit(t)],
        _ => vec![None],
    }
}

fn table_arg(args: &FunctionArgs, i: usize) -> Option<&ast::TableConstructor> {
    match args {
        FunctionArgs::Parentheses { arguments, .. } => match arguments.iter().nth(i)? {
            Expression::TableConstructor(t) => Some(t),
            _ => None,
        },
        FunctionArgs::TableConstructor(t) if i == 0 => Some(t),
        _ => None,
    }
}
