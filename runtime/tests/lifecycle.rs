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
    assert_eq!(errs[0].2, "attempt to index a nil value (local 'x')");
    assert_eq!(errs[0].3, "update");
    let report = rt.report();
    assert_eq!(report.scripts[0].status, "faulted");
    assert_eq!(report.scripts[1].status, "running");
    assert_eq!(report.scripts[1].calls["update"], 5);
    let error = &report.scripts[0].errors[0];
    assert_eq!(error.column, 10, "the caret goes under `x` in `return x.y`");
    assert_eq!(error.traceback, "scripts/bad.lua:3: in update");
    assert_eq!(
        error.frames,
        vec![crescent_runtime::api::Frame {
            path: "scripts/bad.lua".into(),
            line: 3,
            function: "update".into(),
            skipped: 0
        }]
    );
    // (The engine's own runner frames and C frames are left out: they are not the script
    // author's code.)
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

#[test]
fn plain_recursion_overflows_cleanly() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/r.lua", "scripts/ok.lua"]}]}"#,
        ),
        (
            "scripts/r.lua",
            "local function down(n) return 1 + down(n + 1) end\nfunction update(self) down(1) end",
        ),
        (
            "scripts/ok.lua",
            "function update(self) self.n = (self.n or 0) + 1 end",
        ),
    ]);
    let config = Config {
        budget: std::time::Duration::ZERO,
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    rt.frame(0.01);
    rt.frame(0.01);
    let errs = errors(&rt.drain_events());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].2.contains("stack overflow"), "{}", errs[0].2);
    assert_eq!(rt.report().scripts[1].calls["update"], 2);
}

#[test]
fn time_is_measured_per_instance() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/slow.lua",
        "function init(self) local x = 0 for i = 1, 200000 do x = x + i end end\nfunction update(self) local x = 0 for i = 1, 20000 do x = x + i end end",
    )]);
    for _ in 0..20 {
        rt.frame(0.01);
    }
    let r = rt.report();
    assert!(r.scripts[0].time_ms > 0.0, "{:?}", r.scripts[0]);
    assert_eq!(r.scripts[0].calls["update"], 20);
}

#[test]
fn order_and_spawned_entities_get_init_before_update() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [
                {"scripts": ["scripts/o.lua", {"path": "scripts/o.lua", "order": -5}]},
                {"scripts": [{"path": "scripts/o.lua", "order": -5}, "scripts/spawner.lua"]}]}"#,
        ),
        ("scripts/o.lua", "function update(self) print('update', self.entity:id()) end"),
        (
            "scripts/spawner.lua",
            r#"
function update(self)
  if time.frame == 0 then
    local e = world.spawn({}, { "scripts/child.lua" })
    print("spawned", e:id())
  end
end
"#,
        ),
        (
            "scripts/child.lua",
            "function init(self) print('child init', time.frame) end\nfunction update(self) print('child update', time.frame) end\nfunction destroy(self) print('child destroy') end",
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.001);
    rt.frame(0.001);
    assert_eq!(
        logs(&rt.drain_events()),
        vec![
            "update\t1",
            "update\t2",
            "update\t1",
            "spawned\t3",
            "child init\t0",
            "update\t1",
            "update\t2",
            "update\t1",
            "child update\t1",
        ]
    );
}

#[test]
fn transform_values_behave_like_plain_tables() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transform": {"position": [1, 2, 3], "scale": [2, 2, 2]}}, "scripts": ["scripts/t.lua"]}]}"#,
        ),
        (
            "scripts/t.lua",
            r#"
function init(self)
  local t = self.entity:get("Transform")
  local keys = {}
  for k, v in pairs(t) do keys[#keys + 1] = k .. "=" .. tostring(v) end
  print(table.concat(keys, " "))
  t.rotation = quat.from_axis_angle(vec3(0, 1, 0), 0)
  t.scale.x = 5
  self.entity:set("Transform", t)
  local u = self.entity:get("Transform")
  print(u.scale, u.rotation, u.position)
  self.entity:set("Transform", { position = vec3(9, 9, 9) })
  print(self.entity:get("Transform").scale)
  self.entity:set("Saved", u)
  print(self.entity:get("Saved").scale)
end
"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    let ev = rt.drain_events();
    assert!(errors(&ev).is_empty(), "{:?}", errors(&ev));
    assert_eq!(
        logs(&ev),
        vec![
            "position=vec3(1, 2, 3) rotation=quat(0, 0, 0, 1) scale=vec3(2, 2, 2)",
            "vec3(5, 2, 2)\tquat(0, 0, 0, 1)\tvec3(1, 2, 3)",
            "vec3(1, 1, 1)",
            "vec3(5, 2, 2)",
        ]
    );
}

/// A script error says where it was raised (a module here), which instance faulted, the
/// entity's name, the column of the name the message gives, and the script frames by name.
#[test]
fn error_events_carry_position_instance_and_frames() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "Player", "scripts": ["scripts/player.lua"]}, {"scripts": ["scripts/waves.lua"]}, {"scripts": ["scripts/deep.lua"]}]}"#,
        ),
        (
            "scripts/lib/util.lua",
            "local M = {}\nfunction M.speed_of(cfg)\n  return cfg.speed * 2\nend\nreturn M\n",
        ),
        (
            "scripts/player.lua",
            "local util = require(\"lib.util\")\nlocal function step(self)\n  local v = util.speed_of(self.cfg)\n  return v\nend\nfunction update(self, dt)\n  step(self)\nend\n",
        ),
        (
            "scripts/waves.lua",
            "function init(self)\n  task.spawn(function()\n    task.wait_frames(1)\n    local n = nil\n    print(n.count)\n  end)\nend\n",
        ),
        (
            "scripts/deep.lua",
            "local function f(n) return f(n + 1) + 1 end\nfunction update(self) f(1) end\n",
        ),
    ]);
    // No time budget: the overflow, not the budget, stops the deep recursion.
    let config = Config {
        budget: std::time::Duration::ZERO,
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    rt.frame(1.0 / 60.0);
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    let errs: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::ScriptError { .. }))
        .collect();
    assert_eq!(errs.len(), 3, "{errs:#?}");
    let Event::ScriptError {
        path,
        line,
        column,
        message,
        script,
        entity_name,
        phase,
        traceback,
        ..
    } = errs[0]
    else {
        unreachable!()
    };
    assert_eq!(
        (path.as_str(), *line, *column, message.as_str()),
        (
            "scripts/lib/util.lua",
            3,
            10,
            "attempt to index a nil value (local 'cfg')"
        )
    );
    assert_eq!(script, "scripts/player.lua");
    assert_eq!(entity_name.as_deref(), Some("Player"));
    assert_eq!(phase, "update");
    assert_eq!(
        traceback,
        "scripts/lib/util.lua:3: in function 'speed_of'\nscripts/player.lua:3: in local 'step'\nscripts/player.lua:7: in update"
    );

    // The outermost frame of a task is the task's function.
    let Event::ScriptError {
        traceback, phase, ..
    } = errs[2]
    else {
        unreachable!()
    };
    assert_eq!(phase, "task");
    assert_eq!(traceback, "scripts/waves.lua:5: in task");

    // A stack overflow's frames are cut to the innermost and outermost ones.
    let Event::ScriptError {
        message, frames, ..
    } = errs[1]
    else {
        unreachable!()
    };
    assert!(message.contains("stack overflow"), "{message}");
    assert!(frames.len() <= 24, "{} frames", frames.len());
    let skipped: Vec<_> = frames.iter().filter(|f| f.skipped > 0).collect();
    assert_eq!(skipped.len(), 1, "{frames:#?}");
    let last = frames.last().map(|f| f.text());
    assert_eq!(last.as_deref(), Some("scripts/deep.lua:2: in update"));
}

/// The report says how much memory each instance's callbacks asked for: a script that makes a
/// table every frame, one that makes none, and an `init` that makes a large string.
#[test]
fn the_report_attributes_allocations_to_the_scripts_that_make_them() {
    let (_dir, mut rt) = common::scripts(&[
        (
            "scripts/litter.lua",
            "function update(self)\n  local t = {}\n  for i = 1, 100 do t[i] = { i } end\nend\n",
        ),
        (
            "scripts/tidy.lua",
            "function update(self)\n  local x = 1 + 2\nend\n",
        ),
        (
            "scripts/big.lua",
            "function init(self)\n  self.s = string.rep('x', 100000)\nend\n",
        ),
    ]);
    for _ in 0..64 {
        rt.frame(1.0 / 60.0);
    }
    let report = rt.report();
    let kib = |path: &str| {
        report
            .scripts
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.alloc_kib)
            .expect("in the report")
    };
    // 100 tables of one slot a frame (some 80 bytes each), sampled one frame in 16 of 64.
    assert!(
        kib("scripts/litter.lua") > 64.0 * 5.0,
        "{}",
        kib("scripts/litter.lua")
    );
    assert!(kib("scripts/tidy.lua") < 1.0, "{}", kib("scripts/tidy.lua"));
    // The init is measured exactly: the 100,000-byte string.
    assert!(kib("scripts/big.lua") >= 97.0, "{}", kib("scripts/big.lua"));
    assert!(kib("scripts/big.lua") < 200.0, "{}", kib("scripts/big.lua"));
}
