//! `missing-module`: `require` of a module no file of the project provides.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;

/// The lint.
pub const LINT: Lint = Lint {
    code: "missing-module",
    doc: "A `require` whose module no file under `scripts/` provides (`require(\"lib.util\")` \
          loads `scripts/lib/util.lua`); the script's top level fails when it runs. Example: \
          `require(\"lib.utl\")`.",
    severity: Severity::Error,
    run,
};

/// The standard libraries `require` returns as they are, and the ones the sandbox refuses
/// (the `sandbox` lint's business, not this one's).
const NOT_FILES: &[&str] = &[
    "string",
    "table",
    "math",
    "utf8",
    "coroutine",
    "os",
    "_G",
    "debug",
    "io",
    "package",
];

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.facts.indexed {
        return;
    }
    for (module, span) in &ctx.file.model().requires {
        if NOT_FILES.contains(&module.as_str()) || ctx.facts.modules.contains(module) {
            continue;
        }
        let file = format!("scripts/{}.lua", module.replace('.', "/"));
        out.push(LINT.finding(
            *span,
            format!("no module `{module}`: there is no {file}"),
            suggest(module, ctx.facts.modules.iter().map(String::as_str)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics_with;
    use crate::WorkspaceFacts;
    use std::sync::Arc;

    #[test]
    fn missing_modules_with_suggestions() {
        let facts = WorkspaceFacts {
            modules: Arc::new(["lib.util".to_string(), "enemy".to_string()].into()),
            indexed: true,
            ..WorkspaceFacts::default()
        };
        check_diagnostics_with(
            r#"
local util = require("lib.utl")
                    --^^^^^^^ error: no module `lib.utl`: there is no scripts/lib/utl.lua; did you mean `lib.util`?
local ok = require("lib.util")
local s = require("string")
local x = require "nowhere.at.all"
                 --^^^^^^^^^^^^^^ error: no module `nowhere.at.all`: there is no scripts/nowhere/at/all.lua
print(util, ok, s, x)
"#,
            &facts,
            Some("missing-module"),
        );
    }

    #[test]
    fn quiet_until_the_workspace_is_indexed() {
        check_diagnostics_with(
            "local util = require(\"lib.utl\")\nprint(util)\n",
            &WorkspaceFacts::default(),
            Some("missing-module"),
        );
    }
}
