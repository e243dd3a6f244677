//! The host talking to scripts between frames: events sent from Rust (to everyone and to one
//! entity), and entity ids the host and scripts agree on.

mod common;
use common::*;
use crescent_runtime::{Config, Error};

const LISTENER: &str = r#"function init(self)
  events.subscribe("wave", function(data, sender)
    log.info(self.entity:id() .. " subscriber " .. data.n .. " " .. tostring(sender))
  end)
end
function on_event(self, name, data, sender)
  local v = type(data) == "table" and data.n or data
  log.info(self.entity:id() .. " on_event " .. name .. " " .. tostring(v))
end
"#;

#[test]
fn host_events_reach_subscribers_and_on_event_in_the_next_frame() {
    let dir = project(&[
        ("scripts/listener.lua", LISTENER),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/listener.lua"]}, {"scripts": ["scripts/listener.lua"]}]}"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    assert!(logs(&rt.drain_events()).is_empty());
    rt.emit("wave", &serde_json::json!({ "n": 3 }))
        .expect("emit");
    // Nothing is delivered before the frame.
    assert!(logs(&rt.drain_events()).is_empty());
    rt.frame(1.0 / 60.0);
    let mut lines = logs(&rt.drain_events());
    lines.sort();
    assert_eq!(
        lines,
        [
            "1 on_event wave 3",
            "1 subscriber 3 nil",
            "2 on_event wave 3",
            "2 subscriber 3 nil"
        ]
    );
    // To one entity only: its instances' `on_event`, as `entity:send` does.
    rt.send(2, "wave", &serde_json::json!({ "n": 4 }))
        .expect("send");
    rt.frame(1.0 / 60.0);
    assert_eq!(logs(&rt.drain_events()), ["2 on_event wave 4"]);
    // A plain value as data.
    rt.send(1, "ping", &7).expect("send");
    rt.frame(1.0 / 60.0);
    assert_eq!(logs(&rt.drain_events()), ["1 on_event ping 7"]);
    // An entity that is not there is an error, and nothing is queued.
    match rt.send(99, "wave", &serde_json::json!({ "n": 5 })) {
        Err(Error::Entity { entity: 99, .. }) => {}
        other => panic!("expected an entity error, got {other:?}"),
    }
    rt.frame(1.0 / 60.0);
    assert!(logs(&rt.drain_events()).is_empty());
}

#[test]
fn host_and_scripts_agree_on_entity_ids() {
    let dir = project(&[
        (
            "scripts/named.lua",
            "function init(self) log.info(self.entity:id() .. ' ' .. self.entity:get('Name')) end\n",
        ),
        (
            "scene.json",
            r#"{"entities": [{"name": "a", "scripts": ["scripts/named.lua"]}, {"name": "b", "scripts": ["scripts/named.lua"]}]}"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    let lines = logs(&rt.drain_events());
    assert_eq!(lines, ["1 a", "2 b"]);
    for (id, name) in [(1, "a"), (2, "b")] {
        let e = rt.entity(id).expect("a live entity");
        assert_eq!(rt.entity_id(e), Some(id));
        let world = rt.world();
        let n = world.get::<&crescent_runtime::Name>(e).expect("named");
        assert_eq!(n.0, name);
    }
    assert_eq!(rt.entity(3), None);
}

const COUNTER: &str = r#"function init(self) log.info("init " .. self.entity:id() .. " " .. tostring(self.entity:get("Name"))) end
function update(self) self.entity:translate(vec3(1, 0, 0)) end
function destroy(self) log.info("destroy " .. self.entity:id()) end
"#;

#[test]
fn the_host_spawns_despawns_and_writes_components_between_frames() {
    use crescent_runtime::{EntityDef, ScriptRef, Transform};
    let dir = project(&[
        ("scripts/counter.lua", COUNTER),
        (
            "scripts/watcher.lua",
            r#"function update(self)
  local boss = world.find("boss")
  if boss then log.info("boss at " .. boss:get("Transform").position.x) end
end
"#,
        ),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/watcher.lua"]}]}"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    let def = EntityDef {
        name: Some("boss".into()),
        components: vec![(
            "Transform".into(),
            serde_json::json!({ "position": [10, 0, 0] }),
        )],
        scripts: vec![ScriptRef {
            path: "scripts/counter.lua".into(),
            order: 0,
            properties: Default::default(),
        }],
    };
    let id = rt.spawn(&def).expect("spawn");
    assert_eq!(id, 2);
    // Names stay unique.
    match rt.spawn(&def) {
        Err(Error::Entity { entity: 2, message }) => assert!(message.contains("boss"), "{message}"),
        other => panic!("expected a name error, got {other:?}"),
    }
    rt.frame(1.0 / 60.0);
    // The new entity's init runs in the next frame; the watcher then sees it (moved by its
    // update, which runs after the watcher's: entities update in id order).
    assert_eq!(logs(&rt.drain_events()), ["init 2 boss", "boss at 10.0"]);
    // A host write is what scripts read next.
    let mut t = Transform::default();
    t.position.x = 100.0;
    rt.insert(id, t).expect("insert");
    rt.frame(1.0 / 60.0);
    assert_eq!(logs(&rt.drain_events()), ["boss at 100.0"]);
    let e = rt.entity(id).expect("alive");
    assert_eq!(
        rt.world().get::<&Transform>(e).map(|t| t.position.x).ok(),
        Some(101.0)
    );
    // Despawning runs destroy at once; scripts no longer find it.
    rt.despawn(id).expect("despawn");
    assert_eq!(logs(&rt.drain_events()), ["destroy 2"]);
    assert_eq!(rt.entity(id), None);
    rt.frame(1.0 / 60.0);
    assert!(logs(&rt.drain_events()).is_empty());
    assert!(matches!(rt.despawn(id), Err(Error::Entity { .. })));
    assert!(matches!(
        rt.insert(id, Transform::default()),
        Err(Error::Entity { .. })
    ));
    // A spawn whose script does not exist leaves nothing behind, the name included.
    let broken = EntityDef {
        name: Some("ghost".into()),
        scripts: vec![ScriptRef {
            path: "scripts/missing.lua".into(),
            order: 0,
            properties: Default::default(),
        }],
        ..Default::default()
    };
    assert!(rt.spawn(&broken).is_err());
    assert!(rt
        .spawn(&EntityDef {
            name: Some("ghost".into()),
            ..Default::default()
        })
        .is_ok());
}

const SHOP: &str = r#"function init(self)
  self.gold = 10
  self.aim = vec3(1, 2, 3)
  self.owner = self.entity
  self.bag = { "sword", { count = 2 } }
  self.on_buy = function() end
end
function buy(self, item, price)
  if price > self.gold then error("not enough gold for " .. item) end
  self.gold = self.gold - price
  return { item = item, left = self.gold }
end
function nothing(self) end
"#;

#[test]
fn the_host_calls_a_script_function_and_reads_self() {
    let (_dir, mut rt) = scripts(&[("scripts/shop.lua", SHOP)]);
    rt.frame(1.0 / 60.0);
    let got: serde_json::Value = rt
        .call(
            1,
            "scripts/shop.lua",
            "buy",
            &[serde_json::json!("potion"), serde_json::json!(4)],
        )
        .expect("call");
    assert_eq!(got, serde_json::json!({ "item": "potion", "left": 6 }));
    let none: Option<i64> = rt
        .call(1, "scripts/shop.lua", "nothing", &[])
        .expect("call");
    assert_eq!(none, None);
    // The script's error comes back with its line; the instance keeps running.
    match rt.call::<serde_json::Value>(
        1,
        "scripts/shop.lua",
        "buy",
        &[serde_json::json!("castle"), serde_json::json!(1000)],
    ) {
        Err(Error::Script {
            path,
            line,
            message,
            ..
        }) => {
            assert_eq!((path.as_str(), line), ("scripts/shop.lua", 9));
            assert!(message.contains("not enough gold for castle"), "{message}");
        }
        other => panic!("expected a script error, got {other:?}"),
    }
    assert_eq!(rt.stats().faulted, 0);
    for (script, function) in [("scripts/shop.lua", "steal"), ("scripts/other.lua", "buy")] {
        assert!(matches!(
            rt.call::<()>(1, script, function, &[]),
            Err(Error::Entity { entity: 1, .. })
        ));
    }
    assert!(matches!(
        rt.call::<()>(7, "scripts/shop.lua", "buy", &[]),
        Err(Error::Entity { entity: 7, .. })
    ));
    let me = rt.instance_self(1, "scripts/shop.lua").expect("self");
    assert_eq!(
        me,
        serde_json::json!({
            "gold": 6,
            "aim": [1.0, 2.0, 3.0],
            "owner": 1,
            "entity": 1,
            "bag": ["sword", { "count": 2 }]
        })
    );
}

/// A typed host function: its description comes from the closure's types, and a wrong
/// argument is reported with the function, the parameter and what was expected.
#[test]
fn typed_host_functions_describe_and_check_themselves() {
    use crescent_runtime::{Registry, Runtime};
    let dir = project(&[
        (
            "scripts/t.lua",
            r#"function init(self)
  log.info(game.label(2.5, "hp"))
  log.info(game.label(1))
  local ok, err = pcall(game.label, "x")
  log.info(err)
  ok, err = pcall(game.label, 1, {})
  log.info(err)
  ok, err = pcall(game.label, 1, "a", 3)
  log.info(err)
  ok, err = pcall(function() local s = game.label(true) return s end)
  log.info(err)
end
"#,
        ),
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/t.lua"]}]}"#,
        ),
    ]);
    let mut registry = Registry::new();
    registry.typed(
        "game",
        "label",
        "A number with its unit",
        &[("value", "how much"), ("unit", "what of (none by default)")],
        |_lua, (value, unit): (f64, Option<String>)| {
            Ok(format!("{value} {}", unit.unwrap_or_default())
                .trim()
                .to_string())
        },
    );
    let mut rt = Runtime::new(dir.path(), Config::default(), registry).expect("runtime");
    rt.load_scene(&crescent_runtime::Scene::load(dir.path()).expect("scene"))
        .expect("load");
    rt.frame(1.0 / 60.0);
    let events = rt.drain_events();
    assert!(errors(&events).is_empty(), "{:?}", errors(&events));
    expect_test::expect![[r#"
        [
            "2.5 hp",
            "1",
            "game.label: argument 1 (value) must be number, got string",
            "game.label: argument 2 (unit) must be string?, got table",
            "game.label: takes 2 arguments, got 3",
            "scripts/t.lua:10: game.label: argument 1 (value) must be number, got boolean",
        ]
    "#]]
    .assert_debug_eq(&logs(&events));
    let f = rt
        .api()
        .namespace("game")
        .and_then(|n| n.functions.iter().find(|f| f.name == "label"))
        .expect("described");
    let params: Vec<(&str, &str, bool)> = f
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.ty.as_str(), p.optional))
        .collect();
    assert_eq!(
        params,
        [("value", "number", false), ("unit", "string", true)]
    );
    assert_eq!(f.returns[0].ty, "string");

    // Names that do not match the closure's parameters are refused.
    let mut registry = Registry::new();
    registry.typed(
        "game",
        "twice",
        "",
        &[("a", ""), ("b", "")],
        |_lua, (a,): (i64,)| Ok(a * 2),
    );
    match Runtime::new(dir.path(), Config::default(), registry) {
        Err(Error::Lua(m)) => assert!(
            m.contains("game.twice: 2 parameter names for 1 parameter"),
            "{m}"
        ),
        Err(other) => panic!("expected the registration error, got {other:?}"),
        Ok(_) => panic!("expected the registration error"),
    }
}

const TUNED: &str = r#"function init(self)
  self.speed = 1
  self.dir = vec3(1, 0, 0)
end
function update(self)
  local hp = self.entity:get("Health")
  log.info(string.format("speed=%s dir=%s hp=%s", tostring(self.speed), tostring(self.dir),
    hp and tostring(hp.hp) or "nil"))
end
"#;

#[test]
fn the_host_writes_self_fields_and_components_by_name() {
    let dir = project(&[
        ("scripts/tuned.lua", TUNED),
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transform": {}, "Health": {"hp": 3}}, "scripts": ["scripts/tuned.lua"]}]}"#,
        ),
    ]);
    let mut rt = run(dir.path(), Config::default());
    rt.frame(1.0 / 60.0);
    assert_eq!(logs(&rt.drain_events()), ["speed=1 dir=vec3(1, 0, 0) hp=3"]);

    // self fields: a number, and an array over a vec3 stays a vec3 (what instance_self reads).
    rt.set_instance_field(1, "scripts/tuned.lua", "speed", &2.5)
        .expect("speed");
    rt.set_instance_field(1, "scripts/tuned.lua", "dir", &[0.0, 1.0, 0.0])
        .expect("dir");
    // A script component, by name.
    rt.set_component_json(1, "Health", &serde_json::json!({ "hp": 10 }))
        .expect("health");
    rt.frame(1.0 / 60.0);
    assert_eq!(
        logs(&rt.drain_events()),
        ["speed=2.5 dir=vec3(0, 1, 0) hp=10"]
    );
    let me = rt.instance_self(1, "scripts/tuned.lua").expect("self");
    assert_eq!(me["dir"], serde_json::json!([0.0, 1.0, 0.0]));
    assert_eq!(
        rt.component_json(1, "Health").expect("read"),
        Some(serde_json::json!({ "hp": 10 }))
    );

    // Transform by name, as JSON, the scene's shape.
    rt.set_component_json(
        1,
        "Transform",
        &serde_json::json!({ "position": [4, 5, 6] }),
    )
    .expect("transform");
    let t = rt
        .component_json(1, "Transform")
        .expect("read")
        .expect("some");
    assert_eq!(t["position"], serde_json::json!([4.0, 5.0, 6.0]));
    // null removes a component; a missing one reads as None.
    rt.set_component_json(1, "Health", &serde_json::Value::Null)
        .expect("remove");
    assert_eq!(rt.component_json(1, "Health").expect("read"), None);

    // What cannot be written says why.
    let refused = [
        rt.set_instance_field(1, "scripts/tuned.lua", "entity", &1),
        rt.set_instance_field(1, "scripts/other.lua", "speed", &1),
        rt.set_instance_field(9, "scripts/tuned.lua", "speed", &1),
        rt.set_component_json(9, "Health", &1),
        rt.set_component_json(1, "Transform", &serde_json::json!({ "position": "up" })),
    ];
    let messages: Vec<String> = refused
        .into_iter()
        .map(|r| match r {
            Err(Error::Entity { message, .. }) => message,
            other => panic!("expected an entity error, got {other:?}"),
        })
        .collect();
    assert_eq!(
        messages[..4],
        [
            "self.entity is the instance's own handle; it cannot be set",
            "entity 1 has no instance of scripts/other.lua",
            "no live entity has this id",
            "no live entity has this id",
        ]
    );
    assert!(messages[4].starts_with("Transform: "), "{}", messages[4]);
    rt.frame(1.0 / 60.0);
    assert_eq!(
        logs(&rt.drain_events()),
        ["speed=2.5 dir=vec3(0, 1, 0) hp=nil"]
    );
}

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct Stamina {
    value: f64,
    regen: i64,
    tags: Vec<String>,
}

#[test]
fn a_host_component_described_from_its_type_cannot_drift() {
    let dir = project(&[("scene.json", r#"{"entities": []}"#)]);
    let mut registry = crescent_runtime::Registry::new();
    registry.component_with::<Stamina>(
        "Stamina",
        "How long the entity can run",
        &[
            ("value", "What is left"),
            ("regen", "Points back per second"),
            ("tags", "What restores it"),
        ],
    );
    let rt =
        crescent_runtime::Runtime::new(dir.path(), Config::default(), registry).expect("runtime");
    let c = rt.api().component("Stamina").expect("described");
    let fields: Vec<(&str, &str, &str)> = c
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.as_str(), f.doc.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("value", "number", "What is left"),
            ("regen", "integer", "Points back per second"),
            ("tags", "any[]", "What restores it"),
        ]
    );

    // A doc for a field that is not there, and a field without a doc, are refused.
    let mut registry = crescent_runtime::Registry::new();
    registry.component_with::<Stamina>(
        "Stamina",
        "",
        &[("value", "What is left"), ("regeneration", "renamed")],
    );
    let e = crescent_runtime::Runtime::new(dir.path(), Config::default(), registry)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        e.contains(
            "a doc is given for `regeneration`, which is not a field (fields: value, regen, tags)"
        ),
        "{e}"
    );
    assert!(e.contains("field `regen` has no doc"), "{e}");
    assert!(e.contains("field `tags` has no doc"), "{e}");
}
