//! The model of one run of top-level statements, kept from one version of a document to the
//! next so that an edit walks only the runs it touched ([`Model::build_after`]).
//!
//! A run is walked on its own, with spans counted from its start, against placeholders for
//! what the runs before it left visible: the top-level locals (by their place in the top-level
//! scope) and the `self` fields assigned so far. What the walk does to those placeholders
//! (reads, writes, a type learnt from an assignment) is replayed on the real entries when the
//! fragments are joined. A fragment is reused when its run has the same tree and the same
//! names and types are visible at its start; joining is a copy, with spans moved to the run's
//! place and local numbers mapped.

use super::{Model, Outer, Span, Target, Walker};
use crescent_api::Api;
use full_moon::ast::Ast;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What walking one run added to the model.
#[derive(Debug)]
pub struct Fragment {
    /// The run's tree (its identity says which run this is).
    ast: Arc<Ast>,
    /// The names and types visible at the start of the run ([`entry_key`]).
    key: u64,
    /// The placeholders for top-level locals of earlier runs among `model.locals`: index
    /// there, and position in the top-level scope.
    placeholders: Vec<(usize, usize)>,
    /// The run's contribution, spans relative to the run.
    model: Model,
    /// The run's own top-level locals (indices into `model.locals`), in declaration order.
    declared: Vec<usize>,
}

/// The fragments of one version, in run order.
#[derive(Debug, Clone, Default)]
pub struct Fragments(Vec<Arc<Fragment>>);

impl Fragments {
    /// How many runs the version has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the version has no run (an empty text).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many fragments of this version were taken from `prev`.
    pub fn reused(&self, prev: &Fragments) -> usize {
        let old: std::collections::HashSet<*const Fragment> =
            prev.0.iter().map(Arc::as_ptr).collect();
        self.0
            .iter()
            .filter(|f| old.contains(&Arc::as_ptr(f)))
            .count()
    }
}

/// The state the runs so far leave to the next: the top-level locals in scope and the
/// `self` fields assigned, with a digest of how they came to be (the key a fragment is reused
/// by: the same steps give the same state).
#[derive(Default)]
struct State {
    /// Indices (into the model) of the top-level locals, in declaration order.
    top: Vec<usize>,
    /// The position in `top` of the last top-level local of each name.
    by_name: HashMap<String, usize>,
    /// The first assignment of each `self` field, by name (index into `model.self_fields`).
    first_self: HashMap<String, usize>,
    key: u64,
}

impl State {
    /// Folds what joining a fragment changed into the key: the locals it declared and the
    /// types it gave earlier ones, the `self` fields it assigned.
    fn advance(&mut self, model: &Model, declared: &[usize], typed: &[usize], fields: usize) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.key.hash(&mut h);
        for &i in declared {
            let l = &model.locals[i];
            (0u8, &l.name, &l.ty).hash(&mut h);
        }
        for &k in typed {
            (1u8, k, &model.locals[self.top[k]].ty).hash(&mut h);
        }
        let new = &model.self_fields[model.self_fields.len() - fields..];
        for f in new {
            (2u8, &f.name, &f.ty).hash(&mut h);
        }
        self.key = h.finish();
        let first = model.self_fields.len() - fields;
        for (i, f) in new.iter().enumerate() {
            self.first_self.entry(f.name.clone()).or_insert(first + i);
        }
        for &i in declared {
            self.by_name
                .insert(model.locals[i].name.clone(), self.top.len());
            self.top.push(i);
        }
    }
}

/// Walks one run (`text` is the run's text) from the state in `model` and `state`.
fn walk(ast: &Arc<Ast>, text: &str, api: &Api, model: &Model, state: &State) -> Fragment {
    let mut w = Walker {
        api,
        text,
        model: Model::default(),
        scopes: vec![Vec::new()],
        depth: 0,
        self_ty: None,
        outer: Outer {
            locals: &model.locals,
            top: &state.top,
            by_name: &state.by_name,
            placed: HashMap::new(),
            self_fields: &model.self_fields,
            first_self: &state.first_self,
        },
    };
    w.block_in_scope(ast.nodes(), text.len());
    let declared = w.scopes.pop().unwrap_or_default();
    let mut placeholders: Vec<(usize, usize)> =
        w.outer.placed.iter().map(|(&k, &i)| (i, k)).collect();
    placeholders.sort_unstable();
    let mut model = w.model;
    model.occurrences.sort_by_key(|o| o.span.start);
    Fragment {
        ast: ast.clone(),
        key: state.key,
        placeholders,
        model,
        declared,
    }
}

fn shift(s: Span, by: usize) -> Span {
    Span {
        start: s.start + by,
        // Visible to the end of the file: set when the top-level scope closes.
        end: if s.end == usize::MAX {
            usize::MAX
        } else {
            s.end + by
        },
    }
}

fn shift_all(spans: &[Span], by: usize) -> impl Iterator<Item = Span> + '_ {
    spans.iter().map(move |&s| shift(s, by))
}

/// A fragment's model on its way into the joined one: moved when it is not kept, read in
/// place (each item cloned once, straight into the joined model) when it is.
enum Source<'a> {
    Owned(Box<Model>),
    Kept(&'a Model),
}

/// The items of one of a [`Source`]'s lists, by value.
enum Items<'a, T> {
    Owned(std::vec::IntoIter<T>),
    Kept(std::slice::Iter<'a, T>),
}

impl<T: Clone> Iterator for Items<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Items::Owned(i) => i.next(),
            Items::Kept(i) => i.next().cloned(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::Owned(i) => i.size_hint(),
            Items::Kept(i) => i.size_hint(),
        }
    }
}

/// The items of `$src`'s list `$field`.
macro_rules! items {
    ($src:expr, $field:ident) => {
        match $src {
            Source::Owned(m) => Items::Owned(std::mem::take(&mut m.$field).into_iter()),
            Source::Kept(m) => Items::Kept(m.$field.iter()),
        }
    };
}

/// Appends `m`, the model of a fragment (with its `placeholders` and `declared` own
/// top-level locals) of the run at `base`, to `out`, and moves `state` past it.
fn join(
    mut m: Source<'_>,
    placeholders: &[(usize, usize)],
    declared: &[usize],
    base: usize,
    out: &mut Model,
    state: &mut State,
) {
    let src = &mut m;
    let mut typed = Vec::new();
    // Where each of the run's locals lands in the joined model.
    let locals = items!(src, locals);
    let mut map = Vec::with_capacity(locals.size_hint().0);
    let mut next = out.locals.len();
    let mut holders = placeholders.iter().peekable();
    for (i, l) in locals.enumerate() {
        if let Some(&(_, k)) = holders.next_if(|(at, _)| *at == i) {
            // What the run did to a top-level local of an earlier run.
            let real_index = state.top[k];
            let real = &mut out.locals[real_index];
            real.reads.extend(shift_all(&l.reads, base));
            real.writes.extend(shift_all(&l.writes, base));
            if real.ty.is_none() && l.ty.is_some() {
                real.ty = l.ty;
                typed.push(k);
            }
            map.push(real_index);
            continue;
        }
        let mut l = l;
        l.decl = shift(l.decl, base);
        l.visible = shift(l.visible, base);
        for s in l.reads.iter_mut().chain(l.writes.iter_mut()) {
            *s = shift(*s, base);
        }
        out.locals.push(l);
        map.push(next);
        next += 1;
    }
    let map = |i: usize| map.get(i).copied().unwrap_or(i);
    out.occurrences
        .extend(items!(src, occurrences).map(|mut o| {
            o.span = shift(o.span, base);
            if let Target::Local(i) = &mut o.target {
                *i = map(*i);
            }
            o
        }));
    out.calls.extend(items!(src, calls).map(|mut c| {
        c.name_span = shift(c.name_span, base);
        c.span = shift(c.span, base);
        c.args_span = shift(c.args_span, base);
        for a in &mut c.arg_spans {
            *a = shift(*a, base);
        }
        if let Some((_, sp)) = &mut c.first_string {
            *sp = shift(*sp, base);
        }
        c
    }));
    out.unknown_members
        .extend(items!(src, unknown_members).map(|mut u| {
            u.span = shift(u.span, base);
            u
        }));
    out.components.extend(items!(src, components).map(|mut c| {
        c.span = shift(c.span, base);
        c
    }));
    fn named<'a>(
        v: Items<'a, (String, Span)>,
        base: usize,
    ) -> impl Iterator<Item = (String, Span)> + 'a {
        v.map(move |(n, s)| (n, shift(s, base)))
    }
    out.global_reads
        .extend(named(items!(src, global_reads), base));
    out.global_writes
        .extend(named(items!(src, global_writes), base));
    out.global_paths
        .extend(named(items!(src, global_paths), base));
    out.namespace_calls
        .extend(named(items!(src, namespace_calls), base));
    out.requires.extend(named(items!(src, requires), base));
    out.functions.extend(items!(src, functions).map(|mut d| {
        d.name_span = shift(d.name_span, base);
        d.span = shift(d.span, base);
        d
    }));
    out.function_bodies
        .extend(items!(src, function_bodies).map(|s| shift(s, base)));
    out.top_level_bodies
        .extend(items!(src, top_level_bodies).map(|s| shift(s, base)));
    let before = out.self_fields.len();
    out.self_fields
        .extend(items!(src, self_fields).map(|mut f| {
            f.span = shift(f.span, base);
            f
        }));
    let fields = out.self_fields.len() - before;
    let declared: Vec<usize> = declared.iter().map(|&i| map(i)).collect();
    state.advance(out, &declared, &typed, fields);
}

impl Model {
    /// Builds the model of a parsed file, reusing the fragments of `prev` (the analysis of an
    /// earlier version against the same API) for every run that has the same tree and starts
    /// from the same visible names; returns the fragments for the next version.
    ///
    /// Without `keep`, no fragment is kept (the text will not be edited: an index, a check)
    /// and none is copied into the model.
    pub fn build_after(
        parse: &crate::parse::Parse,
        text: &str,
        api: &Api,
        prev: Option<&Fragments>,
        keep: bool,
    ) -> (Model, Fragments) {
        let mut known: HashMap<*const Ast, Vec<&Arc<Fragment>>> = HashMap::new();
        for f in prev.map(|p| &p.0[..]).unwrap_or_default() {
            known.entry(Arc::as_ptr(&f.ast)).or_default().push(f);
        }
        let mut model = Model::default();
        let mut state = State::default();
        let mut fragments = Vec::with_capacity(parse.segments.len());
        for (i, seg) in parse.segments.iter().enumerate() {
            let end = parse
                .segments
                .get(i + 1)
                .map(|s| s.base)
                .unwrap_or(text.len());
            let reused = known
                .get(&Arc::as_ptr(&seg.ast))
                .and_then(|fs| fs.iter().find(|f| f.key == state.key))
                .map(|f| Arc::clone(f));
            match reused {
                Some(f) => {
                    join(
                        Source::Kept(&f.model),
                        &f.placeholders,
                        &f.declared,
                        seg.base,
                        &mut model,
                        &mut state,
                    );
                    fragments.push(f);
                }
                None => {
                    let run = text.get(seg.base..end).unwrap_or("");
                    let mut f = walk(&seg.ast, run, api, &model, &state);
                    let part = if keep {
                        Source::Kept(&f.model)
                    } else {
                        Source::Owned(Box::new(std::mem::take(&mut f.model)))
                    };
                    join(
                        part,
                        &f.placeholders,
                        &f.declared,
                        seg.base,
                        &mut model,
                        &mut state,
                    );
                    if keep {
                        fragments.push(Arc::new(f));
                    }
                }
            }
        }
        // The top-level scope closes at the end of the file.
        for &i in &state.top {
            let l = &mut model.locals[i];
            l.visible.end = text.len().max(l.visible.start);
        }
        (model, Fragments(fragments))
    }
}
