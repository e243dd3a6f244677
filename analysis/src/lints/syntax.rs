//! `syntax`: the syntax errors of the file, as `luac5.4 -p` reports them (see `parse`).

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};

/// The lint.
pub const LINT: Lint = Lint {
    code: "syntax",
    doc: "Code Lua 5.4 cannot parse; the script will not load. Example: `local x = = 1`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in &ctx.file.parse.errors {
        out.push(Diagnostic {
            span: crate::model::Span::new(e.start, e.end),
            severity: LINT.severity,
            code: LINT.code,
            message: e.message.clone(),
            unnecessary: false,
            fix: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics_with;
    use crate::WorkspaceFacts;

    #[test]
    fn one_error_on_the_broken_line_only() {
        check_diagnostics_with(
            r#"
local a = 1
local b = = 2
        --^ error: unexpected symbol near '='
local c = a
"#,
            &WorkspaceFacts::default(),
            Some("syntax"),
        );
    }

    #[test]
    fn a_later_broken_line_is_reported_too() {
        check_diagnostics_with(
            r#"
local b = = 2
        --^ error: unexpected symbol near '='
local c = 1

local d = = 3
      --^ error: expected an expression
"#,
            &WorkspaceFacts::default(),
            Some("syntax"),
        );
    }

    #[test]
    fn assigning_a_const_local_is_an_error() {
        check_diagnostics_with(
            r#"
local k <const> = 1
local k2 = k; k = 2
            --^ error: attempt to assign to const variable 'k'
local t <close> = nil
do
    t = k2
  --^ error: attempt to assign to const variable 't'
end
"#,
            &WorkspaceFacts::default(),
            Some("syntax"),
        );
    }
}
