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
    // Assigning a `<const>` or `<close>` local is a compile error in Lua 5.4.
    for l in &ctx.file.model.locals {
        if l.attrib.is_some() {
            if let Some(w) = l.writes.first() {
                out.push(Diagnostic {
                    span: *w,
                    severity: LINT.severity,
                    code: LINT.code,
                    message: format!("attempt to assign to const variable '{}'", l.name),
                    unnecessary: false,
                });
            }
        }
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
local k <const> = 1
local k2 = k; k = 2
            --^ error: attempt to assign to const variable 'k'
"#,
            &WorkspaceFacts::default(),
            Some("syntax"),
        );
    }
}
