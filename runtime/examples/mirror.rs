//! The mirror pattern: an engine that owns its own world embeds Crescent and syncs once per
//! frame. The engine is the truth for what it simulates (here, physics bodies: their
//! positions are copied into Crescent's Transforms before the frame); Crescent is the truth for
//! what scripts decide (a `Thrust` script component, read back after the frame, and the
//! beacon, which a script moves and the engine only reads).
//!
//! Run it with `cargo run --example mirror`; the project is `runtime/examples/mirror/`, and
//! `docs/embedding.md` explains the pattern.

use crescent_runtime::glam::DVec3;
use crescent_runtime::{Config, Event, Registry, Runtime, Scene, Transform};
use std::collections::BTreeMap;
use std::path::Path;

/// One body of the engine's own physics.
struct Body {
    position: DVec3,
    velocity: DVec3,
}

/// The engine's world: bodies by the Crescent entity id they mirror.
struct Physics {
    bodies: BTreeMap<u64, Body>,
    drag: f64,
}

impl Physics {
    fn step(&mut self, dt: f64) {
        for b in self.bodies.values_mut() {
            b.velocity *= (1.0 - self.drag * dt).max(0.0);
            b.position += b.velocity * dt;
        }
    }
}

const DT: f64 = 1.0 / 60.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mirror");
    let mut runtime = Runtime::new(&root, Config::default(), Registry::new())?;
    runtime.load_scene(&Scene::load(&root)?)?;

    // The engine adopts the ships: from now on their positions are the engine's.
    let mut physics = Physics {
        bodies: BTreeMap::new(),
        drag: 1.5,
    };
    let id = |name: &str| runtime.find(name).ok_or(format!("the scene has no {name}"));
    let ids: BTreeMap<&str, u64> = [
        ("ship-a", id("ship-a")?),
        ("ship-b", id("ship-b")?),
        ("beacon", id("beacon")?),
    ]
    .into();
    for name in ["ship-a", "ship-b"] {
        let id = ids[name];
        let t: Transform =
            serde_json::from_value(runtime.component_json(id, "Transform")?.unwrap_or_default())?;
        physics.bodies.insert(
            id,
            Body {
                position: t.position,
                velocity: DVec3::ZERO,
            },
        );
    }

    for frame in 0..600 {
        // 1. The engine's truth into Crescent: body positions become Transforms.
        for (&id, body) in &physics.bodies {
            runtime.insert(
                id,
                Transform {
                    position: body.position,
                    ..Transform::default()
                },
            )?;
        }
        // 2. Scripts run: they read those positions and write their decisions.
        runtime.frame(DT);
        for event in runtime.drain_events() {
            if let Event::ScriptError {
                path,
                line,
                message,
                ..
            } = event
            {
                eprintln!("[frame {frame}] {path}:{line}: {message}");
            }
        }
        // 3. Crescent's truth into the engine: each ship's Thrust accelerates its body.
        for (&id, body) in physics.bodies.iter_mut() {
            if let Some(thrust) = runtime.component_json(id, "Thrust")? {
                let x = thrust["x"].as_f64().unwrap_or(0.0);
                let y = thrust["y"].as_f64().unwrap_or(0.0);
                body.velocity += DVec3::new(x, y, 0.0) * DT;
            }
        }
        // 4. The engine simulates.
        physics.step(DT);

        if frame % 150 == 149 {
            let beacon = runtime
                .component_json(ids["beacon"], "Transform")?
                .map(|t| t["position"][0].as_f64().unwrap_or(0.0))
                .unwrap_or(0.0);
            let gaps: Vec<String> = ["ship-a", "ship-b"]
                .iter()
                .map(|name| {
                    let b = &physics.bodies[&ids[name]];
                    let gap = (b.position - DVec3::new(beacon, 0.0, 0.0)).length();
                    format!("{name} {gap:.1} away")
                })
                .collect();
            println!(
                "frame {:3}: beacon at x = {beacon:.1}; {}",
                frame + 1,
                gaps.join(", ")
            );
        }
    }
    println!("world hash {:016x}", runtime.world_hash());
    runtime.shutdown();
    Ok(())
}
