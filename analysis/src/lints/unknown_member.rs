//! `unknown-member`: a member an engine namespace or type does not have (`world.spwn`), or a
//! field a required module does not export (`util.nope()`).

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;
use crate::model::{Target, Ty};

/// The lint.
pub const LINT: Lint = Lint {
    code: "unknown-member",
    doc: "A member the engine API does not have; the call fails at run time with \
          \"attempt to call a nil value\". Example: `world.spwn({})`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    engine(ctx, out);
    modules(ctx, out);
    namespace_calls(ctx, out);
}

/// An engine namespace called like a function (`log("hi")`): the call fails at run time with
/// "attempt to call a table value". For `log` the fix is `log.info`.
fn namespace_calls(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (ns, span) in &ctx.file.model().namespace_calls {
        let Some(n) = ctx.api.namespace(ns) else {
            continue;
        };
        let message = format!("`{ns}` is a namespace, not a function");
        let finding = if n.functions.iter().any(|f| f.name == "info") {
            LINT.finding(*span, message, Some(&format!("{ns}.info")))
        } else {
            let some: Vec<String> = n
                .functions
                .iter()
                .take(4)
                .map(|f| format!("`{ns}.{}`", f.name))
                .collect();
            let message = format!("{message}; call one of its functions ({})", some.join(", "));
            LINT.finding(*span, message, None)
        };
        out.push(finding);
    }
}

/// Members of required modules that the module's file does not export. A warning: a module
/// can add fields in ways the index does not follow (`M[name] = f`). Assignments
/// (`util.extra = 1`) are left alone.
fn modules(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for o in &ctx.file.model().occurrences {
        let Target::Member {
            base: Ty::Module(m),
            name,
        } = &o.target
        else {
            continue;
        };
        let Some(module) = ctx.facts.exports.get(m) else {
            continue;
        };
        if module.exports.iter().any(|e| e.name == *name) {
            continue;
        }
        if crate::document::is_assigned(ctx.text, o.span) {
            continue;
        }
        let mut finding = LINT.finding(
            o.span,
            format!("module `{m}` has no member `{name}`"),
            suggest(name, module.exports.iter().map(|e| e.name.as_str())),
        );
        finding.severity = Severity::Warning;
        out.push(finding);
    }
}

fn engine(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for u in &ctx.file.model().unknown_members {
        let (what, names): (String, Vec<&str>) = match &u.base {
            Ty::Namespace(ns) => {
                let Some(n) = ctx.api.namespace(ns) else {
                    continue;
                };
                (
                    format!("`{ns}`"),
                    n.functions
                        .iter()
                        .map(|f| f.name.as_str())
                        .chain(n.fields.iter().map(|f| f.name.as_str()))
                        .collect(),
                )
            }
            Ty::Type(t) => {
                let Some(d) = ctx.api.type_def(t) else {
                    continue;
                };
                let names = if u.method {
                    d.methods.iter().map(|f| f.name.as_str()).collect()
                } else {
                    d.fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .chain(d.methods.iter().map(|f| f.name.as_str()))
                        .chain(d.statics.iter().map(|f| f.name.as_str()))
                        .collect()
                };
                if d.script {
                    let kind = if u.method { "method" } else { "member" };
                    let mut finding = LINT.finding(
                        u.span,
                        format!("class `{t}` declares no {kind} `{}`", u.name),
                        suggest(&u.name, names),
                    );
                    finding.severity = Severity::Warning;
                    out.push(finding);
                    continue;
                }
                (format!("type `{t}`"), names)
            }
            _ => continue,
        };
        let kind = if u.method { "method" } else { "member" };
        out.push(LINT.finding(
            u.span,
            format!("{what} has no {kind} `{}`", u.name),
            suggest(&u.name, names),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::completion::tests::{facts_with_module, UTIL};
    use crate::diagnostics::{check_diagnostics, check_diagnostics_with};

    #[test]
    fn members_a_required_module_does_not_export() {
        check_diagnostics_with(
            r#"
local util = require("lib.util")
function update(self, dt)
  util.clamp(1, 0, 2)
  util.nope()
     --^^^^ warning: module `lib.util` has no member `nope`
  local s = util.SCALLE
               --^^^^^^ warning: module `lib.util` has no member `SCALLE`; did you mean `SCALE`?
  util:step(dt)
  util.added = 1
end
"#,
            &facts_with_module(UTIL),
            Some("unknown-member"),
        );
    }

    #[test]
    fn unknown_members_of_a_declared_class() {
        check_diagnostics(
            r#"
---@class Enemy
---@field hp integer
local Enemy = {}
function Enemy.new(hp) return setmetatable({ hp = hp, speed = 3 }, Enemy) end
function Enemy:hurt(n) self.hp = self.hp - n end
---@param e Enemy
local function tick(e)
  e:hurt(e.speed)
  e:hurtt(1)
  --^^^^^ warning: class `Enemy` declares no method `hurtt`; did you mean `hurt`?
  print(e.hpp)
        --^^^ warning: class `Enemy` declares no member `hpp`; did you mean `hp`?
  e.extra = 1
end
tick(Enemy.new(3))
"#,
        );
    }

    #[test]
    fn a_namespace_called_as_a_function() {
        check_diagnostics(
            r#"
function update(self, dt)
  log("hi")
--^^^ error: `log` is a namespace, not a function; did you mean `log.info`?
  world({})
--^^^^^ error: `world` is a namespace, not a function; call one of its functions (`world.spawn`, `world.query`, `world.find`, `world.entities`)
  log.info(vec3(1, 2, 3))
end
"#,
        );
    }

    #[test]
    fn misspelt_namespace_function() {
        check_diagnostics(
            r#"
function init(self)
  world.spwn({})
      --^^^^ error: `world` has no member `spwn`; did you mean `spawn`?
  local dt = time.dtt
                --^^^ error: `time` has no member `dtt`; did you mean `dt`?
  print(dt)
end
"#,
        );
    }

    #[test]
    fn unknown_method_on_an_entity_handle() {
        check_diagnostics(
            r#"
function update(self, dt)
  self.entity:despwan()
            --^^^^^^^ error: type `Entity` has no method `despwan`; did you mean `despawn`?
  self.speed = dt
  local e = world.find("boss")
  if e then e:frobnicate() end
            --^^^^^^^^^^ error: type `Entity` has no method `frobnicate`
end
"#,
        );
    }

    #[test]
    fn self_fields_and_shadowed_namespaces_are_fine() {
        check_diagnostics(
            r#"
function init(self)
  self.anything = 1
  local world = {}
  world.spwn = 2
  print(world.spwn, self.anything)
end
"#,
        );
    }
}
