//! `syntax`: errors from the parser, one per region of lines, as `luac5.4 -p` would report.

use crate::analysis::diagnostics::{Diagnostic, Lint, LintContext, Severity};

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
            span: crate::analysis::model::Span::new(e.start, e.end),
            severity: LINT.severity,
            code: LINT.code,
            message: e.message.clone(),
            unnecessary: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::check_diagnostics_with;
    use crate::analysis::WorkspaceFacts;

    #[test]
    fn one_error_on_the_broken_line_only() {
        check_diagnostics_with(
            r#"
local a = 1
local b = = 2
        --^ error: expected an expression
local c = a
"#,
            &WorkspaceFacts::default(),
            Some("syntax"),
        );
    }
}
