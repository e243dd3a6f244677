//! Inlay hints: parameter names before the arguments of engine calls (and of calls to the
//! types a script declares), `e:set_position(x: 1, y: 2, z: 3)`, where the argument alone does
//! not say which parameter it is.

use crate::model::{Callee, Span};
use crate::FileAnalysis;
use crescent_api::{Api, ParamKind};

/// A hint: `label` shown before the byte `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes (the start of the argument).
    pub offset: usize,
    /// What it shows, `name:`.
    pub label: String,
}

/// Parameter-name hints for the calls whose arguments start in `range`.
///
/// Left out: arguments that already read as the parameter (`dt` for `dt`, `self.speed` for
/// `speed`), component and asset names (a string naming a component is plain enough),
/// variadic tails, and functions of one parameter whose name the function's own name says
/// (`vec3:dot(other)`).
pub fn parameter_hints(file: &FileAnalysis, text: &str, api: &Api, range: Span) -> Vec<InlayHint> {
    let mut out = Vec::new();
    for call in &file.model().calls {
        if call.args_span.end < range.start || call.args_span.start > range.end {
            continue;
        }
        let Some(f) = call.callee.function(api) else {
            continue;
        };
        if f.params.len() == 1 && !matches!(call.callee, Callee::Global(_)) {
            continue;
        }
        for (arg, p) in call.arg_spans.iter().zip(&f.params) {
            if p.name == "..." || !matches!(p.kind, ParamKind::Value) {
                continue;
            }
            if arg.start < range.start || arg.start > range.end {
                continue;
            }
            let written = text.get(arg.start..arg.end).unwrap_or("");
            if says_itself(written, &p.name) {
                continue;
            }
            out.push(InlayHint {
                offset: arg.start,
                label: format!("{}:", p.name),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// Whether an argument's text already names the parameter: the same name, or a path or
/// snake_case name ending with it.
fn says_itself(written: &str, param: &str) -> bool {
    let w = written.trim().to_ascii_lowercase();
    let p = param.trim_end_matches('?').to_ascii_lowercase();
    w == p
        || w.ends_with(&format!(".{p}"))
        || w.ends_with(&format!("_{p}"))
        || w.ends_with(&format!(":{p}()"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, expect: Expect) {
        let api =
            crate::classes::with_classes(&crescent_api::builtin(), &crate::classes::read(text));
        let file = crate::analyze(text, &api);
        let hints = parameter_hints(&file, text, &api, Span::new(0, text.len()));
        // The text with each hint written in before its argument.
        let mut shown = String::new();
        let mut at = 0;
        for h in &hints {
            shown.push_str(&text[at..h.offset]);
            shown.push_str(&format!("<{}>", h.label));
            at = h.offset;
        }
        shown.push_str(&text[at..]);
        expect.assert_eq(&shown);
    }

    #[test]
    fn engine_calls_get_parameter_names() {
        check(
            r#"function update(self, dt)
  self.entity:set_position(1, 2, 3)
  self.entity:translate(self.vel, dt)
  local v = vec3(0, 1, 0)
  world.spawn({ Transform = {} }, { "scripts/a.lua" })
  self.entity:get("Transform")
  log.info("a", "b")
  print(v:dot(v))
end
"#,
            expect![[r#"
                function update(self, dt)
                  self.entity:set_position(<position:>1, <y:>2, <z:>3)
                  self.entity:translate(<offset:>self.vel, <scale:>dt)
                  local v = vec3(<x:>0, <y:>1, <z:>0)
                  world.spawn({ Transform = {} }, <scripts:>{ "scripts/a.lua" })
                  self.entity:get("Transform")
                  log.info("a", "b")
                  print(v:dot(v))
                end
            "#]],
        );
    }

    #[test]
    fn a_declared_class_constructor_gets_them_too() {
        check(
            "---@class Enemy\nlocal Enemy = {}\n---@param hp integer\n---@param speed number\nfunction Enemy.new(hp, speed) end\nlocal speed = 2\nEnemy.new(10, speed)\n",
            expect![[r#"
                ---@class Enemy
                local Enemy = {}
                ---@param hp integer
                ---@param speed number
                function Enemy.new(hp, speed) end
                local speed = 2
                Enemy.new(<hp:>10, speed)
            "#]],
        );
    }
}
