//! Semantic tokens: what each name of the file is, for editors to colour beyond the grammar:
//! engine namespaces, functions and members (marked as the library's), locals, parameters,
//! `self`, the script's globals, `self` fields, component names and module names.

use crate::model::{LocalKind, Span, Target, Ty};
use crate::FileAnalysis;
use crescent_api::Api;

/// What a token is. The order is the legend's (`TokenKind::LEGEND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An engine namespace (`world`) or a required module's table.
    Namespace,
    /// A type name (a component in a string, `"Transform"`).
    Type,
    /// A parameter, `self` included.
    Parameter,
    /// A local or global variable.
    Variable,
    /// A field: of `self`, of an engine value, of a namespace.
    Property,
    /// A function: an engine function, a local or global function.
    Function,
    /// A method of an engine or declared type.
    Method,
}

impl TokenKind {
    /// Names of the kinds, in order, as LSP's standard token types.
    pub const LEGEND: [&'static str; 7] = [
        "namespace",
        "type",
        "parameter",
        "variable",
        "property",
        "function",
        "method",
    ];

    /// The kind's position in [`LEGEND`](Self::LEGEND).
    pub fn index(self) -> u32 {
        self as u32
    }
}

/// Modifiers, as bits in the order of [`MODIFIERS`].
pub const MODIFIERS: [&str; 3] = ["declaration", "readonly", "defaultLibrary"];
/// The name being declared.
pub const DECLARATION: u32 = 1;
/// Something that cannot be assigned (`self`, an engine namespace).
pub const READONLY: u32 = 2;
/// Part of the engine's API.
pub const LIBRARY: u32 = 4;

/// One token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Its bytes (on one line: names never span lines).
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
    /// Bits of [`MODIFIERS`].
    pub modifiers: u32,
}

/// The tokens of the names the model knows, in source order, none overlapping.
pub fn tokens(file: &FileAnalysis, text: &str, api: &Api) -> Vec<Token> {
    let model = &file.model();
    let mut out: Vec<Token> = Vec::new();
    for l in &model.locals {
        if l.decl.end > l.decl.start {
            out.push(Token {
                span: l.decl,
                kind: local_kind(l.kind),
                modifiers: DECLARATION,
            });
        }
    }
    for o in &model.occurrences {
        let token = match &o.target {
            Target::Local(i) => {
                let Some(l) = model.locals.get(*i) else {
                    continue;
                };
                if o.span == l.decl {
                    continue;
                }
                let readonly = if l.name == "self" && l.kind == LocalKind::Param {
                    READONLY
                } else {
                    0
                };
                Token {
                    span: o.span,
                    kind: local_kind(l.kind),
                    modifiers: readonly,
                }
            }
            Target::Global(name) => {
                let called = text
                    .get(o.span.end..)
                    .is_some_and(|r| r.trim_start().starts_with(['(', '"', '{']));
                if api.global(name).is_some() && (called || api.namespace(name).is_none()) {
                    Token {
                        span: o.span,
                        kind: TokenKind::Function,
                        modifiers: LIBRARY,
                    }
                } else if api.namespace(name).is_some() {
                    Token {
                        span: o.span,
                        kind: TokenKind::Namespace,
                        modifiers: READONLY | LIBRARY,
                    }
                } else if api.global(name).is_some() {
                    Token {
                        span: o.span,
                        kind: TokenKind::Function,
                        modifiers: LIBRARY,
                    }
                } else if model.functions.iter().any(|f| f.global && &f.name == name) {
                    Token {
                        span: o.span,
                        kind: TokenKind::Function,
                        modifiers: 0,
                    }
                } else {
                    Token {
                        span: o.span,
                        kind: TokenKind::Variable,
                        modifiers: 0,
                    }
                }
            }
            Target::Member { base, name } => {
                let (kind, library) = member_kind(base, name, api);
                Token {
                    span: o.span,
                    kind,
                    modifiers: if library { LIBRARY } else { 0 },
                }
            }
            Target::SelfField(_) => Token {
                span: o.span,
                kind: TokenKind::Property,
                modifiers: 0,
            },
            Target::Component(_) => Token {
                span: o.span,
                kind: TokenKind::Type,
                modifiers: 0,
            },
            Target::Module(_) => Token {
                span: o.span,
                kind: TokenKind::Namespace,
                modifiers: 0,
            },
        };
        out.push(token);
    }
    out.sort_by_key(|t| (t.span.start, t.span.end));
    // A name seen twice (a declaration that is also an occurrence) keeps its first token.
    out.dedup_by(|b, a| b.span.start < a.span.end);
    out
}

fn local_kind(kind: LocalKind) -> TokenKind {
    match kind {
        LocalKind::Param => TokenKind::Parameter,
        LocalKind::Function => TokenKind::Function,
        LocalKind::Local | LocalKind::ForVar => TokenKind::Variable,
    }
}

/// What a member is, and whether the engine provides it.
fn member_kind(base: &Ty, name: &str, api: &Api) -> (TokenKind, bool) {
    match base {
        Ty::Namespace(ns) => {
            let is_fn = api
                .namespace(ns)
                .is_some_and(|n| n.functions.iter().any(|f| f.name == name));
            (
                if is_fn {
                    TokenKind::Function
                } else {
                    TokenKind::Property
                },
                true,
            )
        }
        Ty::Type(t) => {
            let d = api.type_def(t);
            let library = d.is_some_and(|d| !d.script);
            if d.is_some_and(|d| d.methods.iter().any(|f| f.name == name)) {
                (TokenKind::Method, library)
            } else if d.is_some_and(|d| d.statics.iter().any(|f| f.name == name)) {
                (TokenKind::Function, library)
            } else {
                (TokenKind::Property, library)
            }
        }
        Ty::Component(_) => (TokenKind::Property, true),
        Ty::Module(_) => (TokenKind::Function, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(fixture: &str, expect: Expect) {
        let c = crate::Cursor::new(&format!("{fixture}$0"));
        let mut out = String::new();
        for t in tokens(&c.file, &c.text, &c.api) {
            let mut mods = Vec::new();
            for (i, m) in MODIFIERS.iter().enumerate() {
                if t.modifiers & (1 << i) != 0 {
                    mods.push(*m);
                }
            }
            out += &format!(
                "{} {} {}\n",
                &c.text[t.span.start..t.span.end],
                TokenKind::LEGEND[t.kind.index() as usize],
                mods.join(",")
            );
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn engine_names_locals_parameters_and_self() {
        check(
            r#"local speed = 2
function update(self, dt)
  local e = world.find("boss")
  self.entity:translate(vec3(speed, 0, 0), dt)
  self.hp = e:get("Health")
  print(time.dt)
end
"#,
            expect![[r#"
                speed variable declaration
                update function 
                self parameter declaration
                dt parameter declaration
                e variable declaration
                world namespace readonly,defaultLibrary
                find function defaultLibrary
                self parameter readonly
                entity property defaultLibrary
                translate method defaultLibrary
                vec3 function defaultLibrary
                speed variable 
                dt parameter 
                self parameter readonly
                hp property 
                e variable 
                get method defaultLibrary
                Health type 
                print function defaultLibrary
                time namespace readonly,defaultLibrary
                dt property defaultLibrary
            "#]],
        );
    }
}
