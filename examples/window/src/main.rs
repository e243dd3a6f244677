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
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut opts = Options {
            dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("project"),
            frames: None,
            screenshot: None,
            input: None,
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
                "-h" | "--help" => return Err(USAGE.into()),
                a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
                dir => opts.dir = dir.into(),
            }
        }
        Ok(opts)
    }
}

const USAGE: &str =
    "usage: crescent-window [DIR] [--frames N] [--screenshot FILE.png] [--input TRACK.json]";

/// The screen shows the world from above: the origin at its centre, y up, one unit a pixel.
fn to_screen(x: f64, y: f64) -> (f32, f32) {
    (
        screen_width() / 2.0 + x as f32,
        screen_height() / 2.0 - y as f32,
    )
}

fn to_world(x: f32, y: f32) -> (f64, f64) {
    (
        (x - screen_width() / 2.0) as f64,
        (screen_height() / 2.0 - y) as f64,
    )
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
        Ok(Game {
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
            let (x, y) = to_world(mx, my);
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
        for (t, sprite) in world.query::<(&Transform, Option<&Sprite>)>().iter() {
            let (x, y) = to_screen(t.position.x, t.position.y);
            let (shape, color, size) = match sprite {
                Some(s) => (s.shape.as_str(), s.color, s.size),
                None => ("square", Sprite::default_color(), Sprite::default_size()),
            };
            let color = Color::new(color[0], color[1], color[2], 1.0);
            let size = size * t.scale.x as f32;
            if shape == "square" {
                draw_rectangle(x - size, y - size, size * 2.0, size * 2.0, color);
            } else {
                draw_circle(x, y, size, color);
            }
            drawn += 1;
        }
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
