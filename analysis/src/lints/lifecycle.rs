//! `lifecycle`: a misspelt lifecycle function, or one declared with the wrong parameters.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;

/// The lint.
pub const LINT: Lint = Lint {
    code: "lifecycle",
    doc: "A top-level function whose name is one edit away from a lifecycle callback, or a \
          callback whose parameters do not match what the engine passes; the engine silently \
          never calls it, or calls it with other values. Example: `function updte(self, dt)`.",
    severity: Severity::Warning,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = &ctx.file.model();
    for f in &model.functions {
        if !(f.top_level && f.global) || f.method || f.name.contains('.') {
            continue;
        }
        let mut push = |message: String| {
            out.push(Diagnostic {
                span: f.name_span,
                severity: LINT.severity,
                code: LINT.code,
                message,
                unnecessary: false,
                fix: None,
            })
        };
        match ctx.api.callback(&f.name) {
            Some(cb) => {
                let declared: Vec<&str> = f
                    .params
                    .iter()
                    .map(String::as_str)
                    .filter(|p| *p != "...")
                    .collect();
                if let (Some(first), Some(expected)) = (declared.first(), cb.params.first()) {
                    if expected.name == "self" && *first != "self" && *first != "_" {
                        push(format!(
                            "the first parameter of `{}` receives the script instance, not `{first}`: {}",
                            f.name,
                            cb.signature()
                        ));
                        continue;
                    }
                }
                if declared.len() > cb.params.len() {
                    push(format!(
                        "`{}` receives {} parameter{}; `{}` is always nil: {}",
                        f.name,
                        cb.params.len(),
                        if cb.params.len() == 1 { "" } else { "s" },
                        declared[cb.params.len()],
                        cb.signature()
                    ));
                }
            }
            None => {
                let used = model.global_reads.iter().any(|(n, _)| n == &f.name);
                if used {
                    continue;
                }
                let names = ctx.api.callbacks.iter().map(|c| c.name.as_str());
                if let Some(s) = suggest(&f.name, names) {
                    push(format!(
                        "`{}` is not a lifecycle function and the engine never calls it; did you mean `{s}`?",
                        f.name
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

    #[test]
    fn misspelt_callback() {
        check_diagnostics(
            r#"
function updte(self, dt)
       --^^^^^ warning: `updte` is not a lifecycle function and the engine never calls it; did you mean `update`?
  print(self, dt)
end
function int(self) print(self) end
       --^^^ warning: `int` is not a lifecycle function and the engine never calls it; did you mean `init`?
"#,
        );
    }

    #[test]
    fn wrong_parameters() {
        check_diagnostics(
            r#"
function update(dt)
       --^^^^^^ warning: the first parameter of `update` receives the script instance, not `dt`: update(self, dt: number)
  print(dt)
end
function init(self, extra)
       --^^^^ warning: `init` receives 1 parameter; `extra` is always nil: init(self)
  print(self, extra)
end
"#,
        );
    }

    #[test]
    fn helpers_called_in_the_file_and_locals_are_fine() {
        check_diagnostics(
            r#"
function int(x) return x end
local function updte() end
function update(self, dt) print(int(dt), updte) end
"#,
        );
    }
}
