//! `undefined-global`: a read of a global that neither the file, the engine nor Lua defines.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;

/// The lint.
pub const LINT: Lint = Lint {
    code: "undefined-global",
    doc: "A global read that nothing defines (neither the file, the engine, Lua, nor a \
          `---@meta` definition file of the workspace); it is nil at run time, usually a typo or a missing \
          `local`. A warning, never an error, so scripts written elsewhere still open cleanly. \
          Example: `print(helth)`.",
    severity: Severity::Warning,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = &ctx.file.model();
    let api = ctx.api;
    let known: std::collections::HashSet<&str> = api
        .globals
        .iter()
        .map(|f| f.name.as_str())
        .chain(api.namespaces.iter().map(|n| n.name.as_str()))
        .chain(api.sandbox.globals.iter().map(String::as_str))
        .chain(api.sandbox.removed.iter().map(|r| r.name.as_str()))
        .chain(api.callbacks.iter().map(|c| c.name.as_str()))
        .chain(api.script_fields.iter().map(|f| f.name.as_str()))
        .chain(model.global_writes.iter().map(|(n, _)| n.as_str()))
        .chain(ctx.facts.meta_globals.iter().map(String::as_str))
        .collect();
    for (name, span) in &model.global_reads {
        if known.contains(name.as_str()) {
            continue;
        }
        // Suggesting from the visible locals costs a scan of all locals; bound it on huge files.
        let locals = if out.len() < 200 {
            model.locals_at(span.start)
        } else {
            Vec::new()
        };
        let candidates = known
            .iter()
            .copied()
            .chain(locals.iter().map(|&i| model.locals[i].name.as_str()));
        out.push(LINT.finding(
            *span,
            format!("`{name}` is not defined"),
            suggest(name, candidates),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

    #[test]
    fn undefined_reads_warn_with_suggestions() {
        check_diagnostics(
            r#"
local health = 3
counter = 0
print(health)
print(helth, counter, undefined_thing, math.floor(1), world)
    --^^^^^ warning: `helth` is not defined; did you mean `health`?
                    --^^^^^^^^^^^^^^^ warning: `undefined_thing` is not defined
"#,
        );
    }

    #[test]
    fn globals_a_meta_file_declares_are_defined() {
        let mut facts = crate::WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.meta_globals).insert("host_spawn".into());
        crate::diagnostics::check_diagnostics_with(
            r#"
function init(self)
  host_spawn(1)
  host_spwn(2)
--^^^^^^^^^ warning: `host_spwn` is not defined; did you mean `host_spawn`?
end
"#,
            &facts,
            None,
        );
    }

    #[test]
    fn one_syntax_error_does_not_cascade_into_undefined_self() {
        check_diagnostics(
            r#"function init(self)
  self.speed = 2
end

function update(self, dt)
  local v = vec3(1, 2, 3
  self.entity:translate(v, dt * self.speed)
--^^^^ error: ')' expected (to close '(' at line 6) near 'self'
  if self.speed > 1 then
    self.speed = self.speed - dt
  end
end

function destroy(self)
  print(self.speed)
end
"#,
        );
    }
}
