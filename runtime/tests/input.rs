//! The host-fed `input` namespace: what scripts see frame by frame, taps shorter than a frame,
//! argument errors, and that the same input track gives the same world.

mod common;
use common::*;
use crescent_runtime::{Config, InputTrack, Runtime};
use std::path::Path;

const WATCHER: &str = r#"function update(self)
  local x, y = input.pointer()
  log.info(string.format("held=%s pressed=%s released=%s axis=%g pointer=%g,%g",
    tostring(input.held("jump")), tostring(input.pressed("jump")), tostring(input.released("jump")),
    input.axis("move_x"), x, y))
end
"#;

fn watcher() -> (tempfile::TempDir, Runtime) {
    scripts(&[("scripts/w.lua", WATCHER)])
}

fn frame_log(rt: &mut Runtime) -> String {
    rt.frame(1.0 / 60.0);
    let lines = logs(&rt.drain_events());
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].clone()
}

#[test]
fn scripts_see_actions_axes_and_the_pointer_frame_by_frame() {
    let (_dir, mut rt) = watcher();
    assert_eq!(
        frame_log(&mut rt),
        "held=false pressed=false released=false axis=0 pointer=0,0"
    );
    rt.input_mut().press("jump");
    rt.input_mut().set_axis("move_x", -0.5);
    rt.input_mut().set_pointer(3.0, 4.5);
    assert_eq!(
        frame_log(&mut rt),
        "held=true pressed=true released=false axis=-0.5 pointer=3,4.5"
    );
    // Held on: pressed lasts one frame.
    assert_eq!(
        frame_log(&mut rt),
        "held=true pressed=false released=false axis=-0.5 pointer=3,4.5"
    );
    rt.input_mut().release("jump");
    assert_eq!(
        frame_log(&mut rt),
        "held=false pressed=false released=true axis=-0.5 pointer=3,4.5"
    );
    assert_eq!(
        frame_log(&mut rt),
        "held=false pressed=false released=false axis=-0.5 pointer=3,4.5"
    );
    // A tap between two frames is still seen.
    rt.input_mut().press("jump");
    rt.input_mut().release("jump");
    assert_eq!(
        frame_log(&mut rt),
        "held=false pressed=true released=true axis=-0.5 pointer=3,4.5"
    );
    assert!(!rt.input().held("jump"));
}

#[test]
fn a_name_that_is_not_a_string_is_an_error_at_the_scripts_line() {
    let (_dir, mut rt) = scripts(&[(
        "scripts/bad.lua",
        "function update(self)\n  if input.held(42) then end\nend\n",
    )]);
    rt.frame(1.0 / 60.0);
    let errs = errors(&rt.drain_events());
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (path, line, message, _) = &errs[0];
    assert_eq!((path.as_str(), *line), ("scripts/bad.lua", 2));
    assert!(
        message.contains("input.held: the action must be a string, got number"),
        "{message}"
    );
}

/// A player whose moves depend on its input: `right` held moves it, `jump` pressed counts.
const PLAYER: &str = r#"function init(self) self.jumps = 0 end
function update(self, dt)
  if input.held("right") then self.entity:translate(vec3(1, 0, 0), dt) end
  if input.pressed("jump") then self.jumps = self.jumps + 1 end
  local x = input.pointer()
  self.entity:translate(vec3(0, input.axis("lift") + x * 0.01, 0), dt)
end
"#;

fn replay(dir: &Path, track: &InputTrack, frames: u64) -> u64 {
    let mut rt = run(dir, Config::default());
    for frame in 0..frames {
        track.apply(frame, rt.input_mut());
        rt.frame(1.0 / 60.0);
    }
    assert!(errors(&rt.drain_events()).is_empty());
    rt.world_hash()
}

#[test]
fn the_same_track_gives_the_same_world_and_another_track_another() {
    let dir = project(&[
        ("scripts/player.lua", PLAYER),
        (
            "scene.json",
            r#"{"entities": [{"components": {"Transform": {}}, "scripts": ["scripts/player.lua"]}]}"#,
        ),
    ]);
    let path = Path::new("track.json");
    let track = InputTrack::parse(
        r#"[{"frame": 2, "press": ["right", "jump"]}, {"frame": 5, "release": ["jump"]},
            {"frame": 7, "press": ["jump"], "axes": {"lift": 0.25}},
            {"frame": 9, "release": ["right"], "pointer": [40, 8]}]"#,
        path,
    )
    .expect("track");
    let a = replay(dir.path(), &track, 12);
    let b = replay(dir.path(), &track, 12);
    assert_eq!(a, b, "the same inputs gave two worlds");
    let other = InputTrack::parse(r#"[{"frame": 3, "press": ["right"]}]"#, path).expect("track");
    assert_ne!(a, replay(dir.path(), &other, 12));
    assert_ne!(a, replay(dir.path(), &InputTrack::default(), 12));
}
