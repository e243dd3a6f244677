//! Engine-aware analysis of Lua 5.4 scripts: plain Rust over text and byte offsets.
//!
//! Invariants (the server layer relies on them):
//! - nothing here imports `tower_lsp` or `lsp_types`, and nothing but [`workspace`] (which
//!   scans and reads a project's files) does I/O: the server owns documents and passes text in;
//! - positions are byte offsets; [`LineIndex`] converts them to lines and UTF-8 or UTF-16
//!   columns at the edge;
//! - parsing never fails ([`parse::parse`] returns a tree and errors) and never overflows the
//!   stack; no function here panics on any text;
//! - all engine knowledge comes from the [`crescent_api::Api`] passed in;
//! - full trees are for open documents; the workspace keeps only a [`summary::Summary`] of
//!   the other files and hands what it learns from them to features as [`WorkspaceFacts`].
//!
//! Layout: `parse` (full_moon, nesting guard; one tree per run of top-level statements, split by
//! `segment`, so a new version reparses only the runs an edit touched), `model` (one walk: scopes, locals, engine calls,
//! components), `diagnostics` + `lints/` (one file per lint), `completion` (with a token-level
//! fallback for broken code), `hover`, `signature`, `navigation` (definition, references,
//! rename), `symbols`, `summary` (with `exports`: what a module returns), `format`, `fuzzy`,
//! `line_index`.

pub mod annotations;
pub mod classes;
pub mod completion;
pub mod context;
pub mod diagnostics;
pub mod document;
pub mod edit;
pub mod exports;
pub mod format;
pub mod fuzzy;
pub mod hover;
pub mod inlay;
pub mod json;
pub mod lens;
pub mod line_index;
pub mod lints;
pub mod luac;
pub mod members;
pub mod model;
pub mod navigation;
pub mod parse;
pub mod project;
pub mod scene;
pub mod segment;
pub mod semantic;
pub mod signature;
pub mod stdlib;
pub mod summary;
pub mod symbols;
pub mod workspace;

pub use line_index::{Encoding, LineCol, LineIndex};
pub use model::{Model, Span};
pub use parse::Parse;

use crescent_api::Api;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use summary::Export;

/// The parse and model of one file.
#[derive(Debug)]
pub struct FileAnalysis {
    /// The tree and syntax errors.
    pub parse: Parse,
    /// What one walk over the tree learned, joined from the fragments when first asked for
    /// ([`FileAnalysis::model`]).
    model: std::sync::OnceLock<Model>,
    /// The model of each run, for the next version to reuse.
    pub fragments: model::Fragments,
    /// The last models made for a request at one place, by run ([`FileAnalysis::at`]).
    cursors: std::sync::Mutex<Vec<(usize, Arc<Model>)>>,
    /// The last [`repaired`] analyses, by the line blanked: completion and signature help
    /// ask for the same one request after request while the cursor stays on a broken line.
    repairs: std::sync::Mutex<Vec<Repair>>,
}

/// A repaired analysis of a file: the line blanked, and the analysis (`None` when blanking
/// it did not help).
type Repair = ((usize, usize), Option<Arc<FileAnalysis>>);

/// How many repaired analyses a file keeps.
const REPAIRS_KEPT: usize = 2;
/// How many models for requests at one place a file keeps.
const CURSORS_KEPT: usize = 2;

/// Parses and models `text`, once (nothing is kept for a next version).
pub fn analyze(text: &str, api: &Api) -> FileAnalysis {
    let parse = parse::parse(text);
    let (model, fragments) = Model::build_after(&parse, text, api, None, false);
    FileAnalysis::new(parse, Some(model), fragments)
}

/// Parses and models `text`, a later version of the text `prev` analysed against the same
/// API: the runs of statements it has in common with that version are neither parsed nor
/// walked again.
pub fn analyze_after(text: &str, api: &Api, prev: Option<&FileAnalysis>) -> FileAnalysis {
    analyze_shared(&Arc::from(text), api, prev)
}

/// [`analyze_after`] of a text the caller holds shared already (an editor's document): the
/// analysis keeps it without a copy.
pub fn analyze_shared(text: &Arc<str>, api: &Api, prev: Option<&FileAnalysis>) -> FileAnalysis {
    let parse = parse::reparse_shared(text, prev.map(|p| &p.parse));
    let fragments = model::Fragments::build(&parse, text, api, prev.map(|p| &p.fragments));
    FileAnalysis::new(parse, None, fragments)
}

/// The model a request at one place reads: the whole file's when it is made already, else
/// the one of the place's run ([`model::Fragments::cursor`]).
pub enum PlaceModel<'a> {
    /// The whole file's.
    File(&'a Model),
    /// The run's.
    Run(Arc<Model>),
}

impl std::ops::Deref for PlaceModel<'_> {
    type Target = Model;

    fn deref(&self) -> &Model {
        match self {
            PlaceModel::File(m) => m,
            PlaceModel::Run(m) => m,
        }
    }
}

impl FileAnalysis {
    fn new(parse: Parse, model: Option<Model>, fragments: model::Fragments) -> FileAnalysis {
        let joined = std::sync::OnceLock::new();
        if let Some(m) = model {
            let _ = joined.set(m);
        }
        FileAnalysis {
            parse,
            model: joined,
            fragments,
            cursors: Default::default(),
            repairs: Default::default(),
        }
    }

    /// The model of the whole file, made on first use (it costs the whole file: a version's
    /// analysis walks only the runs an edit touched, and requests at one place use
    /// [`FileAnalysis::at`]).
    pub fn model(&self) -> &Model {
        self.model.get_or_init(|| self.fragments.join())
    }

    /// Whether the whole file's model is made already ([`FileAnalysis::model`]).
    pub fn has_model(&self) -> bool {
        self.model.get().is_some()
    }

    /// The model for a request at byte `offset` (completion, hover, signature help): what it
    /// says there is what [`FileAnalysis::model`] says, at the cost of the run holding
    /// `offset` and the file's declarations.
    pub fn at(&self, offset: usize) -> PlaceModel<'_> {
        if let Some(m) = self.model.get() {
            return PlaceModel::File(m);
        }
        let run = self.parse.run_index(offset);
        let mut cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, m)) = cursors.iter().find(|(r, _)| *r == run) {
            return PlaceModel::Run(m.clone());
        }
        let m = Arc::new(self.fragments.cursor(offset));
        if cursors.len() >= CURSORS_KEPT {
            cursors.remove(0);
        }
        cursors.push((run, m.clone()));
        PlaceModel::Run(m)
    }

    /// The parse alone, for a version analysed against another API (whose models cannot be
    /// reused).
    pub fn parse_only(&self) -> FileAnalysis {
        FileAnalysis::new(
            self.parse.clone(),
            Some(Model::default()),
            model::Fragments::default(),
        )
    }
}

/// When `file` has syntax errors, the analysis of `text` with the line holding `offset` blanked
/// out, if that parses with fewer errors.
///
/// The line being typed is usually the broken one, and full_moon's recovery often drops the
/// whole enclosing function (parameters and body) along with it; blanking the line keeps every
/// offset in place and gives completion and signature help the scopes around the cursor.
pub fn repaired(
    text: &str,
    offset: usize,
    file: &FileAnalysis,
    api: &Api,
) -> Option<Arc<FileAnalysis>> {
    if file.parse.errors.is_empty() {
        return None;
    }
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    // Only a break in the run of statements holding the line can cost the cursor its scopes;
    // errors elsewhere are left to the other runs.
    let run = file.parse.run_at(offset);
    if !file
        .parse
        .errors
        .iter()
        .any(|e| e.end >= run.start && e.start <= run.end)
    {
        return None;
    }
    let mut repairs = file.repairs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, done)) = repairs.iter().find(|(line, _)| *line == (start, end)) {
        return done.clone();
    }
    let mut patched = String::with_capacity(text.len());
    patched.push_str(&text[..start]);
    patched.extend(std::iter::repeat_n(' ', end - start));
    patched.push_str(&text[end..]);
    let patched: Arc<str> = patched.into();
    // Only the runs the blanked line touched are parsed again, and no syntax check runs: the
    // trees say whether the run now parses.
    let parse = parse::reparse_trees(&patched, &file.parse);
    let fixed_run = parse.run_at(offset);
    let better = parse.tree_errors_in(fixed_run) < file.parse.tree_errors_in(run);
    let done = better.then(|| {
        let fragments = model::Fragments::build(&parse, &patched, api, Some(&file.fragments));
        Arc::new(FileAnalysis::new(parse, None, fragments))
    });
    if repairs.len() >= REPAIRS_KEPT {
        repairs.remove(0);
    }
    repairs.push(((start, end), done.clone()));
    done
}

/// What the rest of the workspace contributes to the analysis of one file.
///
/// Shared by every request as one `Arc` and rebuilt when the workspace changes; each part is
/// an `Arc` of its own so a change to one module's exports copies no set.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceFacts {
    /// Components some script sets or spawns.
    pub script_components: Arc<BTreeSet<String>>,
    /// Components an entity of a project's `scene.json` has (every name, known or not: the
    /// scene makes a script component of any name it gives).
    pub scene_components: Arc<BTreeSet<String>>,
    /// Module names `require` can load (`lib.util`).
    pub modules: Arc<BTreeSet<String>>,
    /// Files under `assets/`, relative to it.
    pub assets: Arc<BTreeSet<String>>,
    /// What each module that returns a table exports, by module name (`lib.util`).
    pub exports: Arc<BTreeMap<String, Arc<ModuleExports>>>,
    /// Whether the facts come from an indexed workspace. Until then, lints that would report
    /// a module or an asset as missing stay quiet.
    pub indexed: bool,
    /// The types the workspace's files declare (`---@class`), in path order.
    pub classes: Arc<Vec<classes::Class>>,
    /// Globals that definition files (`---@meta`, LuaLS style) declare: what a host provides
    /// beyond the registry, known to every file.
    pub meta_globals: Arc<BTreeSet<String>>,
}

/// The exports of one module and the file they come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleExports {
    /// The module's file.
    pub path: PathBuf,
    /// The fields of the table it returns, in source order.
    pub exports: Arc<[Export]>,
}

impl WorkspaceFacts {
    /// The export `name` of `module`, with the module's entry.
    pub fn export(&self, module: &str, name: &str) -> Option<(&ModuleExports, &Export)> {
        let m = self.exports.get(module)?;
        let e = m.exports.iter().find(|e| e.name == name)?;
        Some((m, e))
    }
}

/// A `$0` cursor fixture, split and analysed against the built-in API: what the tests of every
/// cursor feature start from.
#[cfg(test)]
pub(crate) struct Cursor {
    /// The fixture without its marker.
    pub text: String,
    /// Where the marker was.
    pub offset: usize,
    pub api: Api,
    pub file: FileAnalysis,
}

#[cfg(test)]
impl Cursor {
    /// Splits `fixture` at its `$0` marker; panics when there is none.
    pub fn split(fixture: &str) -> (String, usize) {
        let offset = fixture.find("$0").expect("fixture has $0");
        (fixture.replace("$0", ""), offset)
    }

    pub fn new(fixture: &str) -> Cursor {
        let (text, offset) = Cursor::split(fixture);
        // As the server does: the types the file declares are added to the API.
        let api = classes::with_classes(&crescent_api::builtin(), &classes::read(&text));
        let file = analyze(&text, &api);
        Cursor {
            text,
            offset,
            api,
            file,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The deepest nesting `luac5.4` accepts reaches the tree walks; they must fit in the
    /// 2 MiB stack of tokio's blocking threads, where the server runs every feature.
    #[test]
    fn the_deepest_text_luac_accepts_is_analysed_on_a_small_stack() {
        let texts = [
            format!("x = {}1{}", "(".repeat(196), ")".repeat(196)),
            format!("{}{}", "do ".repeat(198), "end ".repeat(198)),
            format!("x = {}1{}", "{".repeat(196), "}".repeat(196)),
            format!(
                "function init(self)\n{}self.x = 1\n{}end\n",
                "if true then\n".repeat(190),
                "end\n".repeat(190)
            ),
        ];
        for text in texts {
            let worker = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let api = crescent_api::builtin();
                    let facts = WorkspaceFacts::default();
                    let file = analyze(&text, &api);
                    let errors = file.parse.errors.len();
                    let _ = diagnostics::diagnostics(&text, &file, &api, &facts);
                    let _ = symbols::document_symbols(&file);
                    let _ = summary::summarize_text(&text, &api);
                    let middle = text.len() / 2;
                    let _ = completion::completions(&text, middle, &file, &api, &facts);
                    let _ = hover::hover(middle, &file, &api, &facts);
                    let _ = navigation::references(middle, &file, true);
                    errors
                })
                .expect("spawn");
            assert_eq!(worker.join().expect("no stack overflow"), 0);
        }
    }
}
