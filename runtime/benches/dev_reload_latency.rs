//! Hot reload latency: a project of 1,000 scripts running in real time at 60 fps, one script
//! saved 200 times (plain and atomic saves alternating), and the time from the write to the
//! new code running measured by the `reloaded` event's `ms` and by an external clock.
//!
//! Run with `cargo bench -p crescent-runtime --bench dev_reload_latency`.
//! Targets: median under 15 ms and 99th percentile under 30 ms (the new code runs in the first
//! frame after the save).

use std::collections::HashMap;
use std::fs;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crescent_runtime::{Config, DevHost, DevOptions, Event, Registry, Runtime, Scene};

const SCRIPTS: usize = 1000;
const SAVES: usize = 200;
const FRAME: Duration = Duration::from_micros(16_667);
const TARGET: &str = "scripts/s0.lua";

fn script(index: usize, version: usize) -> String {
    let mut text = format!(
        "-- scripts/s{index}.lua, version {version}\n\
         VERSION = {version}\n\
         FIRST = true\n\
         print('loaded v' .. VERSION)\n\
         function update(self, dt)\n\
         \x20 self.t = (self.t or 0) + dt\n\
         \x20 if FIRST then FIRST = false print('run v' .. VERSION) end\n\
         end\n"
    );
    // A realistic body: a few dozen helper functions the chunk compiles every time.
    for f in 0..40 {
        text.push_str(&format!(
            "local function helper{f}(a, b)\n  local s = 0\n  for i = 1, a do s = s + i * b end\n  return s + {version}\nend\n"
        ));
    }
    text
}

/// A plain save (truncate and write) or an atomic one (write a temporary file, rename it over).
fn save(root: &std::path::Path, version: usize, atomic: bool) {
    let path = root.join(TARGET);
    if atomic {
        let tmp = root.join("scripts/.s0.lua.tmp");
        fs::write(&tmp, script(0, version)).expect("write tmp");
        fs::rename(&tmp, &path).expect("rename");
    } else {
        fs::write(&path, script(0, version)).expect("write");
    }
}

/// One way of reading a [`Sample`].
type Measure = fn(&Sample) -> f64;

struct Sample {
    atomic: bool,
    event_ms: f64,
    swapped_ms: f64,
    first_run_ms: f64,
}

fn version_in(message: &str, prefix: &str) -> Option<usize> {
    message.strip_prefix(prefix).and_then(|v| v.parse().ok())
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and only wants
    // to know that the bench builds and starts.
    let quick = !std::env::args().any(|a| a == "--bench");
    let saves = if quick { 4 } else { SAVES };

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    fs::create_dir_all(root.join("scripts")).expect("mkdir");
    let mut entities = Vec::with_capacity(SCRIPTS);
    for i in 0..SCRIPTS {
        fs::write(root.join(format!("scripts/s{i}.lua")), script(i, 0)).expect("write");
        entities.push(format!(r#"{{"scripts": ["scripts/s{i}.lua"]}}"#));
    }
    fs::write(
        root.join("scene.json"),
        format!(r#"{{"entities": [{}]}}"#, entities.join(",")),
    )
    .expect("scene");

    let mut rt = Runtime::new(&root, Config::default(), Registry::new()).expect("runtime");
    let api = serde_json::to_value(rt.api()).expect("api");
    let host = DevHost::start(&root, api, DevOptions::default()).expect("dev host");
    let load_start = Instant::now();
    rt.load_scene(&Scene::load(&root).expect("scene"))
        .expect("load");
    eprintln!(
        "loaded {SCRIPTS} scripts in {:.0} ms",
        load_start.elapsed().as_secs_f64() * 1000.0
    );
    rt.frame(1.0 / 60.0);
    rt.drain_events();

    // The editor: saves at a random phase relative to the frames, waiting for each version
    // to run before the next save.
    let (wrote_tx, wrote_rx) = mpsc::channel::<(usize, bool, Instant)>();
    let (ran_tx, ran_rx) = mpsc::channel::<usize>();
    let editor_root = root.clone();
    let editor = std::thread::spawn(move || {
        let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
        for version in 1..=saves {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            std::thread::sleep(Duration::from_micros(20_000 + rng % 40_000));
            let atomic = version % 2 == 0;
            // Announce the write before making it, so the game never sees an unknown version.
            let written = Instant::now();
            if wrote_tx.send((version, atomic, written)).is_err() {
                return;
            }
            save(&editor_root, version, atomic);
            if ran_rx.recv_timeout(Duration::from_secs(5)) != Ok(version) {
                eprintln!("version {version} did not run within 5 s");
                return;
            }
        }
    });

    let mut samples = Vec::with_capacity(saves);
    // Versions written and not yet seen running: version -> (atomic, write started).
    let mut written: HashMap<usize, (bool, Instant)> = HashMap::new();
    // Versions swapped in: version -> (`reloaded` ms, when apply returned).
    let mut swapped: HashMap<usize, (f64, Instant)> = HashMap::new();
    let mut next_frame = Instant::now();
    let mut loaded = None;
    let mut frames = 0u64;
    let mut frame_ms_max = 0.0f64;
    while samples.len() < saves && !editor.is_finished() {
        // Idle until the next frame, applying saves as soon as they are seen (between frames).
        loop {
            for event in host.apply(&mut rt) {
                let applied_at = Instant::now();
                match event {
                    Event::Log { message, .. } => {
                        if let Some(v) = version_in(&message, "loaded v") {
                            loaded = Some(v);
                        }
                    }
                    Event::Reloaded { path, ms, .. } if path == TARGET => {
                        let version = loaded.take().expect("the top level ran before `reloaded`");
                        swapped.insert(version, (ms, applied_at));
                    }
                    Event::ReloadFailed { message, .. } => panic!("reload failed: {message}"),
                    _ => {}
                }
            }
            if !host.wait_until(next_frame) {
                break;
            }
        }
        next_frame += FRAME;
        let now = Instant::now();
        if next_frame < now {
            next_frame = now;
        }
        let frame_start = Instant::now();
        rt.frame(1.0 / 60.0);
        frames += 1;
        frame_ms_max = frame_ms_max.max(frame_start.elapsed().as_secs_f64() * 1000.0);
        let ran_at = Instant::now();
        for event in rt.drain_events() {
            let Event::Log { message, .. } = event else {
                continue;
            };
            let Some(version) = version_in(&message, "run v") else {
                continue;
            };
            written.extend(wrote_rx.try_iter().map(|(v, atomic, at)| (v, (atomic, at))));
            let (atomic, written_at) = written
                .remove(&version)
                .unwrap_or_else(|| panic!("version {version} ran before it was written"));
            let (event_ms, swapped_at) = swapped
                .remove(&version)
                .unwrap_or_else(|| panic!("version {version} ran without a reloaded event"));
            samples.push(Sample {
                atomic,
                event_ms,
                swapped_ms: (swapped_at - written_at).as_secs_f64() * 1000.0,
                first_run_ms: (ran_at - written_at).as_secs_f64() * 1000.0,
            });
            let _ = ran_tx.send(version);
        }
    }
    let _ = editor.join();
    assert_eq!(samples.len(), saves, "every save ran");

    println!(
        "hot reload latency: {SCRIPTS} scripts, {saves} saves, 60 fps real time, {frames} frames, \
         slowest frame {frame_ms_max:.2} ms"
    );
    println!("| saves | measure | median ms | p99 ms | max ms |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for (label, filter) in [
        ("all", None),
        ("plain", Some(false)),
        ("atomic", Some(true)),
    ] {
        let chosen: Vec<&Sample> = samples
            .iter()
            .filter(|s| filter.is_none_or(|atomic| s.atomic == atomic))
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let measures: [(&str, Measure); 3] = [
            ("`reloaded` ms (save seen -> code swapped)", |s| s.event_ms),
            ("external: write -> code swapped", |s| s.swapped_ms),
            ("external: write -> first update ran", |s| s.first_run_ms),
        ];
        for (name, measure) in measures {
            let mut values: Vec<f64> = chosen.iter().map(|s| measure(s)).collect();
            let median = percentile(&mut values, 0.5);
            let p99 = percentile(&mut values, 0.99);
            let max = percentile(&mut values, 1.0);
            println!(
                "| {label} ({}) | {name} | {median:.2} | {p99:.2} | {max:.2} |",
                chosen.len()
            );
        }
    }
    drop(host);
    rt.shutdown();
}
