//! The mover scripts both runtime benchmarks run: the fast idiom and the contract's get/set
//! idiom, each moving its entity by `self.vel * dt` every frame.

/// The fast idiom: the Transform is moved in place, nothing is allocated.
pub const MOVE_FAST: &str = r#"
function init(self) self.vel = vec3(1, 2, 3) end
function update(self, dt)
  self.entity:translate(self.vel, dt)
end
"#;

/// The contract's get/set idiom: a copy of the component, vector arithmetic, a write back.
pub const MOVE_GET_SET: &str = r#"
function init(self) self.vel = vec3(1, 2, 3) end
function update(self, dt)
  local t = self.entity:get("Transform")
  t.position = t.position + self.vel * dt
  self.entity:set("Transform", t)
end
"#;
