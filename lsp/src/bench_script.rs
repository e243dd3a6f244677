//! The large generated script the latency measurements type into (`lsp-bench`'s one-file
//! cases and `examples/edit_latency.rs`), so that both measure the same text.

use std::fmt::Write as _;

/// A script of about `kb` KB: a module of gameplay functions (engine calls, vectors, locals,
/// loops), ending in a function whose last line is being typed (`return math.`).
pub fn large_script(kb: usize) -> String {
    let mut s = String::from("-- A long generated gameplay module.\nlocal M = {}\n");
    let mut i = 0;
    while s.len() < kb * 1000 {
        let _ = write!(
            s,
            r#"
-- helper {i}: moves the entity towards a target
function M.step_{i}(self, dt, target)
  local t = self.entity:get("Transform")
  local offset = vec3(1, {i} % 7, 0) * dt
  if target ~= nil and t.position.x < {i} then
    t.position = t.position + offset
    self.entity:set("Transform", t)
  end
  for n = 1, 3 do
    self.total = (self.total or 0) + math.floor(n * dt * {i})
  end
  local spawned = world.spawn({{ Transform = {{ position = t.position }} }})
  return spawned
end
"#
        );
        i += 1;
    }
    s.push_str(
        "\nfunction M.probe(self)\n  local v = vec3(1, 2, 3)\n  return math.\nend\n\nreturn M\n",
    );
    s
}
