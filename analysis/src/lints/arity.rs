//! `arity`: an engine function called with too few or too many arguments.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};

/// The lint.
pub const LINT: Lint = Lint {
    code: "arity",
    doc: "A call to an engine function with the wrong number of arguments; the engine raises \
          an error. Example: `world.find()`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for call in &ctx.file.model().calls {
        let Some(f) = call.callee.function(ctx.api) else {
            continue;
        };
        let (min, max) = f.arity();
        let n = call.args;
        // A call or `...` in last place may expand to any number of values, even none.
        let too_few = n < min && !call.open_tail;
        let too_many = max.is_some_and(|m| n > m && !(call.open_tail && n - 1 <= m));
        if !(too_few || too_many) {
            continue;
        }
        let expects = match max {
            Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
            Some(m) => format!("{min} to {m} arguments"),
            None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
        };
        out.push(Diagnostic {
            span: call.args_span,
            severity: LINT.severity,
            code: LINT.code,
            message: format!(
                "`{}` takes {expects}, got {n}: {}",
                call.callee.path(),
                f.signature()
            ),
            unnecessary: false,
            fix: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

    #[test]
    fn too_few_and_too_many() {
        check_diagnostics(
            r#"
local boss = world.find()
                     --^^ error: `world.find` takes 1 argument, got 0: find(name: string) -> Entity?
local v = vec3(1, 2, 3, 4)
            --^^^^^^^^^^^^ error: `vec3` takes 0 to 3 arguments, got 4: vec3(x?: number, y?: number, z?: number) -> vec3
if boss then boss:set("Name") end
                   --^^^^^^^^ error: `Entity:set` takes 2 arguments, got 1: set(name: string, value: any)
print(v)
"#,
        );
    }

    #[test]
    fn expanding_last_arguments_and_variadics_are_fine() {
        check_diagnostics(
            r#"
local function pos() return 1, 2, 3 end
local v = vec3(pos())
log.info("a", "b", "c", v)
for e in world.query("Transform", "Name") do print(e) end
"#,
        );
    }
}
