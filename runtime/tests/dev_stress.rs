//! Hot reload under stress: 1,000 saves in 10 seconds (a third with syntax errors, some written
//! slowly in pieces, every save style) while the game runs at 60 fps with the real watcher.
//! It must end with the last good version of every script running, every instance's state
//! intact, no version applied twice, and memory back to where it started.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crescent_runtime::{Config, DevHost, DevOptions, Event, Registry, Runtime, Scene};

const SCRIPTS: usize = 20;
const SAVES: usize = 1000;
const SAVING_FOR: Duration = Duration::from_secs(10);
const FRAME: Duration = Duration::from_micros(16_667);

fn good_source(script: usize, version: usize) -> String {
    // The padding comes first, so a read that catches a slow write half done ends inside the
    // code and fails to compile, instead of being a shorter valid script.
    format!(
        "-- scripts/s{script}.lua version {version}, padding: {}\n\
         VERSION = {version}\n\
         function update(self)\n\
         \x20 self.n = (self.n or 0) + 1\n\
         \x20 if time.frame % 30 == 0 then print('tick s{script} v' .. VERSION .. ' n' .. self.n .. ' f' .. time.frame) end\n\
         end\n\
         function on_reload(self) print('reload s{script} v' .. VERSION) end\n",
        "x".repeat(400)
    )
}

fn broken(script: usize, version: usize) -> String {
    format!(
        "-- scripts/s{script}.lua version {version} (broken)\n\
         VERSION = {version}\n\
         function update(self)\n\
         \x20 self.n = = self.n + 1\n\
         end\n"
    )
}

enum Style {
    InPlace,
    Atomic,
    BackupThenWrite,
    /// One handle, written in two halves with a pause: the watcher must wait for the close.
    SlowInPlace,
}

fn save(path: &Path, text: &str, style: &Style) {
    match style {
        Style::InPlace => fs::write(path, text).expect("write"),
        Style::Atomic => {
            let tmp = path.with_extension("lua.tmp");
            fs::write(&tmp, text).expect("write tmp");
            fs::rename(&tmp, path).expect("rename");
        }
        Style::BackupThenWrite => {
            let backup = path.with_extension("lua~");
            fs::rename(path, &backup).expect("backup");
            fs::write(path, text).expect("write");
            fs::remove_file(&backup).expect("remove backup");
        }
        Style::SlowInPlace => {
            let mut file = fs::File::create(path).expect("create");
            let (head, tail) = text.split_at(text.len() - 30);
            file.write_all(head.as_bytes()).expect("write");
            file.flush().expect("flush");
            std::thread::sleep(Duration::from_millis(3));
            file.write_all(tail.as_bytes()).expect("write");
        }
    }
}

/// One save the editor made.
struct Save {
    version: usize,
    good: bool,
    started: Instant,
    finished: Instant,
}

/// How long a version must stay on disk before the next save of the same file for the game to
/// be sure to see it. A save overwritten sooner may be read only in its successor's bytes (the
/// watcher reads a file when the write that closed it is reported, and by then the next write
/// may have replaced it): nothing can run what no one could read.
const STOOD: Duration = Duration::from_millis(50);

/// Saves 1,000 times over 10 seconds; returns every save of each script, in order.
fn editor(root: PathBuf) -> HashMap<usize, Vec<Save>> {
    let mut saves: HashMap<usize, Vec<Save>> = (0..SCRIPTS).map(|s| (s, Vec::new())).collect();
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let start = Instant::now();
    for version in 1..=SAVES {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let script = (rng % SCRIPTS as u64) as usize;
        let style = match version % 4 {
            0 => Style::InPlace,
            1 => Style::Atomic,
            2 => Style::BackupThenWrite,
            _ => Style::SlowInPlace,
        };
        let path = root.join(format!("scripts/s{script}.lua"));
        let good = version % 3 != 0;
        let started = Instant::now();
        if good {
            save(&path, &good_source(script, version), &style);
        } else {
            save(&path, &broken(script, version), &style);
        }
        saves.entry(script).or_default().push(Save {
            version,
            good,
            started,
            finished: Instant::now(),
        });
        let due = start + SAVING_FOR * version as u32 / SAVES as u32;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
    }
    saves
}

/// The versions of one script the game may rightly end on: its last good version, or an
/// earlier good one back to the last good version that stood on disk for [`STOOD`] (0, the
/// first version, when none did). Anything older means a reload was lost.
fn acceptable_versions(saves: &[Save]) -> Vec<usize> {
    let stood = |i: usize| {
        saves
            .get(i + 1)
            .is_none_or(|next| next.started.duration_since(saves[i].finished) >= STOOD)
    };
    let settled = (0..saves.len())
        .rev()
        .find(|&i| saves[i].good && stood(i))
        .map(|i| saves[i].version)
        .unwrap_or(0);
    let mut versions: Vec<usize> = saves
        .iter()
        .filter(|s| s.good && s.version >= settled)
        .map(|s| s.version)
        .collect();
    if settled == 0 {
        versions.insert(0, 0);
    }
    versions
}

fn lua_memory(rt: &Runtime) -> usize {
    let _ = rt.lua().gc_collect();
    let _ = rt.lua().gc_collect();
    rt.lua().used_memory()
}

fn field(message: &str, prefix: char) -> u64 {
    message
        .split(' ')
        .find_map(|word| word.strip_prefix(prefix).and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| panic!("no {prefix} in {message}"))
}

#[test]
fn a_thousand_saves_in_ten_seconds() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("scripts")).expect("mkdir");
    let mut entities = Vec::new();
    for script in 0..SCRIPTS {
        fs::write(
            dir.path().join(format!("scripts/s{script}.lua")),
            good_source(script, 0),
        )
        .expect("write");
        // Two instances per script: state is per instance.
        for _ in 0..2 {
            entities.push(format!(r#"{{"scripts": ["scripts/s{script}.lua"]}}"#));
        }
    }
    fs::write(
        dir.path().join("scene.json"),
        format!(r#"{{"entities": [{}]}}"#, entities.join(",")),
    )
    .expect("scene");
    let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let api = serde_json::to_value(rt.api()).expect("api");
    let host = DevHost::start(dir.path(), api, DevOptions::default()).expect("dev host");
    rt.load_scene(&Scene::load(dir.path()).expect("scene"))
        .expect("load");
    for _ in 0..30 {
        rt.frame(1.0 / 60.0);
    }
    rt.drain_events();
    let memory_at_start = lua_memory(&rt);

    let root = dir.path().to_path_buf();
    let editor = std::thread::spawn(move || editor(root));
    let mut events: Vec<Event> = Vec::new();
    let mut next_frame = Instant::now();
    let mut settle_until: Option<Instant> = None;
    loop {
        events.extend(host.apply(&mut rt));
        rt.frame(1.0 / 60.0);
        events.extend(rt.drain_events());
        if settle_until.is_none() && editor.is_finished() {
            // Let the last saves' events arrive and be applied, then a few ticks.
            settle_until = Some(Instant::now() + Duration::from_secs(2));
        }
        if settle_until.is_some_and(|t| Instant::now() > t) {
            break;
        }
        next_frame += FRAME;
        std::thread::sleep(next_frame.saturating_duration_since(Instant::now()));
    }
    let saves = editor.join().expect("editor thread");

    let logs: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Log { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    let errors: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::ScriptError { .. }))
        .collect();
    assert!(errors.is_empty(), "no instance faulted: {errors:?}");
    let failed = events
        .iter()
        .filter(|e| matches!(e, Event::ReloadFailed { .. }))
        .count();
    assert!(failed > 0, "broken saves are reported");

    // The last good version runs, in both instances of every script (or, where it was
    // overwritten too soon to be read, the last good version the game could see).
    let mut latest_tick: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for message in &logs {
        if let Some(rest) = message.strip_prefix("tick ") {
            let script = rest.split(' ').next().unwrap_or_default().to_string();
            let ticks = latest_tick.entry(script).or_default();
            if ticks.len() == 2 && field(ticks[0], 'f') != field(message, 'f') {
                ticks.clear();
            }
            ticks.push(message);
        }
    }
    for script in 0..SCRIPTS {
        let ticks = &latest_tick[&format!("s{script}")];
        let acceptable = acceptable_versions(&saves[&script]);
        if ticks
            .iter()
            .any(|t| !acceptable.contains(&(field(t, 'v') as usize)))
        {
            let name = format!("scripts/s{script}.lua");
            let related: Vec<String> = events
                .iter()
                .filter(|e| {
                    format!("{e:?}").contains(&name)
                        || format!("{e:?}").contains(&format!("s{script} "))
                })
                .map(|e| format!("{e:?}").chars().take(160).collect())
                .collect();
            eprintln!(
                "last events of {name}: {:#?}",
                &related[related.len().saturating_sub(12)..]
            );
            eprintln!(
                "DEBUG file: {}",
                fs::read_to_string(dir.path().join(&name))
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            );
        }
        assert_eq!(ticks.len(), 2, "both instances of s{script} tick");
        for tick in ticks {
            assert!(
                acceptable.contains(&(field(tick, 'v') as usize)),
                "s{script} runs its last good version (one of {acceptable:?}): {tick}"
            );
        }
    }

    // State intact: every update of every instance counted, across every reload.
    let frames = rt.stats().frames;
    let mut offset = None;
    for message in logs.iter().filter(|m| m.starts_with("tick ")) {
        let frames_minus_updates = field(message, 'f') as i64 - field(message, 'n') as i64;
        assert_eq!(
            *offset.get_or_insert(frames_minus_updates),
            frames_minus_updates,
            "self.n counts every frame of every instance: {message}"
        );
    }
    assert!(
        frames > 30 + 60 * 10,
        "the game ran in real time: {frames} frames"
    );

    // No version applied twice: each good version's on_reload ran once per instance at most.
    let mut applied: HashMap<&str, usize> = HashMap::new();
    for message in logs.iter().filter(|m| m.starts_with("reload ")) {
        *applied.entry(message).or_default() += 1;
    }
    for (reload, count) in &applied {
        assert!(
            *count <= 2,
            "{reload} applied {count} times for 2 instances"
        );
    }
    let reloaded = events
        .iter()
        .filter(|e| matches!(e, Event::Reloaded { .. }))
        .count();
    assert_eq!(
        reloaded,
        applied.len(),
        "one reloaded event per version applied"
    );

    // Memory back to where it started (old closures and chunks collected).
    let memory_at_end = lua_memory(&rt);
    assert!(
        memory_at_end < memory_at_start + memory_at_start / 4,
        "Lua memory {memory_at_start} -> {memory_at_end}"
    );
    drop(host);
    rt.shutdown();
}

#[test]
fn a_good_save_overwritten_at_once_may_be_skipped_but_no_older_one() {
    let t0 = Instant::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let save = |version, good, from, to| Save {
        version,
        good,
        started: at(from),
        finished: at(to),
    };
    // v2 stood 4 ms before v3 replaced it: v1 (which stood) or v2 may be running.
    let saves = [
        save(1, true, 0, 1),
        save(2, true, 100, 101),
        save(3, false, 105, 106),
    ];
    assert_eq!(acceptable_versions(&saves), vec![1, 2]);
    // v2 stood long enough: only v2.
    let saves = [
        save(1, true, 0, 1),
        save(2, true, 100, 101),
        save(3, false, 300, 301),
    ];
    assert_eq!(acceptable_versions(&saves), vec![2]);
    // The last save good: it is the one.
    let saves = [save(1, false, 0, 1), save(2, true, 3, 4)];
    assert_eq!(acceptable_versions(&saves), vec![2]);
    // Nothing good stood: the first version, or any good one since.
    let saves = [save(1, true, 0, 1), save(2, false, 3, 4)];
    assert_eq!(acceptable_versions(&saves), vec![0, 1]);
}
