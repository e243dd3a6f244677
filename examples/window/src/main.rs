//! `crescent-window`: a Crescent project in a real 2D engine loop. macroquad opens the window,
//! reads the keyboard and the mouse and draws; Crescent runs the scripts. Every entity with a
//! Transform is drawn at its position (a `Sprite` component, defined here by the host, says how);
//! saves are hot-reloaded, and script errors are shown on screen until the script is fixed.
//!
//! ```sh
//! cargo run -p crescent-window                    # the example project beside this file
//! cargo run -p crescent-window -- DIR             # any project
//! cargo run -p crescent-window -- --frames 120 --screenshot shot.png --input track.json
//! ```
//!
//! Keys: arrows or WASD move (`input.axis("move_x")`, `"move_y"`, and the actions `left`,
//! `right`, `up`, `down`), space is `fire`; the mouse is `input.pointer()` in world units.
//!
//! macroquad is used because it is one small, well-kept crate with no system libraries to
//! build against (it loads X11 and GL at run time), so the example builds anywhere the runtime
//! does, and its immediate-mode drawing keeps the host loop readable.

use crescent_runtime::glam::DVec3;
use crescent_runtime::{Config, Event, InputTrack, Registry, Runtime, Scene, Transform};
use crescent_runtime::{DevHost, DevOptions};
use macroquad::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How the host draws an entity: a host component scripts read and write as
/// `{ shape = "circle", color = { 1, 0.8, 0.2 }, size = 12 }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sprite {
    /// `circle` or `square`.
    #[serde(default = "Sprite::default_shape")]
    shape: String,
    /// Red, green and blue, each 0 to 1.
    #[serde(default = "Sprite::default_color")]
    color: [f32; 3],
    /// Radius of a circle, half the side of a square, in world units.
    #[serde(default = "Sprite::default_size")]
    size: f32,
}

impl Default for Sprite {
    fn default() -> Self {
        Sprite {
            shape: Sprite::default_shape(),
            color: Sprite::default_color(),
            size: Sprite::default_size(),
        }
    }
}

impl Sprite {
    fn default_shape() -> String {
        "circle".into()
    }
    fn default_color() -> [f32; 3] {
        [0.6, 0.6, 0.6]
    }
    fn default_size() -> f32 {
        6.0
    }
}

/// Command-line options.
struct Options {
    dir: PathBuf,
    /// Stop after this many frames, each a fixed 1/60 s (deterministic).
    frames: Option<u64>,
    screenshot: Option<PathBuf>,
    input: Option<PathBuf>,
    /// Pixels a world unit; fitted to the scene when not given.
    scale: Option<f32>,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut opts = Options {
            dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("project"),
            frames: None,
            screenshot: None,
            input: None,
            scale: None,
        };
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--frames" => {
                    let v = value("--frames")?;
                    let n = v
                        .parse()
                        .map_err(|_| format!("--frames: not a number: {v}"))?;
                    opts.frames = Some(n);
                }
                "--screenshot" => opts.screenshot = Some(value("--screenshot")?.into()),
                "--input" => opts.input = Some(value("--input")?.into()),
                "--scale" => {
                    let v = value("--scale")?;
                    match v.parse::<f32>() {
                        Ok(s) if s > 0.0 && s.is_finite() => opts.scale = Some(s),
                        _ => return Err(format!("--scale: not a positive number: {v}")),
                    }
                }
                "-h" | "--help" => return Err(USAGE.into()),
                a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
                dir => opts.dir = dir.into(),
            }
        }
        Ok(opts)
    }
}

const USAGE: &str =
    "usage: crescent-window [DIR] [--frames N] [--screenshot FILE.png] [--input TRACK.json] [--scale PIXELS_PER_UNIT]";

/// The screen shows the world from above: the origin at its centre, `scale` pixels a unit. A
/// 2D project (the example's) is drawn in its x-y plane, y up; a 3D one with y up (the demo's,
/// moving in x-z) from above, -z up. Which it is shows once something leaves the x axis.
#[derive(Clone, Copy)]
struct View {
    scale: f32,
    plane: Plane,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Plane {
    /// Nothing has left the x axis yet: drawn as x-y until then.
    Undecided,
    Xy,
    Xz,
}

impl View {
    /// A scale at which every entity of `world` is on screen with a margin (the example
    /// project is in pixels, the demo in units of about a metre), at most 100 pixels a unit.
    fn fit(world: &crescent_runtime::hecs::World) -> View {
        let extent = world
            .query::<&Transform>()
            .iter()
            .map(|t| t.position.x.abs().max(t.position.y.abs()))
            .fold(0.0, f64::max) as f32;
        let half = screen_width().min(screen_height()) / 2.0;
        let scale = if extent > 1e-6 {
            (half / (extent * 1.25)).clamp(0.05, 100.0)
        } else {
            1.0
        };
        View {
            scale,
            plane: Plane::Undecided,
        }
    }

    /// Decides the plane from where entities are, once one is off the x axis.
    fn settle(&mut self, world: &crescent_runtime::hecs::World) {
        if self.plane != Plane::Undecided {
            return;
        }
        let (mut y, mut z) = (0.0_f64, 0.0_f64);
        for t in world.query::<&Transform>().iter() {
            y = y.max(t.position.y.abs());
            z = z.max(t.position.z.abs());
        }
        if y > 1e-9 {
            self.plane = Plane::Xy;
        } else if z > 1e-9 {
            self.plane = Plane::Xz;
        }
    }

    fn to_screen(self, p: DVec3) -> (f32, f32) {
        let up = if self.plane == Plane::Xz { -p.z } else { p.y };
        (
            screen_width() / 2.0 + p.x as f32 * self.scale,
            screen_height() / 2.0 - up as f32 * self.scale,
        )
    }

    /// The pointer in world units: (x, y) of the screen's plane, as `input.pointer()` gives.
    fn to_world(self, x: f32, y: f32) -> (f64, f64) {
        (
            ((x - screen_width() / 2.0) / self.scale) as f64,
            ((screen_height() / 2.0 - y) / self.scale) as f64,
        )
    }
}

/// The colour of an entity without a Sprite: from its name or id, so it stays the same.
fn marker_color(key: &str) -> Color {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let channel = |shift: u32| 0.45 + ((h >> shift) & 0xff) as f32 / 255.0 * 0.55;
    Color::new(channel(0), channel(8), channel(16), 1.0)
}

/// Errors shown on screen: the latest per script, until the script reloads.
#[derive(Default)]
struct Overlay {
    errors: Vec<(String, String)>,
}

impl Overlay {
    fn take(&mut self, event: &Event) {
        match event {
            Event::ScriptError {
                path,
                line,
                message,
                script,
                ..
            } => self.set(script, format!("{path}:{line}: {message}")),
            Event::ReloadFailed {
                path,
                line,
                message,
                ..
            } => self.set(
                path,
                format!("{path}:{line}: {message} (the old code keeps running)"),
            ),
            Event::Reloaded { path, .. } => self.errors.retain(|(p, _)| p != path),
            Event::Log { .. } => {}
        }
    }

    fn set(&mut self, script: &str, text: String) {
        self.errors.retain(|(p, _)| p != script);
        self.errors.push((script.to_owned(), text));
        if self.errors.len() > 6 {
            self.errors.remove(0);
        }
    }

    fn draw(&self) {
        let mut y = screen_height() - 12.0 - 22.0 * self.errors.len() as f32;
        for (_, text) in &self.errors {
            draw_rectangle(
                0.0,
                y - 16.0,
                screen_width(),
                22.0,
                Color::new(0.3, 0.0, 0.0, 0.85),
            );
            draw_text(text, 8.0, y, 20.0, Color::new(1.0, 0.55, 0.5, 1.0));
            y += 22.0;
        }
    }
}

/// The game: the runtime, the watcher that hot-reloads saves, and what the screen shows.
struct Game {
    runtime: Runtime,
    dev: Option<DevHost>,
    overlay: Overlay,
    track: InputTrack,
    frame: u64,
    errors: usize,
    view: View,
}

impl Game {
    fn start(opts: &Options) -> Result<Game, String> {
        let dir = &opts.dir;
        let mut registry = Registry::new();
        registry.component_with::<Sprite>(
            "Sprite",
            "How the window draws the entity (defined by the crescent-window host)",
            &[
                ("shape", "`circle` or `square`"),
                ("color", "red, green, blue, each 0 to 1"),
                ("size", "radius, or half the side, in world units"),
            ],
        );
        let track = match &opts.input {
            Some(path) => InputTrack::load(path).map_err(|e| e.to_string())?,
            None => InputTrack::default(),
        };
        let scene = Scene::load(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut runtime = Runtime::new(dir, Config::default(), registry)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        // The language server reads this to complete `Sprite` and its fields.
        runtime.write_api_json().map_err(|e| e.to_string())?;
        let api = serde_json::to_value(runtime.api()).map_err(|e| e.to_string())?;
        let dev = DevHost::start(dir, api, DevOptions::default())
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        runtime
            .load_scene(&scene)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let view = match opts.scale {
            Some(scale) => View {
                scale,
                plane: Plane::Undecided,
            },
            None => View::fit(&runtime.world()),
        };
        Ok(Game {
            view,
            runtime,
            dev: Some(dev),
            overlay: Overlay::default(),
            track,
            frame: 0,
            errors: 0,
        })
    }

    /// The keyboard and mouse as scripts see them, then the replayed track on top.
    fn feed_input(&mut self) {
        let input = self.runtime.input_mut();
        let key = |a: KeyCode, b: KeyCode| is_key_down(a) || is_key_down(b);
        let (left, right) = (
            key(KeyCode::Left, KeyCode::A),
            key(KeyCode::Right, KeyCode::D),
        );
        let (up, down) = (key(KeyCode::Up, KeyCode::W), key(KeyCode::Down, KeyCode::S));
        let fire = is_key_down(KeyCode::Space);
        let track_drives = !self.track.steps().is_empty();
        if !track_drives {
            for (action, held) in [
                ("left", left),
                ("right", right),
                ("up", up),
                ("down", down),
                ("fire", fire),
            ] {
                input.set_action(action, held);
            }
            input.set_axis("move_x", right as i32 as f64 - left as i32 as f64);
            input.set_axis("move_y", up as i32 as f64 - down as i32 as f64);
            let (mx, my) = mouse_position();
            let (x, y) = self.view.to_world(mx, my);
            input.set_pointer(x, y);
        }
        self.track.apply(self.frame, input);
    }

    fn step(&mut self, dt: f64) {
        if let Some(dev) = &self.dev {
            for event in dev.apply(&mut self.runtime) {
                self.show(&event);
            }
        }
        self.runtime.frame(dt);
        self.view.settle(&self.runtime.world());
        for event in self.runtime.drain_events() {
            self.show(&event);
        }
        self.frame += 1;
    }

    fn show(&mut self, event: &Event) {
        match event {
            Event::Log { path, message, .. } => println!("{path}: {message}"),
            Event::ScriptError { .. } | Event::ReloadFailed { .. } => {
                self.errors += 1;
                eprintln!("error: {}", event_text(event));
            }
            Event::Reloaded { path, ms, .. } => println!("reloaded {path} in {ms:.1} ms"),
        }
        self.overlay.take(event);
    }

    fn draw(&self) {
        clear_background(Color::new(0.07, 0.08, 0.11, 1.0));
        let world = self.runtime.world();
        let mut drawn = 0;
        let mut labels: Vec<Rect> = Vec::new();
        let mut named = world.query::<(
            crescent_runtime::hecs::Entity,
            &Transform,
            Option<&Sprite>,
            Option<&crescent_runtime::Name>,
        )>();
        for (e, t, sprite, name) in named.iter() {
            let (x, y) = self.view.to_screen(t.position);
            match sprite {
                Some(s) => {
                    let color = Color::new(s.color[0], s.color[1], s.color[2], 1.0);
                    let size = s.size * t.scale.x as f32 * self.view.scale;
                    if s.shape == "square" {
                        draw_rectangle(x - size, y - size, size * 2.0, size * 2.0, color);
                    } else {
                        draw_circle(x, y, size, color);
                    }
                }
                None => {
                    // No Sprite: a marker of fixed size, coloured and labelled by name.
                    let key = name.map_or_else(|| e.id().to_string(), |n| n.0.clone());
                    let color = marker_color(&key);
                    draw_rectangle(x - 5.0, y - 5.0, 10.0, 10.0, color);
                    if let Some(n) = name {
                        // A label only where it does not cover another one.
                        let w = measure_text(&n.0, None, 16, 1.0).width;
                        let rect = Rect::new(x + 8.0, y - 18.0, w, 14.0);
                        if !labels.iter().any(|r: &Rect| r.overlaps(&rect)) {
                            draw_text(&n.0, x + 8.0, y - 6.0, 16.0, color);
                            labels.push(rect);
                        }
                    }
                }
            }
            drawn += 1;
        }
        drop(named);
        drop(world);
        let status = format!(
            "frame {}  entities {}  errors {}  {:.0} fps",
            self.frame,
            drawn,
            self.errors,
            get_fps()
        );
        draw_text(&status, 8.0, 20.0, 20.0, Color::new(0.7, 0.75, 0.8, 1.0));
        self.overlay.draw();
    }
}

fn event_text(event: &Event) -> String {
    match event {
        Event::ScriptError {
            path,
            line,
            message,
            ..
        }
        | Event::ReloadFailed {
            path,
            line,
            message,
            ..
        } => format!("{path}:{line}: {message}"),
        other => format!("{other:?}"),
    }
}

fn conf() -> Conf {
    Conf {
        window_title: "Crescent".into(),
        window_width: 960,
        window_height: 640,
        ..Default::default()
    }
}

#[macroquad::main(conf)]
async fn main() {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(text) => {
            eprintln!("{text}");
            std::process::exit(2);
        }
    };
    let mut game = match Game::start(&opts) {
        Ok(game) => game,
        Err(text) => {
            eprintln!("error: {text}");
            std::process::exit(1);
        }
    };
    // Frames are paced at 60 per second of wall time (a display's vsync does it too; a virtual
    // display does not), so a counted run lasts as long as the game time it simulates.
    let period = std::time::Duration::from_secs_f64(1.0 / 60.0);
    let mut next = std::time::Instant::now();
    loop {
        next += period;
        game.feed_input();
        // A fixed step when the run is counted, so it is the same every time.
        let dt = match opts.frames {
            Some(_) => 1.0 / 60.0,
            None => (get_frame_time() as f64).min(0.25),
        };
        game.step(dt);
        game.draw();
        if opts.frames.is_some_and(|n| game.frame >= n) {
            if let Some(path) = &opts.screenshot {
                get_screen_data().export_png(&path.to_string_lossy());
            }
            let entities = game.runtime.world().len();
            println!(
                "done: {} frames drawn, {entities} entities, {} errors, world hash {:016x}",
                game.frame,
                game.errors,
                game.runtime.world_hash()
            );
            game.runtime.shutdown();
            drop(game.dev.take());
            break;
        }
        let now = std::time::Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else if now - next > period * 4 {
            next = now; // far behind: do not rush to catch up
        }
        next_frame().await;
    }
}
