//! `missing-asset`: an `assets.load_*` call whose literal path names no file under `assets/`.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;
use crate::model::Callee;
use crescent_api::ParamKind;

/// The lint.
pub const LINT: Lint = Lint {
    code: "missing-asset",
    doc: "A literal asset path that names no file under the project's `assets/` folder; the \
          load fails when it runs. Example: `assets.load_json(\"levels/1.jsn\")`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.facts.indexed {
        return;
    }
    for call in &ctx.file.model().calls {
        let Some((path, span)) = &call.first_string else {
            continue;
        };
        let Some(f) = call.callee.function(ctx.api) else {
            continue;
        };
        let takes_asset = f
            .params
            .first()
            .is_some_and(|p| p.kind == ParamKind::AssetPath);
        // `assets.exists` asks the question this lint would answer.
        let asks = matches!(&call.callee, Callee::Namespace(_, name) if name == "exists");
        if !takes_asset || asks || ctx.facts.assets.contains(path) {
            continue;
        }
        out.push(LINT.finding(
            *span,
            format!("no asset `{path}` under assets/"),
            suggest(path, ctx.facts.assets.iter().map(String::as_str)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::check_diagnostics_with;
    use crate::WorkspaceFacts;
    use std::sync::Arc;

    #[test]
    fn missing_assets_with_suggestions() {
        let facts = WorkspaceFacts {
            assets: Arc::new(["levels/1.json".to_string(), "intro.txt".to_string()].into()),
            indexed: true,
            ..WorkspaceFacts::default()
        };
        check_diagnostics_with(
            r#"
function init(self)
  local level = assets.load_json("levels/1.jsn")
                                --^^^^^^^^^^^^ error: no asset `levels/1.jsn` under assets/; did you mean `levels/1.json`?
  local text = assets.load_text("intro.txt")
  local maybe = assets.exists("save.json")
  local name = "levels/" .. 2 .. ".json"
  print(level, text, maybe, assets.load_json(name))
end
"#,
            &facts,
            Some("missing-asset"),
        );
    }
}
