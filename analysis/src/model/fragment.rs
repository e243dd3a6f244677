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

use super::{Local, Model, Span, Target, Walker};
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
    /// How many placeholders for earlier top-level locals open `model.locals`.
    outer_locals: usize,
    /// The run's contribution, spans relative to the run; `Target::Local(i)` below
    /// `outer_locals` is the i-th top-level local of the runs before.
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
        self.0
            .iter()
            .filter(|f| prev.0.iter().any(|p| Arc::ptr_eq(p, f)))
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
        for &i in typed {
            (1u8, i, &model.locals[self.top[i]].ty).hash(&mut h);
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
        self.top.extend_from_slice(declared);
    }
}

/// Walks one run (`text` is the run's text) from the state in `model` and `top`.
fn walk(ast: &Arc<Ast>, text: &str, api: &Api, model: &Model, state: &State) -> Fragment {
    let placeholder = |i: &usize| {
        let l = &model.locals[*i];
        Local {
            reads: Vec::new(),
            writes: Vec::new(),
            ..l.clone()
        }
    };
    let locals: Vec<Local> = state.top.iter().map(placeholder).collect();
    let outer_locals = locals.len();
    let mut w = Walker {
        api,
        text,
        model: Model {
            locals,
            ..Model::default()
        },
        scopes: vec![(0..outer_locals).collect()],
        depth: 0,
        outer_self: &model.self_fields,
        outer_first: &state.first_self,
    };
    w.block_in_scope(ast.nodes(), text.len());
    let declared = w
        .scopes
        .pop()
        .map(|s| s[outer_locals..].to_vec())
        .unwrap_or_default();
    let mut model = w.model;
    model.occurrences.sort_by_key(|o| o.span.start);
    Fragment {
        ast: ast.clone(),
        key: state.key,
        outer_locals,
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

/// Appends `m`, the model of a fragment (`outer` placeholders, `declared` own top-level
/// locals) of the run at `base`, to `out`, and moves `state` past it.
fn join(
    m: Model,
    outer: usize,
    declared: &[usize],
    base: usize,
    out: &mut Model,
    state: &mut State,
) {
    let top = &state.top;
    let mut typed = Vec::new();
    let offset = out.locals.len();
    let map = |i: usize| {
        if i < outer {
            top[i]
        } else {
            offset + i - outer
        }
    };
    let mut locals = m.locals.into_iter();
    // What the run did to the locals of earlier runs.
    for (i, p) in locals.by_ref().take(outer).enumerate() {
        let real = &mut out.locals[top[i]];
        real.reads.extend(shift_all(&p.reads, base));
        real.writes.extend(shift_all(&p.writes, base));
        if real.ty.is_none() && p.ty.is_some() {
            real.ty = p.ty;
            typed.push(i);
        }
    }
    out.locals.extend(locals.map(|mut l| {
        l.decl = shift(l.decl, base);
        l.visible = shift(l.visible, base);
        for s in l.reads.iter_mut().chain(l.writes.iter_mut()) {
            *s = shift(*s, base);
        }
        l
    }));
    out.occurrences
        .extend(m.occurrences.into_iter().map(|mut o| {
            o.span = shift(o.span, base);
            if let Target::Local(i) = &mut o.target {
                *i = map(*i);
            }
            o
        }));
    out.calls.extend(m.calls.into_iter().map(|mut c| {
        c.name_span = shift(c.name_span, base);
        c.span = shift(c.span, base);
        c.args_span = shift(c.args_span, base);
        if let Some((_, sp)) = &mut c.first_string {
            *sp = shift(*sp, base);
        }
        c
    }));
    out.unknown_members
        .extend(m.unknown_members.into_iter().map(|mut u| {
            u.span = shift(u.span, base);
            u
        }));
    out.components.extend(m.components.into_iter().map(|mut c| {
        c.span = shift(c.span, base);
        c
    }));
    let named = |v: Vec<(String, Span)>| v.into_iter().map(|(n, s)| (n, shift(s, base)));
    out.global_reads.extend(named(m.global_reads));
    out.global_writes.extend(named(m.global_writes));
    out.global_paths.extend(named(m.global_paths));
    out.requires.extend(named(m.requires));
    out.functions.extend(m.functions.into_iter().map(|mut d| {
        d.name_span = shift(d.name_span, base);
        d.span = shift(d.span, base);
        d
    }));
    out.function_bodies
        .extend(shift_all(&m.function_bodies, base));
    out.top_level_bodies
        .extend(shift_all(&m.top_level_bodies, base));
    let fields = m.self_fields.len();
    out.self_fields
        .extend(m.self_fields.into_iter().map(|mut f| {
            f.span = shift(f.span, base);
            f
        }));
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
                        f.model.clone(),
                        f.outer_locals,
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
                        f.model.clone()
                    } else {
                        std::mem::take(&mut f.model)
                    };
                    join(
                        part,
                        f.outer_locals,
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
