//! `sandbox`: use of a standard Lua name the script sandbox removes (`io`, `os.execute`, ...).

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};

/// The lint.
pub const LINT: Lint = Lint {
    code: "sandbox",
    doc: "A standard library name scripts never get, with the reason and what to use instead; \
          the value is nil at run time. Example: `io.open(\"save.txt\")`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = &ctx.file.model();
    let defined = |name: &str| model.global_writes.iter().any(|(n, _)| n == name);
    let mut push = |span, name: &str, reason: &str| {
        out.push(Diagnostic {
            span,
            severity: LINT.severity,
            code: LINT.code,
            message: format!("`{name}` is not available to scripts: {reason}"),
            unnecessary: false,
            fix: None,
        })
    };
    for (name, span) in &model.global_reads {
        if let Some(r) = ctx.api.removed(name) {
            if !defined(name) {
                push(*span, name, &r.reason);
            }
        }
    }
    for (path, span) in &model.global_paths {
        let root = path.split('.').next().unwrap_or("");
        if ctx.api.removed(root).is_some() || defined(root) {
            continue;
        }
        if let Some(r) = ctx.api.removed(path) {
            push(*span, path, &r.reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics;

    #[test]
    fn removed_libraries_and_functions() {
        check_diagnostics(
            r#"
local f = io.open("x")
        --^^ error: `io` is not available to scripts: scripts cannot touch files; use `assets.load_text` for files under assets/
local ok = os.execute("ls")
         --^^^^^^^^^^ error: `os.execute` is not available to scripts: scripts cannot run programs
local t = os.clock()
print(f, t, ok, debug)
              --^^^^^ error: `debug` is not available to scripts: the debug library can break out of the sandbox
"#,
        );
    }
}
