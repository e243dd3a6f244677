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
