//! `unknown-member`: a member an engine namespace or type does not have (`world.spwn`).

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::{did_you_mean, suggest};
use crate::model::Ty;

/// The lint.
pub const LINT: Lint = Lint {
    code: "unknown-member",
    doc: "A member the engine API does not have; the call fails at run time with \
          \"attempt to call a nil value\". Example: `world.spwn({})`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for u in &ctx.file.model.unknown_members {
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
                        .collect()
                };
                (format!("type `{t}`"), names)
            }
            _ => continue,
        };
        let kind = if u.method { "method" } else { "member" };
        let (message, fix) = did_you_mean(
            format!("{what} has no {kind} `{}`", u.name),
            suggest(&u.name, names),
        );
        out.push(Diagnostic {
            span: u.span,
            severity: LINT.severity,
            code: LINT.code,
            message,
            unnecessary: false,
            fix,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

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
