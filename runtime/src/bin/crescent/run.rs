//! `crescent run`: load a project and run it, for N fixed frames or in real time until Ctrl-C.

use crate::console::Console;
use crate::diagnostic::{display_path, render};
use crate::embedded;
use anyhow::Result;
use clap::{Args, ValueEnum};
use crescent_runtime::{
    Config, DevHost, DevOptions, Error, Event, InputTrack, Registry, Report, Runtime, Scene,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The fixed time step of `--frames` runs and the frame rate of real-time runs.
const FRAME_DT: f64 = 1.0 / 60.0;
/// Longest step a real-time frame takes, so a stall (a debugger, a suspended terminal) does
/// not turn into one huge jump.
const MAX_DT: f64 = 0.25;

/// Options of `crescent run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Project folder (the one holding scene.json); without it, the built-in demo.
    pub dir: Option<PathBuf>,
    /// Run exactly N frames with a fixed step of 1/60 s, as fast as possible (deterministic).
    #[arg(long, value_name = "N")]
    pub frames: Option<u64>,
    /// Print a report of every script instance at the end.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,
    /// Print the world hash (hex) on standard output at the end.
    #[arg(long)]
    pub hash: bool,
    /// Write every event (logs, errors, reloads) as one JSON object per line on standard output.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub events: Option<EventsFormat>,
    /// Reload scripts when their files change, and open the dev channel for tools (the
    /// language server) described in .crescent/session.json.
    #[arg(long)]
    pub watch: bool,
    /// The same as --watch.
    #[arg(long)]
    pub dev: bool,
    /// Write a Chrome trace-event file (open it in ui.perfetto.dev or chrome://tracing): a
    /// slice per frame, per phase and per script callback, logs, errors and reloads as instants.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Replay input from FILE: a JSON array of steps such as
    /// `{"frame": 30, "press": ["jump"], "release": [], "axes": {"move_x": 1}, "pointer": [120, 80]}`,
    /// each applied before its frame (0 is the first). The same track gives the same world hash.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// With --watch: wait for a debugger (`crescent dap`) to attach and set its breakpoints
    /// before loading the scene, so a breakpoint in a script's top level or `init` is hit.
    #[arg(long)]
    pub wait_for_debugger: bool,
}

/// Formats of `--report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// `{"frames", "entities", "world_hash", "scripts": [...]}`.
    Json,
    /// A table for people.
    Text,
}

/// Formats of `--events`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventsFormat {
    /// One JSON object per line, as on the dev channel.
    Json,
}

/// Runs the project and prints what was asked; exit status 1 when it cannot start.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let root = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            let root = embedded::extract_demo()?;
            eprintln!("running the built-in demo from {}", root.display());
            root
        }
    };
    let watch = args.watch || args.dev || args.wait_for_debugger;
    let track = match &args.input {
        Some(path) => match InputTrack::load(path) {
            Ok(track) => track,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => InputTrack::default(),
    };
    // Set by Ctrl-C; a game stopped in the debugger reads it too, and lets the debugger go.
    let stop = Arc::new(AtomicBool::new(false));
    let (mut runtime, dev) = match start(&root, watch, args.wait_for_debugger, &stop) {
        Ok(started) => started,
        Err(text) => {
            eprintln!("{text}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Err(e) = runtime.write_api_json() {
        tracing::warn!("cannot write .crescent/api.json: {e}");
    }

    let mut console = Console::new(&root, args.events.is_some());
    let mut trace = args.trace.as_ref().map(|_| {
        runtime.set_tracing(true);
        crescent_runtime::TraceWriter::default()
    });
    let started = Instant::now();
    match args.frames {
        Some(n) => {
            for frame in 0..n {
                if let Some(dev) = &dev {
                    let events = dev.apply(&mut runtime);
                    show(&events, &mut console, Some(dev));
                }
                track.apply(frame, runtime.input_mut());
                runtime.frame(FRAME_DT);
                let events = pump(&mut runtime, &mut console, dev.as_ref());
                if let Some(t) = trace.as_mut() {
                    t.add(runtime.take_trace(), &events, runtime.lua().used_memory());
                }
            }
        }
        None => real_time(
            &mut runtime,
            &mut console,
            dev.as_ref(),
            &track,
            trace.as_mut(),
            stop,
        ),
    }
    if let (Some(t), Some(path)) = (&trace, &args.trace) {
        if let Err(e) = t.write(path) {
            eprintln!("error: cannot write the trace {}: {e}", path.display());
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("trace written to {}", path.display());
    }
    let wall = started.elapsed();

    // The report and hash describe the world as the last frame left it, before `destroy`.
    let report = runtime.report();
    let stats = runtime.stats();
    runtime.shutdown();
    let events = runtime.drain_events();
    show(&events, &mut console, dev.as_ref());
    // Stop watching and close the dev channel (removing .crescent/session.json).
    drop(dev);
    console.finish();
    console.line(&format!(
        "done: {} frames in {:.2} s, {} entities, {} scripts, {} faulted, {} errors",
        report.frames,
        wall.as_secs_f64(),
        report.entities,
        stats.scripts,
        report
            .scripts
            .iter()
            .filter(|s| s.status == "faulted")
            .count(),
        console.errors,
    ));

    let mut out = std::io::stdout().lock();
    match args.report {
        Some(ReportFormat::Json) => {
            let json = serde_json::to_string_pretty(&report)?;
            let _ = writeln!(out, "{json}");
        }
        Some(ReportFormat::Text) => {
            let _ = write!(out, "{}", report_text(&report));
        }
        None => {}
    }
    if args.hash {
        let _ = writeln!(out, "{}", report.world_hash);
    }
    let _ = out.flush();
    Ok(ExitCode::SUCCESS)
}

/// Builds the world: the scene is validated, then every script compiles and runs its top level.
/// The error text is ready to print (compiler style, with the source line).
///
/// With `watch`, the project watcher and the dev channel start before the scripts load, so no
/// save falls between loading a script and watching it.
///
/// The dev channel's debugger link is attached to the runtime, so `crescent dap` can attach at
/// any time; with `wait_for_debugger` the scene loads once a debugger has said `ready`.
fn start(
    root: &Path,
    watch: bool,
    wait_for_debugger: bool,
    stop: &Arc<AtomicBool>,
) -> std::result::Result<(Runtime, Option<DevHost>), String> {
    if !root.is_dir() {
        return Err(format!("error: {} is not a folder", root.display()));
    }
    let scene = Scene::load_all(root).map_err(|errors| {
        errors
            .iter()
            .map(|e| crate::diagnostic::render_scene_error(root, e))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let mut runtime =
        Runtime::new(root, Config::default(), Registry::new()).map_err(|e| describe(root, &e))?;
    let dev = if watch {
        let api = serde_json::to_value(runtime.api()).map_err(|e| format!("error: {e}"))?;
        let host = DevHost::start(root, api, DevOptions::default())
            .map_err(|e| format!("error: cannot start watching {}: {e}", root.display()))?;
        if let Some(channel) = host.channel() {
            eprintln!(
                "watching {} for changes; dev channel on 127.0.0.1:{} (.crescent/session.json)",
                root.display(),
                channel.port()
            );
            if let Some(link) = channel.debug_link() {
                runtime
                    .attach_debugger(link.quit_when(stop.clone()))
                    .map_err(|e| format!("error: cannot set up the debugger: {e}"))?;
            }
        }
        if wait_for_debugger {
            eprintln!("waiting for a debugger to attach (crescent dap)");
            while !runtime.debugger_ready() {
                host.wait_until(Instant::now() + Duration::from_millis(100));
                runtime.debug_service();
            }
        }
        Some(host)
    } else {
        None
    };
    runtime.load_scene(&scene).map_err(|e| describe(root, &e))?;
    Ok((runtime, dev))
}

fn describe(root: &Path, e: &Error) -> String {
    match e {
        Error::Script {
            path,
            line,
            column,
            message,
        } => {
            let source = std::fs::read(root.join(path))
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let shown = display_path(root, path);
            render(&shown, *line, *column, message, source.as_deref())
        }
        other => format!("error: {other}"),
    }
}

fn pump(runtime: &mut Runtime, console: &mut Console, dev: Option<&DevHost>) -> Vec<Event> {
    let events = runtime.drain_events();
    show(&events, console, dev);
    console.tick(&runtime.stats());
    if let Some(dev) = dev {
        dev.after_frame(runtime, &events);
    }
    events
}

/// Shows events on the console and sends them to the tools on the dev channel.
fn show(events: &[crescent_runtime::Event], console: &mut Console, dev: Option<&DevHost>) {
    for event in events {
        console.event(event);
        if let Some(dev) = dev {
            dev.publish(event);
        }
    }
}

/// Runs at 60 frames per second of wall time until Ctrl-C.
fn real_time(
    runtime: &mut Runtime,
    console: &mut Console,
    dev: Option<&DevHost>,
    track: &InputTrack,
    mut trace: Option<&mut crescent_runtime::TraceWriter>,
    stop: Arc<AtomicBool>,
) {
    let flag = Arc::clone(&stop);
    let handler = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            // A second Ctrl-C means the game is stuck somewhere: leave at once.
            std::process::exit(130);
        }
    });
    if let Err(e) = handler {
        tracing::warn!("cannot handle Ctrl-C ({e}); stop the game with a signal");
    }
    console.line("running in real time; press Ctrl-C to stop");
    let period = Duration::from_secs_f64(FRAME_DT);
    let mut last = Instant::now();
    let mut next = last;
    let mut first = true;
    let mut frame = 0;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        // Time the game spent stopped in a debugger is not game time.
        let stopped = runtime.take_stopped_time();
        let dt = if first {
            FRAME_DT
        } else {
            now.duration_since(last)
                .saturating_sub(stopped)
                .as_secs_f64()
                .clamp(0.0, MAX_DT)
        };
        first = false;
        last = now;
        track.apply(frame, runtime.input_mut());
        frame += 1;
        runtime.frame(dt);
        let events = pump(runtime, console, dev);
        if let Some(t) = trace.as_deref_mut() {
            t.add(runtime.take_trace(), &events, runtime.lua().used_memory());
        }
        next += period;
        let now = Instant::now();
        if let Some(dev) = dev {
            // Sleep until the next frame, applying saves as soon as they are seen: the next
            // frame runs the new code.
            let events = dev.idle_until(runtime, next.max(now));
            show(&events, console, Some(dev));
        } else if next > now {
            std::thread::sleep(next - now);
        }
        let now = Instant::now();
        if now > next && now - next > period * 4 {
            // Far behind (a slow frame): start counting again rather than rushing to catch up.
            next = now;
        }
    }
}

/// The profile part of `--report text`: time in callbacks per script, slowest first, and
/// the memory they allocate.
fn profile_text(out: &mut String, report: &Report, width: usize) {
    use std::fmt::Write as _;
    let mut by: std::collections::BTreeMap<&str, (usize, u64, f64, f64)> = Default::default();
    for s in &report.scripts {
        let row = by.entry(s.path.as_str()).or_default();
        row.0 += 1;
        row.1 += s.calls.values().sum::<u64>();
        row.2 += s.time_ms;
        row.3 += s.alloc_kib;
    }
    let total: f64 = by.values().map(|r| r.2).sum();
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1 .2.total_cmp(&a.1 .2).then(a.0.cmp(b.0)));
    let _ = writeln!(
        out,
        // Fits 80 columns, as the table below does for paths of up to 25 characters.
        "\nprofile (time in callbacks, memory allocated; updates sampled 1 frame in 16)"
    );
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>7}  {:>9}  {:>8}  {:>6}  {:>9}",
        "script", "inst.", "calls", "total ms", "ms/frame", "share", "KiB/frame"
    );
    let frames = report.frames.max(1) as f64;
    for (path, (instances, calls, ms, kib)) in rows {
        let share = if total > 0.0 { ms / total * 100.0 } else { 0.0 };
        let _ = writeln!(
            out,
            "{path:<width$}  {instances:>5}  {calls:>7}  {ms:>9.3}  {:>8.4}  {share:>5.1}%  {:>9.2}",
            ms / frames,
            kib / frames
        );
    }
}

/// The `--report text` table.
fn report_text(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "frames {}  entities {}  world hash {}",
        report.frames, report.entities, report.world_hash
    );
    let phases = [
        "init",
        "update",
        "fixed_update",
        "on_event",
        "on_reload",
        "destroy",
    ];
    let width = report
        .scripts
        .iter()
        .map(|s| s.path.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = write!(
        out,
        "{:<width$}  {:>6}  {:<9}",
        "script", "entity", "status"
    );
    for p in phases {
        let _ = write!(out, "  {p:>w$}", w = p.len().max(6));
    }
    let _ = writeln!(out, "  {:>6}  {:>9}", "errors", "time ms");
    for s in &report.scripts {
        // Entity 0 is the row that sums a script's despawned instances without errors.
        let entity = match s.entity {
            0 => "-".to_string(),
            id => id.to_string(),
        };
        let _ = write!(out, "{:<width$}  {:>6}  {:<9}", s.path, entity, s.status);
        for p in phases {
            let n = s.calls.get(p).copied().unwrap_or(0);
            let _ = write!(out, "  {n:>w$}", w = p.len().max(6));
        }
        let _ = writeln!(out, "  {:>6}  {:>9.3}", s.errors.len(), s.time_ms);
    }
    profile_text(&mut out, report, width);
    for s in report.scripts.iter().filter(|s| !s.errors.is_empty()) {
        for e in &s.errors {
            let at = if e.path.is_empty() { &s.path } else { &e.path };
            let _ = writeln!(
                out,
                "\n{at}:{}: {} (in `{}` of {} on entity {})",
                e.line, e.message, e.phase, s.path, s.entity
            );
            if e.frames.len() > 1 {
                for f in &e.frames {
                    let _ = writeln!(out, "    {}", f.text());
                }
            }
        }
    }
    out
}
