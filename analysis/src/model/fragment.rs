//! The model of one run of top-level statements, kept from one version of a document to the
//! next so that an edit walks only the runs it touched ([`Fragments::build`]).
//!
//! A run is walked on its own, with spans counted from its start, against placeholders for
//! what the runs before it left visible: the top-level locals (by their place in the top-level
//! scope) and the `self` fields assigned so far. What the walk does to those placeholders
//! (reads, writes, a type learnt from an assignment) is replayed on the real entries when the
//! fragments are joined. A fragment is reused when its run has the same tree and the same
//! names and types are visible at its start.
//!
//! A version costs the runs its edit touched plus a short step per run (what each leaves
//! visible, [`Entry`]): the whole file's model ([`Fragments::join`]) is made only when a
//! whole-file feature asks for it, and a request at one place (completion, hover, signature
//! help) gets the model of its run with what the file declares around it
//! ([`Fragments::cursor`]).

use super::{Local, Model, Outer, SelfField, Span, Target, Walker};
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

/// The runs of a file a place's model shares (see `Model::shared`): the fragments before its
/// own run and those after it.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    runs: Vec<Arc<Fragment>>,
    /// How many of `runs` come before the model's own run.
    before: usize,
}

/// The models of a slice of shared runs.
pub struct Runs<'a>(&'a [Arc<Fragment>]);

impl<'a> Runs<'a> {
    /// Their models, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Model> + 'a {
        self.0.iter().map(|f| &f.model)
    }
}

impl Shared {
    /// The shared runs before the model's own run and after it.
    pub fn split(&self) -> (Runs<'_>, Runs<'_>) {
        let (a, b) = self.runs.split_at(self.before.min(self.runs.len()));
        (Runs(a), Runs(b))
    }
}

/// The fragments of one version, in run order, with where each run starts.
#[derive(Debug, Clone, Default)]
pub struct Fragments {
    list: Vec<Arc<Fragment>>,
    bases: Vec<usize>,
    /// The text's length (the top-level scope closes there).
    len: usize,
    /// What every run leaves visible, once all are walked: the top-level locals (with the
    /// types later runs gave them) and the first assignment of each `self` field.
    end: Arc<Entry>,
    /// How many top-level locals the runs before each run declared.
    tops: Vec<usize>,
}

impl Fragments {
    /// How many runs the version has.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the version has no run (an empty text).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many fragments of this version were taken from `prev`.
    pub fn reused(&self, prev: &Fragments) -> usize {
        let old: std::collections::HashSet<*const Fragment> =
            prev.list.iter().map(Arc::as_ptr).collect();
        self.list
            .iter()
            .filter(|f| old.contains(&Arc::as_ptr(f)))
            .count()
    }

    /// The index of the run holding byte `offset`.
    fn run_at(&self, offset: usize) -> usize {
        self.bases
            .partition_point(|&b| b <= offset)
            .saturating_sub(1)
    }
}

/// What the runs so far leave visible to the next: the top-level locals in scope (their
/// declarations only, spans in the file) and the first assignment of each `self` field, with
/// a digest of how they came to be (the key a fragment is reused by: the same steps give the
/// same state).
#[derive(Debug, Default)]
pub(super) struct Entry {
    /// The top-level locals, in declaration order, without their uses.
    locals: Vec<Local>,
    /// `0..locals.len()`: what [`Outer::top`] indexes `locals` with.
    top: Vec<usize>,
    /// The position in `locals` of the last top-level local of each name.
    by_name: HashMap<String, usize>,
    /// The first assignment of each `self` field.
    self_fields: Vec<SelfField>,
    /// The position in `self_fields` of each name.
    first_self: HashMap<String, usize>,
    key: u64,
}

impl Entry {
    /// Moves past the run at `base` whose fragment is `f`: the locals it declared, the types
    /// it gave earlier ones, the `self` fields it assigned. `digest`: fold them into the key.
    fn advance(&mut self, f: &Fragment, base: usize, digest: bool) {
        let model = &f.model;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        if digest {
            self.key.hash(&mut h);
        }
        // Types given to earlier runs' locals, in the order the run's placeholders come.
        for &(at, k) in &f.placeholders {
            let (Some(l), Some(real)) = (model.locals.get(at), self.locals.get_mut(k)) else {
                continue;
            };
            if real.ty.is_none() && l.ty.is_some() {
                real.ty = l.ty.clone();
                if digest {
                    (1u8, k, &real.ty).hash(&mut h);
                }
            }
        }
        for &i in &f.declared {
            let Some(l) = model.locals.get(i) else {
                continue;
            };
            if digest {
                (0u8, &l.name, &l.ty, &l.returns).hash(&mut h);
            }
            self.by_name.insert(l.name.clone(), self.locals.len());
            self.top.push(self.locals.len());
            self.locals.push(Local {
                name: l.name.clone(),
                decl: shift(l.decl, base),
                visible: shift(l.visible, base),
                kind: l.kind,
                ty: l.ty.clone(),
                init: l.init.clone(),
                reads: Vec::new(),
                writes: Vec::new(),
                attrib: l.attrib.clone(),
                returns: l.returns.clone(),
            });
        }
        for field in &model.self_fields {
            if digest {
                (2u8, &field.name, &field.ty).hash(&mut h);
            }
            if !self.first_self.contains_key(&field.name) {
                self.first_self
                    .insert(field.name.clone(), self.self_fields.len());
                let mut field = field.clone();
                field.span = shift(field.span, base);
                self.self_fields.push(field);
            }
        }
        if digest {
            self.key = h.finish();
        }
    }
}

/// Walks one run (`text` is the run's text) from what the runs before it leave visible.
fn walk(ast: &Arc<Ast>, text: &str, api: &Api, state: &Entry) -> Fragment {
    let mut w = Walker {
        api,
        text,
        model: Model::default(),
        scopes: vec![Vec::new()],
        depth: 0,
        self_ty: None,
        returned: Vec::new(),
        outer: Outer {
            locals: &state.locals,
            top: &state.top,
            by_name: &state.by_name,
            placed: HashMap::new(),
            self_fields: &state.self_fields,
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
/// top-level locals) of the run at `base`, to `out`, whose top-level locals so far are `top`
/// (indices into `out.locals`, in declaration order); adds the run's own to `top`, and
/// returns them.
fn join(
    mut m: Source<'_>,
    placeholders: &[(usize, usize)],
    declared: &[usize],
    base: usize,
    out: &mut Model,
    top: &mut Vec<usize>,
) -> Vec<usize> {
    let src = &mut m;
    // Where each of the run's locals lands in the joined model.
    let locals = items!(src, locals);
    let mut map = Vec::with_capacity(locals.size_hint().0);
    let mut next = out.locals.len();
    let mut holders = placeholders.iter().peekable();
    for (i, l) in locals.enumerate() {
        if let Some(&(_, k)) = holders.next_if(|(at, _)| *at == i) {
            // What the run did to a top-level local of an earlier run.
            let Some(&real_index) = top.get(k) else {
                map.push(usize::MAX);
                continue;
            };
            let real = &mut out.locals[real_index];
            real.reads.extend(shift_all(&l.reads, base));
            real.writes.extend(shift_all(&l.writes, base));
            if real.ty.is_none() && l.ty.is_some() {
                real.ty = l.ty;
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
    out.self_fields
        .extend(items!(src, self_fields).map(|mut f| {
            f.span = shift(f.span, base);
            f
        }));
    let declared: Vec<usize> = declared.iter().map(|&i| map(i)).collect();
    top.extend(&declared);
    declared
}

/// [`join`] of a kept fragment, read in place.
fn join_kept(f: &Fragment, base: usize, out: &mut Model, top: &mut Vec<usize>) -> Vec<usize> {
    join(
        Source::Kept(&f.model),
        &f.placeholders,
        &f.declared,
        base,
        out,
        top,
    )
}

/// Closes the top-level scope of `out` at the end of the text.
fn close_top(out: &mut Model, top: &[usize], len: usize) {
    for &i in top {
        if let Some(l) = out.locals.get_mut(i) {
            l.visible.end = len.max(l.visible.start);
        }
    }
}

impl Fragments {
    /// The fragments of a parsed file, reusing those of `prev` (an earlier version, analysed
    /// against the same API) for every run that has the same tree and starts from the same
    /// visible names: only the other runs are walked.
    pub fn build(
        parse: &crate::parse::Parse,
        text: &str,
        api: &Api,
        prev: Option<&Fragments>,
    ) -> Fragments {
        // The runs an edit left alone are the same trees at the two ends of the list; only
        // the middle is looked up by tree (a run can move there: a change before it that
        // splits one run into two).
        let old = prev.map(|p| &p.list[..]).unwrap_or_default();
        let n = parse.segments.len();
        let same = |(f, s): &(&Arc<Fragment>, &crate::parse::Segment)| Arc::ptr_eq(&f.ast, &s.ast);
        let prefix = old.iter().zip(&parse.segments).take_while(same).count();
        let suffix = (old.iter().rev().zip(parse.segments.iter().rev()))
            .take(old.len().min(n) - prefix)
            .take_while(same)
            .count();
        let mut known: HashMap<*const Ast, Vec<&Arc<Fragment>>> = HashMap::new();
        for f in &old[prefix..old.len() - suffix] {
            known.entry(Arc::as_ptr(&f.ast)).or_default().push(f);
        }
        let mut entry = Entry::default();
        let (mut list, mut bases, mut tops) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (i, seg) in parse.segments.iter().enumerate() {
            let end = parse
                .segments
                .get(i + 1)
                .map(|s| s.base)
                .unwrap_or(text.len());
            let reused = if i < prefix {
                old.get(i).filter(|f| f.key == entry.key).cloned()
            } else if i >= n - suffix {
                (old.get(i + old.len() - n))
                    .filter(|f| f.key == entry.key)
                    .cloned()
            } else {
                known
                    .get(&Arc::as_ptr(&seg.ast))
                    .and_then(|fs| fs.iter().find(|f| f.key == entry.key))
                    .map(|f| Arc::clone(f))
            };
            let f = reused.unwrap_or_else(|| {
                let run = text.get(seg.base..end).unwrap_or("");
                Arc::new(walk(&seg.ast, run, api, &entry))
            });
            tops.push(entry.locals.len());
            entry.advance(&f, seg.base, true);
            list.push(f);
            bases.push(seg.base);
        }
        Fragments {
            list,
            bases,
            len: text.len(),
            end: Arc::new(entry),
            tops,
        }
    }

    /// The model of the whole file: every fragment's, joined.
    pub fn join(&self) -> Model {
        let mut model = Model::default();
        let mut top = Vec::new();
        for (f, &base) in self.list.iter().zip(&self.bases) {
            join_kept(f, base, &mut model, &mut top);
        }
        close_top(&mut model, &top, self.len);
        model
    }

    /// The model a request at byte `offset` needs, made from its run alone: the top-level
    /// locals of the runs before (with every type the file gives them), the run's own model,
    /// and, shared with the other runs rather than copied (`Model::shared`), the globals,
    /// `self` fields, functions and components of the whole file. What it says about
    /// `offset` is what [`Fragments::join`]'s model says; what it says elsewhere is partial.
    pub fn cursor(&self, offset: usize) -> Model {
        let mut model = Model::default();
        if self.list.is_empty() {
            return model;
        }
        let r = self.run_at(offset);
        let before = self.tops.get(r).copied().unwrap_or(0);
        model.locals = self.end.locals[..before.min(self.end.locals.len())].to_vec();
        let mut top: Vec<usize> = (0..model.locals.len()).collect();
        // The other runs' declarations are shared, not copied: a request pays for its run,
        // not for the file.
        model.shared = Shared {
            runs: (self.list.iter().enumerate())
                .filter(|&(i, _)| i != r)
                .map(|(_, f)| f.clone())
                .collect(),
            before: r,
        };
        if let (Some(f), Some(&base)) = (self.list.get(r), self.bases.get(r)) {
            let declared = join_kept(f, base, &mut model, &mut top);
            // A later run may have given the run's own top-level locals their types.
            for (j, &at) in declared.iter().enumerate() {
                let later = self.end.locals.get(before + j).and_then(|l| l.ty.clone());
                if let Some(l) = model.locals.get_mut(at) {
                    if l.ty.is_none() {
                        l.ty = later;
                    }
                }
            }
        }
        close_top(&mut model, &top, self.len);
        model
    }
}

impl Model {
    /// Builds the model of a parsed file, reusing the fragments of `prev` (see
    /// [`Fragments::build`]); returns the fragments for the next version. Without `keep`, no
    /// fragment is kept (the text will not be edited: an index, a check).
    pub fn build_after(
        parse: &crate::parse::Parse,
        text: &str,
        api: &Api,
        prev: Option<&Fragments>,
        keep: bool,
    ) -> (Model, Fragments) {
        let fragments = Fragments::build(parse, text, api, prev);
        if keep {
            return (fragments.join(), fragments);
        }
        // Nothing is kept: move each fragment's model instead of copying it.
        let mut model = Model::default();
        let mut top = Vec::new();
        let Fragments { list, bases, .. } = fragments;
        for (f, base) in list.into_iter().zip(bases) {
            let (source, placeholders, declared) = match Arc::try_unwrap(f) {
                Ok(f) => (Source::Owned(Box::new(f.model)), f.placeholders, f.declared),
                Err(f) => {
                    join_kept(&f, base, &mut model, &mut top);
                    continue;
                }
            };
            join(source, &placeholders, &declared, base, &mut model, &mut top);
        }
        close_top(&mut model, &top, text.len());
        (model, Fragments::default())
    }
}
