//! Embedding Crescent in a Rust program: a host component (`Health`, any serde type) and a host
//! function (`game.rumble(strength)`), registered through the same registry as the built-in
//! API, and a game loop that drives the world and reads back what the scripts did.
//!
//! Run it with `cargo run --example embed`; the project it runs is `runtime/examples/embed/`.

use crescent_runtime::{Config, Event, Registry, Runtime, Scene};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

/// A component owned by the host: scripts read and write it as `{ hp = ..., max = ... }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Health {
    hp: i64,
    max: i64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/embed");

    // What the host's function records; the closure is called on the game thread only.
    let rumbles: Rc<RefCell<Vec<f64>>> = Rc::default();

    let mut registry = Registry::new();
    // The fields and their types come from `Health::default()`; each needs its line of doc.
    registry.component_with::<Health>(
        "Health",
        "Hit points of a living entity",
        &[
            ("hp", "Current hit points"),
            ("max", "Hit points when fully healed"),
        ],
    );
    let log = Rc::clone(&rumbles);
    // Typed: the description's parameter and result types come from the closure's.
    registry.typed(
        "game",
        "rumble",
        "Shakes the controller; returns how many rumbles there were so far",
        &[("strength", "0 to 1")],
        move |_lua, (strength,): (f64,)| {
            let mut log = log.borrow_mut();
            log.push(strength.clamp(0.0, 1.0));
            Ok(log.len() as i64)
        },
    );

    let mut runtime = Runtime::new(&root, Config::default(), registry)?;
    runtime.load_scene(&Scene::load(&root)?)?;
    // The language server reads this to complete `Health` fields and `game.rumble`.
    runtime.write_api_json()?;

    // The host's own loop: here a fixed 60 Hz for five seconds of game time.
    for frame in 0..300 {
        runtime.frame(1.0 / 60.0);
        for event in runtime.drain_events() {
            match event {
                Event::Log { message, path, .. } => println!("[frame {frame:3}] {path}: {message}"),
                Event::ScriptError {
                    path,
                    line,
                    message,
                    ..
                } => {
                    eprintln!("[frame {frame:3}] error {path}:{line}: {message}")
                }
                other => println!("[frame {frame:3}] {other:?}"),
            }
        }
    }

    // The host reads the world directly: its own component and the built-in ones. `world()`
    // borrows the world until `world` goes out of scope.
    {
        let world = runtime.world();
        for (health, name) in world.query::<(&Health, &crescent_runtime::Name)>().iter() {
            println!("{}: {} / {} hp", name.0, health.hp, health.max);
        }
        for (t, name) in world
            .query::<(&crescent_runtime::Transform, &crescent_runtime::Name)>()
            .iter()
        {
            println!("{} is at x = {:.2}", name.0, t.position.x);
        }
    }
    let rumbles = rumbles.borrow();
    println!(
        "{} rumbles, strongest {:.2}; world hash {:016x}",
        rumbles.len(),
        rumbles.iter().copied().fold(0.0, f64::max),
        runtime.world_hash()
    );
    runtime.shutdown();
    Ok(())
}
