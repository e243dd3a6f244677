//! The engine API as scripts see it: world, components, events, tasks, time, assets, require,
//! vec3/quat, properties, fixed steps, host registrations and hot reload.

mod common;
use common::*;
use crescent_runtime::{api, mlua, Config, Event, Registry, ReloadOutcome, Runtime, Scene};

fn one(script: &str) -> Vec<String> {
    let (_dir, mut rt) = scripts(&[("scripts/t.lua", script)]);
    for _ in 0..3 {
        rt.frame(1.0 / 60.0);
    }
    let events = rt.drain_events();
    let errs = errors(&events);
    assert!(errs.is_empty(), "{errs:?}");
    logs(&events)
}

/// Runs the project's scene for one frame; the logs, after checking nothing failed.
fn one_frame(dir: &std::path::Path) -> (Runtime, Vec<String>) {
    let mut rt = run(dir, Config::default());
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    assert!(errors(&events).is_empty(), "{:?}", errors(&events));
    (rt, logs(&events))
}

#[test]
fn spawn_query_find_entities() {
    let out = one(r#"
function init(self)
  for i = 1, 3 do world.spawn({ Name = "e" .. i, Transform = { position = vec3(i, 0, 0) }, Tag = { i = i } }) end
  world.spawn({ Tag = { i = 99 } })
end
function update(self)
  if time.frame ~= 1 then return end
  local ids = {}
  for e, t, tag in world.query("Transform", "Tag") do ids[#ids + 1] = e:id() .. ":" .. t.position.x .. ":" .. tag.i end
  print(table.concat(ids, " "))
  local all = {}
  for e, tag in world.query("Tag") do all[#all + 1] = e:id() end
  print(table.concat(all, " "), #world.entities(), world.find("e2"):id(), tostring(world.find("nope")))
  local e = world.find("e1")
  e:remove("Tag")
  print(e:has("Tag"), e:has("Transform"), e:has("Name"), e:get("Tag"))
  e:despawn()
  print(e:alive())
end
function fixed_update(self) end
"#);
    assert_eq!(
        out,
        vec![
            "2:1.0:1 3:2.0:2 4:3.0:3",
            "2 3 4 5\t5\t3\tnil",
            "false\ttrue\ttrue\tnil",
            "true"
        ]
    );
}

#[test]
fn stale_handles_never_crash() {
    let out = one(r#"
function update(self)
  if time.frame == 0 then self.e = world.spawn({ X = 1 }); self.e:despawn() return end
  if time.frame == 1 then
    local e = self.e
    print(e:alive(), e:get("X"), e:has("X"), e:id(), tostring(e))
    print(pcall(e.set, e, "X", 2))
    e:remove("X"); e:despawn(); e:send("hi")
  end
end
"#);
    assert_eq!(out[0], "false\tnil\tfalse\t2\tEntity(2)");
    assert!(
        out[1].starts_with("false\t") && out[1].contains("entity 2 was despawned"),
        "{}",
        out[1]
    );
}

#[test]
fn components_are_copies() {
    let out = one(r#"
function init(self)
  self.entity:set("Inv", { items = { "a" } })
  local inv = self.entity:get("Inv")
  table.insert(inv.items, "b")
  print(#self.entity:get("Inv").items)
  local t = self.entity:get("Transform")
  print(t)
end
"#);
    assert_eq!(out, vec!["1", "nil"]);
}

#[test]
fn events_fifo_sender_and_subscribers() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "a", "scripts": ["scripts/a.lua"]}, {"name": "b", "scripts": ["scripts/b.lua"]}]}"#,
        ),
        (
            "scripts/a.lua",
            r#"
function init(self)
  self.h = events.subscribe("ping", function(data, sender) print("sub", data.n, sender and sender:id()) end)
end
function update(self)
  if time.frame == 0 then
    events.emit("ping", { n = 1 })
    events.emit("ping", { n = 2 })
    world.find("b"):send("direct", "x")
  elseif time.frame == 1 then
    events.unsubscribe(self.h)
    events.emit("ping", { n = 3 })
  end
end
function on_event(self, name, data, sender) print("a", name, type(data) == "table" and data.n or data) end
"#,
        ),
        (
            "scripts/b.lua",
            r#"
function on_event(self, name, data, sender) print("b", name, type(data) == "table" and data.n or data, sender:id())
  if name == "direct" then events.emit("chain", 0) end
end
"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.001);
    rt.frame(0.001);
    let ev = rt.drain_events();
    assert!(errors(&ev).is_empty(), "{:?}", errors(&ev));
    assert_eq!(
        logs(&ev),
        vec![
            "a\tping\t1",
            "b\tping\t1\t1",
            "sub\t1\t1",
            "a\tping\t2",
            "b\tping\t2\t1",
            "sub\t2\t1",
            "b\tdirect\tx\t1",
            "a\tchain\t0",
            "b\tchain\t0\t2",
            "a\tping\t3",
            "b\tping\t3\t1"
        ]
    );
}

#[test]
fn event_pass_limit_defers_the_rest_to_the_next_delivery() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/e.lua"]}]}"#,
        ),
        (
            "scripts/e.lua",
            r#"
function update(self) if time.frame == 0 then events.emit("n", 1) end end
function on_event(self, name, n) print(time.frame, n) events.emit("n", n + 1) end
"#,
        ),
    ]);
    let config = Config {
        event_pass_limit: 2,
        fixed_hz: 1.0,
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    rt.frame(0.01);
    rt.frame(0.01);
    let ev = rt.drain_events();
    assert_eq!(logs(&ev), vec!["0\t1", "0\t2", "1\t3", "1\t4"]);
}

#[test]
fn tasks_wait_and_cancel() {
    let out = {
        let (_dir, mut rt) = scripts(&[(
            "scripts/t.lua",
            r#"
function init(self)
  task.spawn(function(a)
    print("start", a, time.frame)
    task.wait_frames(2)
    print("frames", time.frame)
    task.wait(0.05)
    print("time", time.frame)
  end, "arg")
  self.k = task.spawn(function() task.wait_frames(1) print("never") end)
  task.cancel(self.k)
  print(pcall(task.wait, 1))
end
"#,
        )]);
        for _ in 0..8 {
            rt.frame(0.02);
        }
        logs(&rt.drain_events())
    };
    assert_eq!(out[0], "start\targ\t0");
    assert!(
        out[1].starts_with("false\t") && out[1].contains("only a task can wait"),
        "{}",
        out[1]
    );
    assert_eq!(&out[2..], &["frames\t2", "time\t5"]);
}

#[test]
fn vec3_and_quat() {
    let out = one(r#"
function init(self)
  local a, b = vec3(1, 2, 3), vec3(4, 5, 6)
  print(a + b, b - a, a * 2, 2 * a, a / 2, -a, a == vec3(1, 2, 3))
  print(vec3(3, 4, 0):length(), a:dot(b), a:cross(b), vec3.lerp(a, b, 0.5), vec3.distance(a, a), vec3():normalized())
  local q = quat.from_axis_angle(vec3(0, 0, 1), math.pi / 2)
  local v = q * vec3(1, 0, 0)
  print(string.format("%.3f %.3f %.3f", v.x, v.y, v.z), quat() == quat.identity())
  local x, y, z = quat.from_euler(0.1, 0.2, 0.3):to_euler()
  print(string.format("%.3f %.3f %.3f", x, y, z))
  print((q * q:inverse()):normalized())
  print(pcall(function() getmetatable(a).__add = nil end))
end
"#);
    assert_eq!(out[0], "vec3(5, 7, 9)\tvec3(3, 3, 3)\tvec3(2, 4, 6)\tvec3(2, 4, 6)\tvec3(0.5, 1, 1.5)\tvec3(-1, -2, -3)\ttrue");
    assert_eq!(
        out[1],
        "5.0\t32.0\tvec3(-3, 6, -3)\tvec3(2.5, 3.5, 4.5)\t0.0\tvec3(0, 0, 0)"
    );
    assert_eq!(out[2], "0.000 1.000 0.000\ttrue");
    assert_eq!(out[3], "0.100 0.200 0.300");
    assert!(
        out[4].starts_with("quat(0, 0, 0, 1)") || out[4].starts_with("quat(0, 0, -0, 1)"),
        "{}",
        out[4]
    );
    assert!(out[5].starts_with("false"), "{}", out[5]);
}

#[test]
fn fixed_update_accumulates() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/f.lua",
        "function fixed_update(self, dt) self.n = (self.n or 0) + 1; self.dt = dt end",
    )]);
    rt.frame(1.0 / 60.0);
    rt.frame(1.0 / 120.0);
    rt.frame(1.0 / 120.0);
    rt.frame(1.0);
    let calls = rt.report().scripts[0].calls["fixed_update"];
    assert_eq!(calls, 1 + 1 + 5);
}

#[test]
fn assets_are_confined() {
    let dir = project(&[
        ("assets/data.json", r#"{"hp": 3, "list": [1, 2]}"#),
        ("assets/sub/t.txt", "hello"),
        ("secret.txt", "secret"),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/a.lua"]}]}"#,
        ),
        (
            "scripts/a.lua",
            r#"
function init(self)
  print(assets.load_text("sub/t.txt"), assets.load_json("data.json").hp, #assets.load_json("data.json").list)
  print(assets.exists("data.json"), assets.exists("nope.txt"))
  for _, p in ipairs({ "../secret.txt", "/etc/passwd", "sub/../../secret.txt", "link.txt", "C:/x" }) do
    local ok, err = pcall(assets.load_text, p)
    print(ok, err)
  end
end
"#,
        ),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        dir.path().join("assets/link.txt"),
    )
    .expect("symlink");
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    let out = logs(&rt.drain_events());
    assert_eq!(out[0], "hello\t3\t2");
    assert_eq!(out[1], "true\tfalse");
    for line in &out[2..] {
        assert!(
            line.starts_with("false\t") && line.contains("refused path"),
            "{line}"
        );
        assert!(!line.contains("secret\n"), "{line}");
    }
}

#[test]
fn require_caches_detects_cycles_and_records_dependents() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/a.lua"]}, {"scripts": ["scripts/c.lua"]}]}"#,
        ),
        (
            "scripts/lib/util.lua",
            "print('util loaded') local M = {} function M.twice(x) return x * 2 end return M",
        ),
        (
            "scripts/lib/mid.lua",
            "local u = require('lib.util') return { f = function(x) return u.twice(x) + 1 end }",
        ),
        ("scripts/lib/cyc1.lua", "return require('lib.cyc2')"),
        ("scripts/lib/cyc2.lua", "return require('lib.cyc1')"),
        (
            "scripts/a.lua",
            r#"
local mid = require("lib.mid")
local util = require("lib.util")
function init(self)
  print(mid.f(2), util == require("lib.util"))
  for _, n in ipairs({ "../x", "/abs", "lib/util", "lib..util", "lib.cyc1", "nope" }) do
    local ok, err = pcall(require, n)
    print(ok, err)
  end
end
"#,
        ),
        ("scripts/c.lua", "local u = require('lib.util')"),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    let out = logs(&rt.drain_events());
    assert_eq!(out[0], "util loaded");
    assert_eq!(out[1], "5\ttrue");
    for line in &out[2..6] {
        assert!(line.contains("invalid module name"), "{line}");
    }
    assert!(
        out[6].contains(
            "require cycle: scripts/lib/cyc1.lua -> scripts/lib/cyc2.lua -> scripts/lib/cyc1.lua"
        ),
        "{}",
        out[6]
    );
    assert!(out[7].contains("scripts/nope.lua"), "{}", out[7]);
    assert_eq!(
        rt.dependents("scripts/lib/util.lua"),
        vec!["scripts/a.lua", "scripts/c.lua", "scripts/lib/mid.lua"]
    );
    assert!(rt
        .script_paths()
        .contains(&"scripts/lib/mid.lua".to_string()));
}

#[test]
fn properties_and_scene_overrides() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/p.lua", {"path": "scripts/p.lua", "order": -1, "properties": {"speed": 9, "extra": [1, 2]}}]}]}"#,
        ),
        ("scripts/p.lua", "properties = { speed = 1, name = 'x', nested = { a = 1 } }\nfunction init(self) self.nested.a = self.nested.a + 1 print(self.speed, self.name, self.nested.a, self.extra and #self.extra) end"),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    assert_eq!(logs(&rt.drain_events()), vec!["9\tx\t2\t2", "1\tx\t2\tnil"]);
}

#[test]
fn reload_keeps_self_swaps_code_and_unfaults() {
    let (dir, mut rt) = scripts(&[(
        "scripts/r.lua",
        "function update(self) self.n = (self.n or 0) + 1 if self.n == 2 then error('boom') end end",
    )]);
    for _ in 0..3 {
        rt.frame(0.01);
    }
    assert_eq!(rt.report().scripts[0].status, "faulted");
    let src = "function update(self) self.n = self.n + 10 end\nfunction on_reload(self) print('reloaded', self.n) end";
    assert_eq!(
        rt.reload_script_source("scripts/r.lua", src),
        ReloadOutcome::Reloaded { instances: 1 }
    );
    assert_eq!(
        rt.reload_script_source("scripts/r.lua", src),
        ReloadOutcome::Unchanged
    );
    rt.frame(0.01);
    let ev = rt.drain_events();
    assert_eq!(logs(&ev), vec!["reloaded\t2"]);
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::Reloaded { instances: 1, .. })));
    assert_eq!(rt.report().scripts[0].status, "running");
    match rt.reload_script_source("scripts/r.lua", "function update(self)\n  local = 1\nend") {
        ReloadOutcome::Failed {
            line,
            column,
            message,
        } => {
            assert_eq!((line, column), (2, 9), "{message}");
        }
        other => panic!("{other:?}"),
    }
    rt.frame(0.01);
    std::fs::remove_file(dir.path().join("scripts/r.lua")).expect("rm");
    assert_eq!(rt.reload_script("scripts/r.lua"), ReloadOutcome::Missing);
    let ev = rt.drain_events();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::ReloadFailed { line: 2, .. })));
    rt.frame(0.01);
    assert!(errors(&rt.drain_events()).is_empty());
}

#[test]
fn reloading_a_module_reruns_its_dependents() {
    let (_dir, mut rt) = scripts(&[
        ("scripts/lib/k.lua", "return { v = 1 }"),
        (
            "scripts/a.lua",
            "local k = require('lib.k')\nfunction update(self) print(k.v) end",
        ),
    ]);
    rt.frame(0.01);
    assert_eq!(
        rt.reload_script_source("scripts/lib/k.lua", "return { v = 2 }"),
        ReloadOutcome::Reloaded { instances: 1 }
    );
    rt.frame(0.01);
    assert_eq!(logs(&rt.drain_events()), vec!["1", "2"]);
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Health {
    hp: i64,
    max: i64,
}

#[test]
fn host_components_and_functions() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"components": {"Health": {"hp": 5, "max": 10}}, "scripts": ["scripts/h.lua"]}]}"#,
        ),
        (
            "scripts/h.lua",
            r#"
function update(self)
  local h = self.entity:get("Health")
  h.hp = game.heal(h.hp, 2)
  self.entity:set("Health", h)
  print(self.entity:get("Health").hp, pcall(self.entity.set, self.entity, "Health", { hp = "x" }))
end
"#,
        ),
    ]);
    let mut reg = Registry::new();
    reg.component::<Health>("Health", "hit points", vec![]);
    reg.function(
        "game",
        api::Function {
            name: "heal".into(),
            doc: "adds hit points".into(),
            params: vec![],
            returns: vec![],
        },
        |_lua, args: mlua::MultiValue| {
            let a = args
                .iter()
                .map(|v| v.as_integer().unwrap_or(0))
                .sum::<i64>();
            Ok(mlua::MultiValue::from_vec(vec![mlua::Value::Integer(a)]))
        },
    );
    let mut rt = Runtime::new(dir.path(), Config::default(), reg).expect("runtime");
    rt.load_scene(&Scene::load(dir.path()).expect("scene"))
        .expect("load");
    rt.frame(0.01);
    let out = logs(&rt.drain_events());
    assert!(
        out[0].starts_with("7\tfalse\tset: invalid Health"),
        "{}",
        out[0]
    );
    let world = rt.world();
    let mut q = world.query::<&Health>();
    assert_eq!(q.iter().map(|h| h.hp).collect::<Vec<_>>(), vec![7]);
    assert!(rt.api().component("Health").is_some());
}

#[test]
fn scene_script_errors_are_reported_with_position() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/bad.lua"]}]}"#,
        ),
        ("scripts/bad.lua", "local a = 1\nlocal b = = 2\n"),
    ]);
    let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let err = rt
        .load_scene(&Scene::load(dir.path()).expect("scene"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "scripts/bad.lua:2:11: unexpected symbol near '='"
    );
}

#[cfg(unix)]
#[test]
fn a_script_symlinked_out_of_scripts_is_refused() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/link.lua"]}]}"#,
        ),
        ("outside.lua", "print('escaped')"),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("outside.lua"),
        dir.path().join("scripts/link.lua"),
    )
    .expect("symlink");
    let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let err = rt
        .load_scene(&Scene::load(dir.path()).expect("scene"))
        .unwrap_err();
    assert!(err.to_string().contains("leaves scripts/"), "{err}");
    assert!(logs(&rt.drain_events()).is_empty());
}

#[test]
fn a_failing_top_level_keeps_the_old_code_and_can_be_retried() {
    let (_dir, mut rt) = scripts(&[("scripts/r.lua", "function update(self) print('old') end")]);
    rt.frame(0.01);
    let bad = "function update(self) print('new') end\nerror('top level fails')";
    assert!(matches!(
        rt.reload_script_source("scripts/r.lua", bad),
        ReloadOutcome::Failed { line: 2, .. }
    ));
    assert!(matches!(
        rt.reload_script_source("scripts/r.lua", bad),
        ReloadOutcome::Failed { .. }
    ));
    rt.frame(0.01);
    // The top level ran up to the error, but the callbacks the engine calls are the old ones.
    assert_eq!(logs(&rt.drain_events()), vec!["old", "old"]);
}

#[test]
fn tasks_and_senders_from_update_belong_to_the_running_instance() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/a.lua"]}, {"scripts": ["scripts/a.lua"]}]}"#,
        ),
        (
            "scripts/a.lua",
            r#"
function update(self)
  if time.frame == 0 then
    events.emit("hello", self.entity:id())
    task.spawn(function() task.wait_frames(1) print("task of", self.entity:id()) error("task fails") end)
  end
end
function on_event(self, name, data, sender) print(self.entity:id(), "got", name, data, "from", sender:id()) end
"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    rt.frame(0.01);
    let ev = rt.drain_events();
    assert_eq!(
        logs(&ev),
        vec![
            "1\tgot\thello\t1\tfrom\t1",
            "2\tgot\thello\t1\tfrom\t1",
            "1\tgot\thello\t2\tfrom\t2",
            "2\tgot\thello\t2\tfrom\t2",
            "task of\t1",
            "task of\t2",
        ]
    );
    let errs = errors(&ev);
    assert_eq!(errs.len(), 2);
    assert!(errs.iter().all(|e| e.3 == "task" && e.1 == 5), "{errs:?}");
    assert!(rt.report().scripts.iter().all(|s| s.status == "faulted"));
}

#[test]
fn host_function_errors_fault_with_their_message() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/h.lua"]}]}"#,
        ),
        ("scripts/h.lua", "function update(self) game.fail() end"),
    ]);
    let mut reg = Registry::new();
    reg.function(
        "game",
        api::Function {
            name: "fail".into(),
            doc: "always fails".into(),
            params: vec![],
            returns: vec![],
        },
        |_lua, _args| Err(mlua::Error::runtime("the host said no")),
    );
    let mut rt = Runtime::new(dir.path(), Config::default(), reg).expect("runtime");
    rt.load_scene(&Scene::load(dir.path()).expect("scene"))
        .expect("load");
    rt.frame(0.01);
    let errs = errors(&rt.drain_events());
    assert_eq!(errs.len(), 1);
    assert!(errs[0].2.contains("the host said no"), "{:?}", errs[0]);
    assert!(!errs[0].2.contains("stack traceback"), "{:?}", errs[0]);
}

#[test]
fn vec3_in_place_methods_and_fields() {
    let out = one(r#"
function init(self)
  local v = vec3(1, 2, 3)
  local alias = v
  local steps = { tostring(rawequal(v:add(vec3(1, 1, 1)), v)), tostring(alias) }
  steps[#steps + 1] = tostring(v:sub(vec3(1, 1, 1)))
  steps[#steps + 1] = tostring(v:scale(2))
  steps[#steps + 1] = tostring(v:add_scaled(vec3(1, 0, 0), 0.5))
  print(table.concat(steps, "\t"))
  print(v:set(3, 0, 4):normalize(), v:length(), vec3():normalize())
  local c = v:clone()
  c.x = 9
  print(v.x, c.x, c:unpack())
  local keys = {}
  for k, x in pairs(vec3(7, 8, 9)) do keys[#keys + 1] = k .. "=" .. x end
  print(table.concat(keys, " "), type(v), math.type(vec3(1).x))
  print(pcall(function() v.w = 1 end))
  print(pcall(function() v.x = "one" end))
  print(pcall(function() return v + 1 end))
  print(pcall(function() return v.add(5, v) end))
  print(quat(0, 0, 0, 1).w, pcall(function() local q = quat() q.v = 1 end))
end
"#);
    assert_eq!(
        out[0],
        "true\tvec3(2, 3, 4)\tvec3(1, 2, 3)\tvec3(2, 4, 6)\tvec3(2.5, 4, 6)"
    );
    assert_eq!(out[1], "vec3(0.6, 0, 0.8)\t1.0\tvec3(0, 0, 0)");
    assert_eq!(out[2], "0.6\t9.0\t9.0\t0.0\t0.8");
    assert_eq!(out[3], "x=7.0 y=8.0 z=9.0\tuserdata\tfloat");
    assert_eq!(
        out[4],
        "false\tscripts/t.lua:17: vec3 has no field 'w': only x, y and z can be set"
    );
    assert_eq!(
        out[5],
        "false\tscripts/t.lua:18: vec3.x must be a number, got string"
    );
    assert_eq!(
        out[6],
        "false\tscripts/t.lua:19: cannot compute vec3 + number"
    );
    assert_eq!(
        out[7],
        "false\tscripts/t.lua:20: vec3:add: called on number, not a vec3 (use `v:add(...)`)"
    );
    assert_eq!(
        out[8],
        "1.0\tfalse\tscripts/t.lua:21: quat has no field 'v': only x, y, z and w can be set"
    );
}

#[test]
fn entity_transform_methods_write_in_place() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "mover", "components": {"Transform": {"position": [1, 2, 3]}}, "scripts": ["scripts/t.lua"]}]}"#,
        ),
        (
            "scripts/t.lua",
            r#"
function init(self)
  local e = self.entity
  print(e:position(), e:rotation(), e:scale())
  e:translate(vec3(1, 0, 0))
  e:translate(vec3(0, 10, 0), 0.5)
  e:set_scale(vec3(2, 2, 2))
  e:rotate(quat.from_axis_angle(vec3(0, 0, 1), 0))
  local t = e:get("Transform")
  print(t.position, t.rotation, t.scale)
  e:set_position(4, 5, 6)
  e:set_rotation(quat(0, 0, 0, 1))
  local bare = world.spawn({ Tag = {} })
  print(bare:position(), bare:has("Transform"))
  bare:set_position(vec3(7, 7, 7))
  print(bare:position(), bare:scale())
  local p = e:position()
  p.x = 100
  print(e:position().x)
  bare:despawn()
  self.bare = bare
end
function update(self)
  print(self.bare:position())
  print(pcall(function() self.bare:translate(vec3(1, 1, 1)) end))
  print(pcall(function() self.entity:translate(1) end))
  print(pcall(function() self.entity.translate(vec3(), vec3()) end))
  print(pcall(function() self.entity:set_rotation(vec3()) end))
  print(pcall(function() self.entity:translate(self.entity) end))
  print(pcall(function() self.entity:set_position(quat(0, 0, 0, 1)) end))
  print(type(self.entity), self.entity:id())
  print(self.bare:get("Transform"), pcall(function() self.bare:set("Transform", { position = vec3() }) end))
  print(pcall(function() self.entity:set("Transform", 5) end))
  print(pcall(function() self.entity:set("Transform", vec3(1, 2, 3)) end))
  print(pcall(function() self.entity:set("Transform", { position = 1 }) end))
  print(pcall(function() self.entity:set("Transform", { rotation = vec3() }) end))
  print(pcall(function() return self.entity.get({}, "Transform") end))
end
"#,
        ),
    ]);
    let (rt, out) = one_frame(dir.path());
    assert_eq!(
        out,
        vec![
            "vec3(1, 2, 3)\tquat(0, 0, 0, 1)\tvec3(1, 1, 1)",
            "vec3(2, 7, 3)\tquat(0, 0, 0, 1)\tvec3(2, 2, 2)",
            "nil\tfalse",
            "vec3(7, 7, 7)\tvec3(1, 1, 1)",
            "4.0",
            "nil",
            "false\tscripts/t.lua:25: translate: entity 2 was despawned",
            "false\tscripts/t.lua:26: translate: offset must be a vec3, got number",
            "false\tscripts/t.lua:27: Entity:translate: called on vec3, not an entity (use `entity:translate(...)`)",
            "false\tscripts/t.lua:28: set_rotation: rotation must be a quat, got vec3",
            "false\tscripts/t.lua:29: translate: offset must be a vec3, got Entity",
            "false\tscripts/t.lua:30: set_position: position must be a vec3 or three numbers, got quat",
            "userdata\t1",
            "nil\tfalse\tscripts/t.lua:32: set: entity 2 was despawned",
            "false\tscripts/t.lua:33: set: Transform must be a Transform value or a table { position, rotation, scale }",
            "false\tscripts/t.lua:34: set: Transform must be a Transform value or a table { position, rotation, scale }",
            "false\tscripts/t.lua:35: set: Transform position must be a vec3 (or a table of numbers x, y, z)",
            "false\tscripts/t.lua:36: set: Transform rotation must be a quat (or a table of numbers x, y, z, w)",
            "true\tnil",
        ]
    );
    // The writes went straight into hecs: the host sees them after the frame.
    let world = rt.world();
    let mut q = world.query::<(&crescent_runtime::Name, &crescent_runtime::Transform)>();
    let (_, t) = q.iter().next().expect("the mover");
    assert_eq!(t.position, glam_vec(4.0, 5.0, 6.0));
    assert_eq!(t.scale, glam_vec(2.0, 2.0, 2.0));
}

fn glam_vec(x: f64, y: f64, z: f64) -> crescent_runtime::glam::DVec3 {
    crescent_runtime::glam::DVec3::new(x, y, z)
}

#[test]
fn vectors_in_components_and_events_are_copies() {
    let out = one(r#"
function init(self)
  local e = self.entity
  local v = vec3(1, 2, 3)
  e:set("Body", { velocity = v, spin = quat(), name = "b" })
  v.x = 50
  local body = e:get("Body")
  print(body.velocity, body.spin, body.name)
  body.velocity.y = 60
  print(e:get("Body").velocity)
  e:set("Heading", vec3(0, 0, 1))
  local h = e:get("Heading")
  h.z = 5
  print(e:get("Heading"))
  events.subscribe("moved", function(data) print(data.to, data.to == self.sent) self.got = data.to end)
  self.sent = vec3(9, 9, 9)
  events.emit("moved", { to = self.sent })
end
function update(self)
  if self.got and not self.checked then
    self.checked = true
    self.got.x = 0
    print(self.sent)
  end
end
"#);
    assert_eq!(
        out,
        vec![
            "vec3(1, 2, 3)\tquat(0, 0, 0, 1)\tb",
            "vec3(1, 2, 3)",
            "vec3(0, 0, 1)",
            "vec3(9, 9, 9)\ttrue",
            "vec3(9, 9, 9)",
        ]
    );
}

#[test]
fn world_hash_sees_vector_contents() {
    let script = |x: f64| {
        format!("function init(self) self.v = vec3({x}, 0, 0) self.t = self.entity:get(\"Transform\") end\n")
    };
    let hash = |x: f64| {
        let dir = project(&[
            (
                "scene.json",
                r#"{"entities": [{"components": {"Transform": {}}, "scripts": ["scripts/t.lua"]}]}"#,
            ),
            ("scripts/t.lua", &script(x)),
        ]);
        let mut rt = run(dir.path(), Config::default());
        rt.frame(1.0 / 60.0);
        rt.world_hash()
    };
    assert_eq!(hash(1.0), hash(1.0));
    assert_ne!(hash(1.0), hash(2.0));
}

#[test]
fn live_and_faulted_counts_follow_spawns_faults_despawns_and_reloads() {
    let (_dir, mut rt) = scripts(&[
        ("scripts/ok.lua", "function update(self) end\n"),
        (
            "scripts/bad.lua",
            "function update(self) error('broken') end\n",
        ),
        (
            "scripts/spawner.lua",
            r#"
function init(self)
  self.kids = { world.spawn({}, { "scripts/ok.lua", "scripts/bad.lua" }), world.spawn({}, { "scripts/ok.lua" }) }
end
function update(self)
  if time.frame == 2 then self.kids[1]:despawn() end
end
"#,
        ),
    ]);
    let counts = |rt: &Runtime| {
        let s = rt.stats();
        let report = rt.report();
        let faulted = report
            .scripts
            .iter()
            .filter(|s| s.status == "faulted")
            .count();
        assert_eq!(s.faulted, faulted, "stats and report disagree");
        (s.scripts, s.faulted)
    };
    assert_eq!(counts(&rt), (3, 0));
    rt.frame(1.0 / 60.0);
    // Inits ran: 3 scene instances and 3 spawned; both bad.lua instances fault in update.
    rt.frame(1.0 / 60.0);
    assert_eq!(counts(&rt), (6, 2));
    rt.frame(1.0 / 60.0);
    // The first kid (ok + bad) despawned.
    assert_eq!(counts(&rt), (4, 1));
    assert!(matches!(
        rt.reload_script_source("scripts/bad.lua", "function update(self) end\n"),
        ReloadOutcome::Reloaded { .. }
    ));
    assert_eq!(counts(&rt), (4, 0));
    rt.frame(1.0 / 60.0);
    rt.shutdown();
    assert_eq!(rt.stats().scripts, 0);
}

#[test]
fn transform_values_are_copies_whose_fields_are_views() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transform": {"position": [1, 2, 3]}}, "scripts": ["scripts/t.lua"]}]}"#,
        ),
        (
            "scripts/t.lua",
            r#"
function init(self)
  local e = self.entity
  local t = e:get("Transform")
  local p = t.position
  p.x = 10
  print(t.position, rawequal(p, t.position), e:position())
  local v = vec3(4, 5, 6)
  t.position = v
  v.x = 40
  print(t.position, p, type(t))
  t.rotation.w = 0.5
  t.scale = { x = 2, y = 2, z = 2 }
  print(t)
  e:set("Transform", t)
  print(e:get("Transform").rotation, e:scale())
  local keys = {}
  for k, x in pairs(t) do keys[#keys + 1] = k end
  print(table.concat(keys, " "))
  print(pcall(function() t.speed = 1 end))
  print(pcall(function() t.position = 5 end))
  print(t.speed)
  for q, qt in world.query("Transform") do qt.position.y = 99 end
  print(e:position())
  e:set("Saved", { at = t })
  t.position.z = -1
  print(e:get("Saved").at.position)
end
"#,
        ),
    ]);
    let (_rt, out) = one_frame(dir.path());
    assert_eq!(
        out,
        vec![
            "vec3(10, 2, 3)\ttrue\tvec3(1, 2, 3)",
            "vec3(4, 5, 6)\tvec3(4, 5, 6)\tuserdata",
            "Transform(position = vec3(4, 5, 6), rotation = quat(0, 0, 0, 0.5), scale = vec3(2, 2, 2))",
            "quat(0, 0, 0, 0.5)\tvec3(2, 2, 2)",
            "position rotation scale",
            "false\tscripts/t.lua:20: Transform has no field 'speed': only position, rotation and scale can be set",
            "false\tscripts/t.lua:21: Transform.position must be a vec3, got number",
            "nil",
            "vec3(4, 5, 6)",
            "vec3(4, 5, 6)",
        ]
    );
}

/// What `lua5.4` prints for `code`, or None when it is not installed (then the comparison is
/// skipped, except under CI=true where the tool must be there).
fn stock_lua(code: &str) -> Option<String> {
    let out = std::process::Command::new("lua5.4")
        .arg("-e")
        .arg(code)
        .output();
    match out {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ if std::env::var_os("CI").is_some() => {
            panic!("lua5.4 not found: install Debian's lua5.4 package (apt-get install -y lua5.4)")
        }
        _ => {
            eprintln!("SKIPPED: lua5.4 not found");
            None
        }
    }
}

#[test]
fn math_random_is_luas_own_generator() {
    let probe = r##"
math.randomseed(42)
local xs = {}
for i = 1, 8 do xs[i] = math.random(1, 1000) end
print(table.concat(xs, " "))
print(string.format("%.17g", math.random()), math.type(math.random(0)), math.random(0) ~= math.random(0))
local wide = {}
for i = 1, 4 do wide[i] = math.random(math.mininteger, math.maxinteger) end
print(wide[1] ~= wide[2], wide[2] ~= wide[3])
local odd = 0
for i = 1, 64 do if math.random(0, 1 << 60) % 2 == 1 then odd = odd + 1 end end
print(odd > 0)
print(pcall(math.random, 3, 1))
print(select("#", math.randomseed(7)))
"##;
    let out = one(&format!("function init(self)\n{probe}\nend\n"));
    assert_eq!(out[3], "true", "{out:?}");
    assert!(out[1].ends_with("\tinteger\ttrue"), "{out:?}");
    assert_eq!(out[2], "true\ttrue");
    assert!(out[4].contains("interval is empty"), "{out:?}");
    assert_eq!(out[5], "2");
    if let Some(stock) = stock_lua(probe) {
        let stock: Vec<&str> = stock.lines().collect();
        assert_eq!(out, stock, "the sandbox's math.random must be lua5.4's");
    }
}

#[test]
fn math_randomseed_without_arguments_reseeds_from_the_world_seed() {
    let script = "function init(self)\n  local a = math.random(1, 1 << 40)\n  math.randomseed()\n  print(a == math.random(1, 1 << 40))\nend\n";
    assert_eq!(one(script), vec!["true"]);
}

#[test]
fn scripts_are_bytes_as_lua_reads_them() {
    // A Latin-1 string literal and a raw byte that is not UTF-8.
    let source: &[u8] = b"local s = \"caf\xe9\"\nlocal raw = \"\xff\xfe\"\nfunction init(self)\n  print(#s, s:byte(4), #raw, raw:byte(1))\nend\n";
    let dir = project(&[(
        "scene.json",
        r#"{"entities": [{"scripts": ["scripts/latin1.lua"]}]}"#,
    )]);
    std::fs::write(dir.path().join("scripts/latin1.lua"), source).expect("write");
    assert!(crescent_runtime::compile_check("scripts/latin1.lua", source).is_none());
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    assert!(errors(&events).is_empty(), "{:?}", errors(&events));
    assert_eq!(logs(&events), vec!["4\t233\t2\t255"]);
    // A reload of bytes, and a syntax error in a non-UTF-8 file still names its line.
    let broken: &[u8] = b"local s = \"\xe9\"\nlocal = 1\n";
    match rt.reload_script_bytes("scripts/latin1.lua", broken) {
        ReloadOutcome::Failed { line, message, .. } => {
            assert_eq!(line, 2, "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reports_keep_despawned_instances_and_their_errors() {
    let (_dir, mut rt) = scripts(&[
        (
            "scripts/spawner.lua",
            r#"
function init(self)
  self.kids = {}
  for i = 1, 5 do
    self.kids[i] = world.spawn({}, { { path = "scripts/lib/child.lua", properties = { bad = i <= 2 } } })
  end
end
function update(self)
  if time.frame == 3 then for _, k in ipairs(self.kids) do k:despawn() end end
end
"#,
        ),
        (
            "scripts/lib/child.lua",
            "properties = { bad = false }\nfunction update(self)\n  if self.bad then error('child broke') end\nend\n",
        ),
    ]);
    for _ in 0..6 {
        rt.frame(1.0 / 60.0);
    }
    let report = rt.report();
    let rows: Vec<(&str, u64, &str, usize, u64)> = report
        .scripts
        .iter()
        .map(|s| {
            (
                s.path.as_str(),
                s.entity,
                s.status.as_str(),
                s.errors.len(),
                s.calls["update"],
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("scripts/spawner.lua", 1, "running", 0, 6),
            ("scripts/lib/child.lua", 2, "despawned", 1, 1),
            ("scripts/lib/child.lua", 3, "despawned", 1, 1),
            // The three children without errors, summed: 4 updates each (frames 0-3).
            ("scripts/lib/child.lua", 0, "despawned", 0, 12),
        ]
    );
    assert!(report.scripts[1].errors[0].message.contains("child broke"));
    // Counts agree: nothing live is faulted.
    assert_eq!(rt.stats().faulted, 0);
    assert_eq!(rt.stats().scripts, 1);
}

#[test]
fn require_of_a_standard_library_returns_it() {
    let out = one(r#"
function init(self)
  print(require("string") == string, require("utf8") == utf8, require("math").pi == math.pi, require("_G") == _G)
  print(pcall(require, "debug"))
end
"#);
    assert_eq!(out[0], "true\ttrue\ttrue\ttrue");
    assert!(
        out[1].starts_with("false\t") && out[1].contains("scripts have no debug library"),
        "{}",
        out[1]
    );
}

/// Five `task.wait(1.0)` in a row end five seconds after they start, within one frame: each
/// wait counts from the previous one's target, not from the (later) frame it resumed on.
#[test]
fn task_waits_do_not_drift() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/waves.lua",
        "function init(self)\n  task.spawn(function()\n    local start = time.elapsed\n    for i = 1, 5 do task.wait(1.0) end\n    log.info(string.format('%.4f', time.elapsed - start))\n    for i = 1, 30 do task.wait(0.1) end\n    log.info(string.format('%.4f', time.elapsed - start))\n  end)\nend\n",
    )]);
    for _ in 0..600 {
        rt.frame(1.0 / 60.0);
    }
    let lines = logs(&rt.drain_events());
    // At 60 fps, 5 s is exactly 300 frames, and 3 s more another 180.
    assert_eq!(lines, ["5.0000", "8.0000"]);
}

/// Names are unique: `world.spawn` and `set` refuse a name another entity holds.
#[test]
fn duplicate_names_are_refused() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/spawner.lua",
        r#"function init(self)
  world.spawn({ Name = "boss" })
  local ok, err = pcall(world.spawn, { Name = "boss" })
  log.info(tostring(ok) .. " " .. err)
  local other = world.spawn({ Name = "minion" })
  ok, err = pcall(other.set, other, "Name", "boss")
  log.info(tostring(ok) .. " " .. err)
  other:set("Name", "minion")
  log.info(world.find("boss"):get("Name") .. " " .. world.find("minion"):get("Name"))
end
"#,
    )]);
    rt.frame(1.0 / 60.0);
    let lines = logs(&rt.drain_events());
    expect_test::expect![[r#"
        [
            "false world.spawn: an entity named \"boss\" already exists (entity 2); names are unique, so that world.find(\"boss\") knows which one you mean",
            "false set: an entity named \"boss\" already exists (entity 2); names are unique, so that world.find(\"boss\") knows which one you mean",
            "boss minion",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

/// `world.find` follows renames, removals and despawns (it answers from an index kept up to
/// date with every change of a `Name`).
#[test]
fn find_follows_renames_removals_and_despawns() {
    let lines = one(r#"local n = 0
function update(self)
  n = n + 1
  if n == 1 then
    local a = world.spawn({ Name = "a" })
    world.spawn({ Name = "b" })
    log.info(tostring(world.find("a") == a) .. " " .. tostring(world.find("nobody")))
    a:set("Name", "c")
    log.info(tostring(world.find("a")) .. " " .. tostring(world.find("c") == a))
    world.find("b"):remove("Name")
    log.info(tostring(world.find("b")))
    world.find("c"):despawn()
  elseif n == 2 then
    log.info(tostring(world.find("c")))
    world.spawn({ Name = "a" })
    log.info(world.find("a"):get("Name"))
  end
end
"#);
    assert_eq!(lines, ["true nil", "nil true", "nil", "nil", "a"]);
}

#[test]
fn find_all_matches_names_with_a_pattern() {
    let out = one(r#"
function init(self)
  for _, n in ipairs({ "coin_1", "enemy", "coin_2", "coin" }) do world.spawn({ Name = n }) end
end
function update(self)
  if self.done then return end
  self.done = true
  local names = {}
  for _, e in ipairs(world.find_all("^coin_%d$")) do names[#names + 1] = e:get("Name") end
  print(table.concat(names, " "), #world.find_all("nothing"), #world.find_all("."))
  print(pcall(function() local r = world.find_all(5) return r end))
end
"#);
    assert_eq!(
        out,
        vec![
            "coin_1 coin_2\t0\t4",
            "false\tscripts/t.lua:11: world.find_all: pattern must be a string",
        ]
    );
}

#[test]
fn timers_keep_game_time() {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/t.lua"]}]}"#,
        ),
        (
            "scripts/t.lua",
            r#"
function init(self)
  self.ticks = 0
  task.after(0.5, function(what) print("after", what, time.frame) end, "boom")
  self.every = task.every(0.25, function()
    self.ticks = self.ticks + 1
    print("tick", self.ticks, time.frame)
    if self.ticks == 3 then return false end
  end)
  local cancelled = task.after(0.1, function() print("never") end)
  task.cancel(cancelled)
  print(pcall(function() local r = task.every(0, print) return r end))
  print(pcall(function() local r = task.after("soon", print) return r end))
end
"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    let mut out = Vec::new();
    for _ in 0..60 {
        rt.frame(0.05);
        let events = rt.drain_events();
        assert!(errors(&events).is_empty(), "{:?}", errors(&events));
        out.extend(logs(&events));
    }
    assert_eq!(
        out,
        vec![
            "false\tscripts/t.lua:12: task.every: seconds must be a number above 0",
            "false\tscripts/t.lua:13: task.after: seconds must be a number",
            "tick\t1\t5",
            "after\tboom\t10",
            "tick\t2\t10",
            "tick\t3\t15",
        ]
    );
}

#[test]
fn random_helpers_follow_the_world_seed() {
    let script = r#"
function update(self)
  if self.done then return end
  self.done = true
  local xs = {}
  for i = 1, 5 do xs[#xs + 1] = random.int(1, 6) end
  for i = 1, 3 do xs[#xs + 1] = string.format("%.3f", random.float(2, 4)) end
  xs[#xs + 1] = tostring(random.chance(1))
  xs[#xs + 1] = tostring(random.chance(0))
  xs[#xs + 1] = random.pick({ "a" })
  xs[#xs + 1] = tostring(random.pick({}))
  print(table.concat(xs, " "))
  local ok = true
  for i = 1, 1000 do
    local f, n = random.float(), random.int(-2, 2)
    local g = random.float(10)
    if f < 0 or f >= 1 or n < -2 or n > 2 or math.type(n) ~= "integer" or g < 0 or g >= 10 then ok = false end
  end
  print(ok, pcall(function() local r = random.int(3, 1) return r end))
  print(pcall(function() local r = random.float("x") return r end))
  print(pcall(function() local r = random.int(1.5, 2) return r end))
end
"#;
    let first = one(script);
    assert_eq!(first, one(script), "the same seed gives the same numbers");
    assert_eq!(first.len(), 4);
    let draws: Vec<&str> = first[0].split(' ').collect();
    assert_eq!(draws.len(), 12);
    assert!(draws[..5]
        .iter()
        .all(|d| (1..=6).contains(&d.parse::<i64>().unwrap())));
    assert!(draws[5..8].iter().all(|d| {
        let f: f64 = d.parse().unwrap();
        (2.0..4.0).contains(&f)
    }));
    assert_eq!(draws[8..], ["true", "false", "a", "nil"]);
    assert_eq!(
        first[1],
        "true\tfalse\tscripts/t.lua:19: random.int: hi (1) is below lo (3)"
    );
    assert_eq!(
        first[2],
        "false\tscripts/t.lua:20: random.float: hi must be a number, got string"
    );
    assert_eq!(
        first[3],
        "false\tscripts/t.lua:21: random.int: lo must be an integer"
    );
}

#[test]
fn reload_brings_new_property_defaults_to_running_instances() {
    let v1 = r#"
properties = { speed = 4, label = "a", offset = vec3(1, 0, 0), tuned = 1 }
function init(self) if self.tuned == 1 then self.tuned = 2 end end
function update(self) end
"#;
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [
                {"name": "plain", "scripts": ["scripts/p.lua"]},
                {"name": "set", "scripts": [{"path": "scripts/p.lua", "properties": {"speed": 9}}]}
            ]}"#,
        ),
        ("scripts/p.lua", v1),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(0.01);
    let v2 = r#"
properties = { speed = 6, label = "a", offset = vec3(2, 0, 0), tuned = 5, added = true }
function init(self) end
function update(self) end
function on_reload(self)
  print(self.entity:get("Name"), self.speed, self.label, self.offset, self.tuned, self.added)
end
"#;
    assert_eq!(
        rt.reload_script_source("scripts/p.lua", v2),
        ReloadOutcome::Reloaded { instances: 2 }
    );
    rt.frame(0.01);
    // `speed` changed: the plain instance takes 6, the one the scene set keeps 9; `tuned` was
    // changed by the script itself (state, kept); `added` is new.
    assert_eq!(
        logs(&rt.drain_events()),
        vec![
            "plain\t6\ta\tvec3(2, 0, 0)\t2\ttrue",
            "set\t9\ta\tvec3(2, 0, 0)\t2\ttrue",
        ]
    );
}
