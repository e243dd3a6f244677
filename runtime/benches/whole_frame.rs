//! Whole frames as a user runs them: `crescent run DIR --frames N` on 10,000 scripted movers,
//! beside the stock `lua5.4` interpreter running the floor (the same movement in plain Lua on
//! plain tables, in place) for the same number of frames.
//!
//! Each program runs twice, for a short and a long number of frames, and the per-frame time is
//! the difference divided by the extra frames, so start-up (loading the scene, compiling) is
//! left out of both. Medians of 5 runs of each.
//!
//! `cargo bench -p crescent-runtime --bench whole_frame` (needs `lua5.4` on the PATH for the
//! baseline; without it only the crescent figures are printed).

#[path = "common/movers.rs"]
mod movers;

use movers::{MOVE_FAST, MOVE_GET_SET};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const N: usize = 10_000;
const SHORT: usize = 60;
const LONG: usize = 360;

fn floor_lua(frames: usize) -> String {
    format!(
        r#"
local Obj = {{}}
Obj.__index = Obj
function Obj:update(dt)
  local p, v = self.pos, self.vel
  p.x = p.x + v.x * dt
  p.y = p.y + v.y * dt
  p.z = p.z + v.z * dt
end
local objs = {{}}
for i = 1, {N} do
  objs[i] = setmetatable({{ pos = {{ x = 0, y = 0, z = 0 }}, vel = {{ x = 1, y = 2, z = 3 }} }}, Obj)
end
for _ = 1, {frames} do
  for i = 1, #objs do objs[i]:update(1 / 60) end
end
"#
    )
}

fn project(script: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("scripts")).expect("scripts/");
    std::fs::write(dir.path().join("scripts/mover.lua"), script).expect("script");
    let entity = r#"{"components": {"Transform": {"position": [0, 0, 0]}}, "scripts": ["scripts/mover.lua"]}"#;
    let scene = format!(r#"{{"entities": [{}]}}"#, vec![entity; N].join(","));
    std::fs::write(dir.path().join("scene.json"), scene).expect("scene");
    dir
}

/// Median wall time of 5 runs of the command, in seconds.
fn timed(mut make: impl FnMut() -> Command) -> Option<f64> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let out = make().output().ok()?;
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Some(times[2])
}

/// Nanoseconds per entity per frame, from a short and a long run.
fn per_entity_frame(short: f64, long: f64) -> f64 {
    (long - short) / (LONG - SHORT) as f64 / N as f64 * 1e9
}

fn crescent(dir: &Path, frames: usize) -> Option<f64> {
    timed(|| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_crescent"));
        c.arg("run")
            .arg(dir)
            .arg("--frames")
            .arg(frames.to_string());
        c
    })
}

fn lua(file: &Path) -> Option<f64> {
    timed(|| {
        let mut c = Command::new("lua5.4");
        c.arg(file);
        c
    })
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let floor = {
        let dir = tempfile::tempdir().expect("temp dir");
        let short = dir.path().join("short.lua");
        let long = dir.path().join("long.lua");
        std::fs::write(&short, floor_lua(SHORT)).expect("write");
        std::fs::write(&long, floor_lua(LONG)).expect("write");
        match (lua(&short), lua(&long)) {
            (Some(s), Some(l)) => {
                let ns = per_entity_frame(s, l);
                println!(
                    "lua5.4, floor loop (plain tables, in place): {ns:.0} ns per entity per frame"
                );
                Some(ns)
            }
            _ => {
                println!("lua5.4 not found or failed: no floor figure");
                None
            }
        }
    };
    for (name, script) in [
        ("fast idiom (e:translate)", MOVE_FAST),
        ("get/set idiom", MOVE_GET_SET),
    ] {
        let dir = project(script);
        let (Some(s), Some(l)) = (crescent(dir.path(), SHORT), crescent(dir.path(), LONG)) else {
            println!("crescent run failed for the {name}");
            continue;
        };
        let ns = per_entity_frame(s, l);
        let frame_ms = ns * N as f64 / 1e6;
        match floor {
            Some(f) => println!(
                "crescent run, 10k movers, {name}: {ns:.0} ns per entity per frame ({frame_ms:.2} ms a frame), {:.2}x lua5.4's floor",
                ns / f
            ),
            None => println!(
                "crescent run, 10k movers, {name}: {ns:.0} ns per entity per frame ({frame_ms:.2} ms a frame)"
            ),
        }
    }
}
