//! Go to definition (also into a `require`d module's file), find references and rename (locals
//! only for the last two).

use super::model::{Span, Target, Ty};
use super::summary::Export;
use super::{FileAnalysis, WorkspaceFacts};
use std::path::PathBuf;

/// Where a name is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    /// In the same file.
    Here(Span),
    /// A module file, by dotted module name (`lib.util` is `scripts/lib/util.lua`).
    Module(String),
    /// A field a module exports, in the module's file.
    Export {
        /// The module's file.
        path: PathBuf,
        /// The export, with the position of its name.
        export: Export,
    },
}

/// The definition of the name at byte `offset`.
pub fn definition(
    offset: usize,
    file: &FileAnalysis,
    facts: &WorkspaceFacts,
) -> Option<Definition> {
    let model = &file.model();
    let occ = model.occurrence_at(offset)?;
    match &occ.target {
        Target::Local(i) => {
            let l = model.locals.get(*i)?;
            // The implicit `self` of `function t:m()` has an empty declaration span.
            (l.decl.end > l.decl.start).then_some(Definition::Here(l.decl))
        }
        Target::Global(name) => {
            if let Some(f) = model.functions.iter().find(|f| f.global && &f.name == name) {
                return Some(Definition::Here(f.name_span));
            }
            model
                .global_writes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| Definition::Here(*s))
        }
        Target::SelfField(name) => model.self_field(name).map(|f| Definition::Here(f.span)),
        Target::Module(name) => Some(Definition::Module(name.clone())),
        Target::Component(name) => model
            .components
            .iter()
            .find(|c| c.defines && &c.name == name)
            .map(|c| Definition::Here(c.span)),
        Target::Member {
            base: Ty::Module(module),
            name,
        } => facts.export(module, name).map(|(m, e)| Definition::Export {
            path: m.path.clone(),
            export: e.clone(),
        }),
        // A method or constructor of a class this file declares: its `function` line.
        Target::Member {
            base: Ty::Type(t),
            name,
        } => model
            .functions
            .iter()
            .find(|f| {
                let Some((table, member)) = f.name.rsplit_once([':', '.']) else {
                    return false;
                };
                member == name
                    && (table == t
                        || model.locals.iter().any(|l| {
                            l.name == table && l.ty.as_ref() == Some(&Ty::Type(t.clone()))
                        }))
            })
            .map(|f| Definition::Here(f.name_span)),
        Target::Member { .. } => None,
    }
}

/// The module export the name under `offset` is: a use such as `util.clamp` in a file that
/// requires the module, or, in the module's own file (`this_module`), the export's name at
/// its definition or a use through the returned table (`M.clamp`). `(module, name)`.
pub fn export_under(
    offset: usize,
    file: &FileAnalysis,
    text: &str,
    this_module: Option<&str>,
) -> Option<(String, String)> {
    if let Some(o) = file.model().occurrence_at(offset) {
        if let Target::Member {
            base: Ty::Module(m),
            name,
        } = &o.target
        {
            return Some((m.clone(), name.clone()));
        }
    }
    let m = this_module?;
    let exports = crate::exports::exports(&file.parse, text)?;
    exports
        .iter()
        .find(|e| {
            e.name_span.touches(offset) || own_uses(file, text, e).iter().any(|s| s.touches(offset))
        })
        .map(|e| (m.to_string(), e.name.clone()))
}

/// Where a file uses `module`'s export `name`: `util.name` and `util:name` where `util` holds
/// the required module.
pub fn export_uses(file: &FileAnalysis, module: &str, name: &str) -> Vec<Span> {
    let mut out: Vec<Span> = file
        .model()
        .occurrences
        .iter()
        .filter(|o| {
            matches!(&o.target, Target::Member { base: Ty::Module(m), name: n } if m == module && n == name)
        })
        .map(|o| o.span)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// In a module's own file, the export `name`: its definition's name, and the uses through the
/// table the file returns (`M.name`, `M:name`).
pub fn export_in_module(file: &FileAnalysis, text: &str, name: &str) -> Option<(Span, Vec<Span>)> {
    let exports = crate::exports::exports(&file.parse, text)?;
    let e = exports.iter().find(|e| e.name == name)?;
    let mut uses = own_uses(file, text, e);
    uses.retain(|s| *s != e.name_span);
    uses.sort();
    uses.dedup();
    Some((e.name_span, uses))
}

/// `T.name` and `T:name` after each read of the local table `T` that defines the export.
fn own_uses(file: &FileAnalysis, text: &str, e: &crate::exports::RawExport) -> Vec<Span> {
    // The table is the name right before `.name` or `:name` at the definition.
    let before = text.get(..e.name_span.start).unwrap_or("");
    let Some(head) = before.strip_suffix(['.', ':']) else {
        return Vec::new();
    };
    let table: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut out = Vec::new();
    for l in file.model().locals.iter().filter(|l| l.name == table) {
        for r in &l.reads {
            let rest = text.get(r.end..).unwrap_or("");
            let Some(after) = rest.strip_prefix(['.', ':']) else {
                continue;
            };
            let Some(tail) = after.strip_prefix(e.name.as_str()) else {
                continue;
            };
            if !tail.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                let start = r.end + 1;
                out.push(Span::new(start, start + e.name.len()));
            }
        }
    }
    out
}

/// Whether `name` can replace an identifier.
pub fn valid_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !super::context::KEYWORDS.contains(&name)
}

/// Every span of the local under `offset`: declaration (if `include_declaration`), reads and
/// writes, sorted.
pub fn references(offset: usize, file: &FileAnalysis, include_declaration: bool) -> Vec<Span> {
    let model = &file.model();
    let Some(occ) = model.occurrence_at(offset) else {
        return Vec::new();
    };
    match &occ.target {
        Target::Local(i) => {
            let Some(l) = model.locals.get(*i) else {
                return Vec::new();
            };
            let mut out: Vec<Span> = l
                .reads
                .iter()
                .chain(l.writes.iter())
                .copied()
                .filter(|s| s.end > s.start)
                .collect();
            if include_declaration && l.decl.end > l.decl.start {
                out.push(l.decl);
            }
            out.sort();
            out.dedup();
            out
        }
        Target::SelfField(name) => {
            let mut out: Vec<Span> = model
                .occurrences
                .iter()
                .filter(|o| matches!(&o.target, Target::SelfField(n) if n == name))
                .map(|o| o.span)
                .collect();
            out.sort();
            out.dedup();
            out
        }
        _ => Vec::new(),
    }
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// The span of the local under `offset` that a rename would change.
pub fn prepare_rename(offset: usize, file: &FileAnalysis) -> Result<Span, RenameError> {
    let occ = file
        .model()
        .occurrence_at(offset)
        .ok_or_else(|| RenameError("nothing to rename here".into()))?;
    match occ.target {
        Target::Local(i)
            if file
                .model()
                .locals
                .get(i)
                .is_some_and(|l| l.decl.end > l.decl.start) =>
        {
            Ok(occ.span)
        }
        Target::Local(_) => Err(RenameError("the implicit `self` cannot be renamed".into())),
        _ => Err(RenameError("only locals can be renamed".into())),
    }
}

/// The edits renaming the local under `offset` to `new_name`.
pub fn rename(
    offset: usize,
    new_name: &str,
    file: &FileAnalysis,
) -> Result<Vec<(Span, String)>, RenameError> {
    prepare_rename(offset, file)?;
    if !valid_name(new_name) {
        return Err(RenameError(format!("`{new_name}` is not a valid Lua name")));
    }
    Ok(references(offset, file, true)
        .into_iter()
        .map(|s| (s, new_name.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(fixture: &str) -> (String, usize, FileAnalysis) {
        let c = super::super::Cursor::new(fixture);
        (c.text, c.offset, c.file)
    }

    fn texts(text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| format!("{}@{}", &text[s.start..s.end], s.start))
            .collect()
    }

    #[test]
    fn definition_of_locals_self_fields_and_modules() {
        let (text, off, file) = setup("local speed = 1\nprint(sp$0eed)");
        assert_eq!(
            definition(off, &file, &WorkspaceFacts::default()),
            Some(Definition::Here(Span::new(6, 11)))
        );
        let (text2, off2, file2) = setup("function update(self)\n  print(self.ta$0rget)\nend\nfunction init(self)\n  self.target = 1\n  self.target = 2\nend");
        let Some(Definition::Here(s)) = definition(off2, &file2, &WorkspaceFacts::default()) else {
            panic!()
        };
        assert_eq!(&text2[s.start..s.end], "target");
        assert_eq!(
            text2[..s.start].matches("self.target").count(),
            1,
            "the first assignment"
        );
        let (_, off3, file3) = setup("local u = require(\"lib.ut$0il\")");
        assert_eq!(
            definition(off3, &file3, &WorkspaceFacts::default()),
            Some(Definition::Module("lib.util".into()))
        );
        let _ = text;
    }

    #[test]
    fn definition_of_a_declared_class_method_and_constructor() {
        let class = "---@class Enemy\nlocal Enemy = {}\nfunction Enemy.new() end\nfunction Enemy:hurt(n) end\n";
        for (call, want) in [
            ("Enemy.ne$0w()", "new"),
            ("---@type Enemy\nlocal e = x\ne:hu$0rt(1)", "hurt"),
        ] {
            let (text, off, file) = setup(&format!("{class}{call}"));
            let Some(Definition::Here(s)) = definition(off, &file, &WorkspaceFacts::default())
            else {
                panic!("no definition for {call}")
            };
            assert_eq!(&text[s.start..s.end], want);
            assert!(
                text[..s.start].ends_with("function Enemy.")
                    || text[..s.start].ends_with("function Enemy:")
            );
        }
    }

    #[test]
    fn references_respect_shadowing() {
        let (text, off, file) =
            setup("local x = 1\nprint(x)\ndo local x = 2 print(x) end\nx$0 = x + 1");
        assert_eq!(
            texts(&text, &references(off, &file, true)),
            ["x@6", "x@18", "x@49", "x@53"]
        );
    }

    #[test]
    fn rename_checks_the_new_name() {
        let (text, off, file) = setup("local function he$0lp() end\nhelp()");
        let edits = rename(off, "assist", &file).expect("rename");
        assert_eq!(edits.len(), 2);
        assert!(rename(off, "end", &file).is_err());
        assert!(rename(off, "2x", &file).is_err());
        let (_, off2, file2) = setup("pri$0nt(1)");
        assert!(rename(off2, "x", &file2).is_err());
        let _ = text;
    }

    #[test]
    fn definition_of_a_modules_export_is_in_its_file() {
        let facts = crate::completion::tests::facts_with_module(crate::completion::tests::UTIL);
        let (_, off, file) = setup("local util = require(\"lib.util\")\nutil.cla$0mp(1, 0, 2)");
        let Some(Definition::Export { path, export }) = definition(off, &file, &facts) else {
            panic!("no definition in the module");
        };
        assert_eq!(path, PathBuf::from("/game/scripts/lib/util.lua"));
        assert_eq!(export.name, "clamp");
        assert_eq!(export.name_range.utf8.0.line, 3);
        let (_, off, file) = setup("local util = require(\"lib.util\")\nutil:st$0ep()");
        assert!(matches!(
            definition(off, &file, &facts),
            Some(Definition::Export { export, .. }) if export.name == "step"
        ));
        let (_, off, file) = setup("local util = require(\"lib.util\")\nutil.nope$0()");
        assert_eq!(definition(off, &file, &facts), None);
    }
}
