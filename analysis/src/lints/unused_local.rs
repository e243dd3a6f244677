//! `unused-local`: a local variable or local function that is never read.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::model::LocalKind;

/// The lint.
pub const LINT: Lint = Lint {
    code: "unused-local",
    doc: "A local that is never read: dead code or a typo elsewhere. Names starting with `_` \
          are exempt; parameters and loop variables are not reported. Example: `local unused = 1`.",
    severity: Severity::Hint,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.file.model().locals {
        if !matches!(l.kind, LocalKind::Local | LocalKind::Function) || l.name.starts_with('_') {
            continue;
        }
        if l.reads.is_empty() {
            let what = if l.kind == LocalKind::Function {
                "local function"
            } else {
                "local"
            };
            out.push(Diagnostic {
                span: l.decl,
                severity: LINT.severity,
                code: LINT.code,
                message: format!("unused {what} `{}`", l.name),
                unnecessary: true,
                fix: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

    #[test]
    fn unused_locals_are_hints() {
        check_diagnostics(
            r#"
local used, unused = 1, 2
          --^^^^^^ hint: unused local `unused`
local _ignored = 3
local function helper() end
             --^^^^^^ hint: unused local function `helper`
local written = 1
    --^^^^^^^ hint: unused local `written`
written = 2
print(used)
"#,
        );
    }
}
