//! Scripts on entities: lifecycle, self, components, logs, errors and faults.

mod common;
use common::*;
use crescent_runtime::{Config, Event};

#[test]
fn init_update_destroy_and_self() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/a.lua",
        r#"
properties = { speed = 2 }
function init(self) self.n = 0; print("init", self.entity:id(), self.speed) end
function update(self, dt) self.n = self.n + 1 end
function destroy(self) log.warn("bye", self.n) end
"#,
    )]);
    for _ in 0..3 {
        rt.frame(1.0 / 60.0);
    }
    rt.shutdown();
    rt.shutdown();
    let events = rt.drain_events();
    assert_eq!(logs(&events), vec!["init\t1\t2", "bye\t3"]);
    let report = rt.report();
    assert_eq!(report.scripts[0].calls["update"], 3);
    assert_eq!(report.scripts[0].calls["destroy"], 1);
    assert_eq!(rt.stats().scripts, 0);
}

#[test]
fn transform_and_script_components() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "mover", "components": {"Transform": {"position": [1, 2, 3]}, "Health": {"hp": 10}},
                "scripts": [{"path": "scripts/m.lua", "properties": {"speed": 4}}]}]}"#,
        ),
        (
            "scripts/m.lua",
            r#"
properties = { speed = 1 }
function update(self, dt)
  local t = self.entity:get("Transform")
  t.position = t.position + vec3(self.speed, 0, 0)
  self.entity:set("Transform", t)
  local h = self.entity:get("Health")
  h.hp = h.hp - 1
  self.entity:set("Health", h)
  print(t.position.x, self.entity:get("Health").hp, self.entity:get("Name"), world.find("mover") == self.entity)
end
"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.016);
    rt.frame(0.016);
    let events = rt.drain_events();
    assert_eq!(
        logs(&events),
        vec!["5.0\t9\tmover\ttrue", "9.0\t8\tmover\ttrue"]
    );
    let world = rt.world();
    let mut q = world.query::<&crescent_runtime::Transform>();
    let positions: Vec<f64> = q.iter().map(|t| t.position.x).collect();
    assert_eq!(positions, vec![9.0]);
}

#[test]
fn errors_fault_the_instance_and_others_go_on() {
    let (_dir, mut rt) = scripts(&[
        (
            "scripts/bad.lua",
            "function update(self)\n  local x = nil\n  return x.y\nend\n",
        ),
        (
            "scripts/good.lua",
            "function update(self) self.n = (self.n or 0) + 1 end",
        ),
    ]);
    for _ in 0..5 {
        rt.frame(0.016);
    }
    let events = rt.drain_events();
    let errs = errors(&events);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "scripts/bad.lua");
    assert_eq!(errs[0].1, 3);
    assert!(
        errs[0].2.starts_with("scripts/bad.lua:3: attempt to index"),
        "{}",
        errs[0].2
    );
    assert_eq!(errs[0].3, "update");
    let report = rt.report();
    assert_eq!(report.scripts[0].status, "faulted");
    assert_eq!(report.scripts[1].status, "running");
    assert_eq!(report.scripts[1].calls["update"], 5);
    assert!(report.scripts[0].errors[0]
        .traceback
        .contains("stack traceback"));
    assert!(matches!(events[0], Event::ScriptError { .. }));
}

#[test]
fn world_hash_is_reproducible() {
    let files = [(
        "scripts/h.lua",
        r#"
function init(self) self.t = {} end
function update(self) self.t["k" .. math.random(1, 50)] = true
  local s = "" for k in pairs(self.t) do s = s .. k end self.order = s end
"#,
    )];
    let (_d1, mut a) = scripts(&files);
    let (_d2, mut b) = scripts(&files);
    for _ in 0..10 {
        a.frame(0.016);
        b.frame(0.016);
    }
    assert_eq!(a.world_hash(), b.world_hash());
    a.frame(0.016);
    assert_ne!(a.world_hash(), b.world_hash());
}
