//! `unknown-component`: a component name no one defines, in `get/set/has/remove/query` or a
//! spawn table.

use crate::diagnostics::{Diagnostic, Lint, LintContext, Severity};
use crate::fuzzy::suggest;

/// The lint.
pub const LINT: Lint = Lint {
    code: "unknown-component",
    doc: "A component name that is neither built in, registered by the host, set by any \
          script of the workspace, nor given by a `scene.json`; usually a typo that makes `get` \
          return nil. \
          Example: `self.entity:get(\"Transfrom\")`.",
    severity: Severity::Error,
    run,
};

fn run(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = &ctx.file.model();
    let defined_here: std::collections::HashSet<&str> = model
        .components
        .iter()
        .filter(|c| c.defines)
        .map(|c| c.name.as_str())
        .collect();
    let known = |name: &str| {
        ctx.api.component(name).is_some()
            || ctx.facts.script_components.contains(name)
            || ctx.facts.scene_components.contains(name)
            || defined_here.contains(name)
    };
    for c in &model.components {
        if c.defines || known(&c.name) {
            continue;
        }
        let candidates = ctx
            .api
            .components
            .iter()
            .map(|c| c.name.as_str())
            .chain(ctx.facts.script_components.iter().map(String::as_str))
            .chain(ctx.facts.scene_components.iter().map(String::as_str))
            .chain(
                model
                    .components
                    .iter()
                    .filter(|c| c.defines)
                    .map(|c| c.name.as_str()),
            );
        out.push(LINT.finding(
            c.span,
            format!("unknown component `{}`", c.name),
            suggest(&c.name, candidates),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{check_diagnostics, check_diagnostics_with};
    use crate::WorkspaceFacts;

    #[test]
    fn unknown_component() {
        check_diagnostics(
            r#"
function update(self, dt)
  local t = self.entity:get("Transfrom")
                           --^^^^^^^^^ error: unknown component `Transfrom`; did you mean `Transform`?
  print(t)
  for e, h in world.query("Transform", "Helth") do print(e, h) end
                                      --^^^^^ error: unknown component `Helth`
end
"#,
        );
    }

    #[test]
    fn components_set_through_a_helper_parameter_are_known() {
        check_diagnostics(
            r#"
local function arm(e, n)
  e:set("Ammo", n)
end
function init(self)
  arm(self.entity, 3)
  print(self.entity:get("Ammo"), self.entity:get("Amo"))
                                                --^^^ error: unknown component `Amo`; did you mean `Ammo`?
  local cache = {}
  function cache:get(key) return key end
  print(cache:get("anything"))
end
"#,
        );
    }

    #[test]
    fn components_a_scene_gives_are_known() {
        let mut facts = WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.scene_components).insert("Loot".into());
        check_diagnostics_with(
            r#"
function init(self)
  print(self.entity:get("Loot"), self.entity:get("Lot"))
                                                --^^^ error: unknown component `Lot`; did you mean `Loot`?
end
"#,
            &facts,
            None,
        );
    }

    #[test]
    fn components_set_in_this_file_or_elsewhere_are_known() {
        let mut facts = WorkspaceFacts::default();
        std::sync::Arc::make_mut(&mut facts.script_components).insert("Health".into());
        check_diagnostics_with(
            r#"
function init(self)
  self.entity:set("Ammo", 3)
  world.spawn({ Transform = {}, Shield = 2 })
  print(self.entity:get("Ammo"), self.entity:has("Shield"), self.entity:get("Health"))
  print(self.entity:get("Helth"))
                       --^^^^^ error: unknown component `Helth`; did you mean `Health`?
end
"#,
            &facts,
            None,
        );
    }
}
