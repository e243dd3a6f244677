//! Engine benchmarks against honest baselines, all run in this process and this run:
//!
//! - (a) the floor: the same logic in plain Lua on plain tables, written in place with no
//!   allocation, in a fresh Lua state (the cheapest way the interpreter can do the work);
//! - (b) the same logic on `vec3` values, in the runtime's own Lua state;
//! - (c) a native hecs loop.
//!
//! Ratios are quoted against (a). Times are medians of the thread's CPU time (the machine is
//! shared, so wall time is noisy); criterion's own report is printed too. A last group measures
//! the cost of single operations for `docs/performance.md`.
//!
//! `cargo bench -p crescent-runtime --bench engine -- --noplot`; a filter that matches no
//! criterion group (`-- --noplot zzz`) skips criterion's own runs, and the medians still print.

#[path = "common/movers.rs"]
mod movers;

use crescent_runtime::api::dev::{BreakpointSpec, DebugRequest};
use crescent_runtime::{Config, DebugIncoming, DebugLink, Registry, Runtime, Scene};
use criterion::{criterion_group, criterion_main, Criterion};
use movers::{MOVE_FAST, MOVE_GET_SET};
use std::path::Path;
use std::time::Duration;

const N: usize = 10_000;
const DT: f64 = 1.0 / 60.0;
/// 5% of a 60 fps frame, the scripting budget the headline figure is measured against.
const BUDGET_NS: f64 = 0.05 / 60.0 * 1e9;

const COUNT: &str =
    "function init(self) self.n = 0 end\nfunction update(self, dt) self.n = self.n + 1 end\n";

const FLOOR_COUNT: &str = "self.n = self.n + 1";
const FLOOR_MOVE: &str = "local p, v = self.pos, self.vel\n  p.x = p.x + v.x * dt\n  p.y = p.y + v.y * dt\n  p.z = p.z + v.z * dt";
const VEC_MOVE_IN_PLACE: &str = "self.pos:add_scaled(self.vel, dt)";
const VEC_MOVE_ALLOC: &str = "self.pos = self.pos + self.vel * dt";

fn project(script: &str, n: usize, transform: bool) -> tempfile::TempDir {
    project_with_extra(script, n, transform, 0)
}

/// `n` entities with the script, then `extra` entities with only a Transform and a name.
fn project_with_extra(script: &str, n: usize, transform: bool, extra: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("scripts")).expect("scripts/");
    std::fs::write(dir.path().join("scripts/s.lua"), script).expect("script");
    let entity = if transform {
        r#"{"components": {"Transform": {"position": [0, 0, 0]}}, "scripts": ["scripts/s.lua"]}"#
    } else {
        r#"{"scripts": ["scripts/s.lua"]}"#
    };
    // The extra entities are named `n1`, `n2`, ... (for `world.find`).
    let mut entities = vec![entity.to_string(); n];
    entities.extend((1..=extra).map(|i| {
        format!(r#"{{"name": "n{i}", "components": {{"Transform": {{"position": [0, 0, 0]}}}}}}"#)
    }));
    let scene = format!(r#"{{"entities": [{}]}}"#, entities.join(","));
    std::fs::write(dir.path().join("scene.json"), scene).expect("scene");
    dir
}

fn runtime(dir: &Path, config: Config) -> Runtime {
    let mut rt = Runtime::new(dir, config, Registry::new()).expect("runtime");
    rt.load_scene(&Scene::load(dir).expect("scene"))
        .expect("load");
    rt.frame(DT); // runs the inits
    assert_eq!(rt.stats().faulted, 0, "a benchmark script faulted");
    rt
}

/// CPU time of the calling thread: robust against other processes sharing the cores.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Median thread CPU time of `f` over `runs` runs, after a warm-up.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..3 {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = thread_cpu();
            f();
            thread_cpu().saturating_sub(t)
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Median thread CPU time of each function over `runs` rounds, the functions taking turns in
/// every round, so a change in the machine's load between them moves them all alike.
fn medians(runs: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    for _ in 0..3 {
        for f in fs.iter_mut() {
            f();
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); fs.len()];
    for _ in 0..runs {
        for (f, t) in fs.iter_mut().zip(times.iter_mut()) {
            let start = thread_cpu();
            f();
            t.push(thread_cpu().saturating_sub(start));
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[runs / 2]
        })
        .collect()
}

fn per_entity(d: Duration) -> f64 {
    d.as_nanos() as f64 / N as f64
}

/// The objects every plain-Lua baseline updates: `n`, `pos` and `vel`, with `pos` and `vel`
/// made by `mk` (plain tables or vec3 values).
fn objects_lua(body: &str) -> String {
    format!(
        r#"
local mk = ...
local Obj = {{}}
Obj.__index = Obj
function Obj:update(dt)
  {body}
end
local objs = {{}}
for i = 1, {N} do
  objs[i] = setmetatable({{ n = 0, pos = mk(0, 0, 0), vel = mk(1, 2, 3) }}, Obj)
end
return function(dt)
  for i = 1, #objs do objs[i]:update(dt) end
end
"#
    )
}

/// (a) The floor: plain tables, updated in place, in a fresh Lua state.
fn floor(body: &str) -> (mlua::Lua, mlua::Function) {
    let lua = mlua::Lua::new();
    let mk = lua
        .load("return function(x, y, z) return { x = x, y = y, z = z } end")
        .eval::<mlua::Function>()
        .expect("mk");
    let f = lua
        .load(objects_lua(body))
        .set_name("=floor")
        .call::<mlua::Function>(mk)
        .expect("floor baseline");
    (lua, f)
}

/// (b) The same logic on vec3 values, in the runtime's own state.
fn with_vec3(rt: &Runtime, body: &str) -> mlua::Function {
    let vec3: mlua::Function = rt
        .lua()
        .named_registry_value("crescent.vec3")
        .expect("vec3");
    rt.lua()
        .load(objects_lua(body))
        .set_name("=vec3_values")
        .call::<mlua::Function>(vec3)
        .expect("vec3 baseline")
}

#[derive(Clone, Copy)]
struct Pos([f64; 3]);
#[derive(Clone, Copy)]
struct Vel([f64; 3]);

fn native_world() -> hecs::World {
    let mut world = hecs::World::new();
    for _ in 0..N {
        world.spawn((Pos([0.0; 3]), Vel([1.0, 2.0, 3.0]), 0u64));
    }
    world
}

fn native_move(world: &mut hecs::World) {
    for (p, v) in world.query_mut::<(&mut Pos, &Vel)>() {
        for i in 0..3 {
            p.0[i] += v.0[i] * DT;
        }
    }
}

fn native_count(world: &mut hecs::World) {
    for n in world.query_mut::<&mut u64>() {
        *n += 1;
    }
}

/// One scripted case and the baselines it is compared with.
struct Case {
    name: &'static str,
    script: &'static str,
    transform: bool,
    floor_body: &'static str,
    /// (b): labelled bodies run on vec3 values.
    vec_bodies: &'static [(&'static str, &'static str)],
    native: fn(&mut hecs::World),
    /// The target ratio to the floor.
    target: f64,
}

/// Runs a case: the scripted frame, the floor, the vec3-value baselines and native hecs;
/// prints the medians and the ratios to the floor, and returns the scripted ns per entity.
fn case(c: &mut Criterion, case: &Case) -> f64 {
    let name = case.name;
    // The floor's objects are made first, in memory no other state has used, so they lie one
    // entity after the other as in a fresh `lua5.4` process; made after the runtime's world,
    // they land in the holes its garbage left and the floor itself measured up to 2.5x slower.
    let (_floor_lua, floor_fn) = floor(case.floor_body);
    let dir = project(case.script, N, case.transform);
    let mut rt = runtime(dir.path(), Config::default());
    let vec_fns: Vec<(&str, mlua::Function)> = case
        .vec_bodies
        .iter()
        .map(|(label, body)| (*label, with_vec3(&rt, body)))
        .collect();
    let mut world = native_world();
    let native = case.native;

    let mut g = c.benchmark_group(name);
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("scripted", |b| b.iter(|| rt.frame(DT)));
    g.bench_function("floor", |b| {
        b.iter(|| floor_fn.call::<()>(DT).expect("floor"))
    });
    g.bench_function("native_hecs", |b| b.iter(|| native(&mut world)));
    g.finish();

    let mut scripted_frame = || rt.frame(DT);
    let mut floor_frame = || floor_fn.call::<()>(DT).expect("floor");
    let mut native_frame = || native(&mut world);
    let mut fs: Vec<&mut dyn FnMut()> =
        vec![&mut scripted_frame, &mut floor_frame, &mut native_frame];
    let mut vec_frames: Vec<_> = vec_fns
        .iter()
        .map(|(_, f)| move || f.call::<()>(DT).expect("vec3 baseline"))
        .collect();
    for f in vec_frames.iter_mut() {
        fs.push(f);
    }
    let m: Vec<f64> = medians(41, &mut fs).into_iter().map(per_entity).collect();
    let (scripted, fl, nat) = (m[0], m[1], m[2]);
    println!("{name}: scripted {scripted:.0} ns/entity, (a) floor {fl:.0} ns/entity, (c) native hecs {nat:.1} ns/entity");
    for ((label, _), v) in vec_fns.iter().zip(&m[3..]) {
        println!(
            "{name}: (b) vec3 values, {label}: {v:.0} ns/entity ({:.2}x the floor)",
            v / fl
        );
    }
    println!(
        "ratio {name}/floor = {:.2}x (target <= {}x); scripted/native = {:.0}x",
        scripted / fl,
        case.target,
        scripted / nat
    );
    scripted
}

fn bench_scripts(c: &mut Criterion) {
    case(
        c,
        &Case {
            name: "count_10k",
            script: COUNT,
            transform: false,
            floor_body: FLOOR_COUNT,
            vec_bodies: &[],
            native: native_count,
            target: 1.2,
        },
    );
    let fast = case(
        c,
        &Case {
            name: "move_fast_10k",
            script: MOVE_FAST,
            transform: true,
            floor_body: FLOOR_MOVE,
            vec_bodies: &[("in place (v:add_scaled)", VEC_MOVE_IN_PLACE)],
            native: native_move,
            target: 2.0,
        },
    );
    case(
        c,
        &Case {
            name: "move_get_set_10k",
            script: MOVE_GET_SET,
            transform: true,
            floor_body: FLOOR_MOVE,
            vec_bodies: &[("allocating (a + b * dt)", VEC_MOVE_ALLOC)],
            native: native_move,
            target: 6.0,
        },
    );
    println!(
        "headline: {:.0} scripted movers (fast idiom) fit in 5% of a 60 fps frame (target >= 4,000)",
        BUDGET_NS / fast
    );
}

const TIGHT: &str =
    "function update(self) local x = 0 for i = 1, 300000 do x = x + i % 7 end self.x = x end\n";

const TIGHT_LONG: &str =
    "function update(self) local x = 0 for i = 1, 3000000 do x = x + i % 7 end self.x = x end\n";

fn bench_guard(c: &mut Criterion) {
    let dir = project(TIGHT, 1, false);
    let mut guarded = runtime(dir.path(), Config::default());
    let mut bare = runtime(
        dir.path(),
        Config {
            budget: Duration::ZERO,
            ..Config::default()
        },
    );
    let mut g = c.benchmark_group("guard_tight_loop");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("with_watchdog", |b| b.iter(|| guarded.frame(DT)));
    g.bench_function("without_guard", |b| b.iter(|| bare.frame(DT)));
    g.finish();
    let m = medians(41, &mut [&mut || guarded.frame(DT), &mut || bare.frame(DT)]);
    let (with, without) = (m[0], m[1]);
    println!(
        "guard medians: with watchdog {:.3} ms, without guard {:.3} ms",
        with.as_secs_f64() * 1e3,
        without.as_secs_f64() * 1e3
    );
    println!(
        "ratio guard/unguarded = {:.3}x (cost {:+.1}%, target < 5%)",
        with.as_secs_f64() / without.as_secs_f64(),
        (with.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
    );
    // The hook once armed: a callback of about 30 ms with a budget of 1.5 times its length,
    // so the watchdog arms the hook after 0.75 of it and the rest runs hooked every 1000
    // instructions. The budget is set from the unguarded time measured first, since the same
    // loop takes 20 to 40 ms depending on the machine.
    let long = project(TIGHT_LONG, 1, false);
    let mut unarmed = runtime(
        long.path(),
        Config {
            budget: Duration::ZERO,
            ..Config::default()
        },
    );
    let u = median(11, || unarmed.frame(DT));
    let mut armed = runtime(
        long.path(),
        Config {
            budget: u.mul_f64(1.5),
            ..Config::default()
        },
    );
    let a = median(11, || armed.frame(DT));
    println!(
        "guard armed for the last third of a 30 ms callback: {:.2} ms vs {:.2} ms unguarded ({:+.1}%, {} faulted)",
        a.as_secs_f64() * 1e3,
        u.as_secs_f64() * 1e3,
        (a.as_secs_f64() / u.as_secs_f64() - 1.0) * 100.0,
        armed.stats().faulted
    );
}

/// A script that is never the one stopped in: its breakpoint sits in a branch that never runs,
/// so what the other scripts pay is only the hooking around this one's callbacks.
const TARGET: &str =
    "function update(self, dt)\n  if self.never then\n    self.hit = true\n  end\nend\n";

/// Attaches a debugger that answers nobody; with `breakpoint`, sets one in `scripts/t.lua`.
fn attach(rt: &mut Runtime, breakpoint: bool) -> std::sync::mpsc::Sender<DebugIncoming> {
    let (tx, rx) = std::sync::mpsc::channel();
    rt.attach_debugger(DebugLink::new(rx, |_, _| {}))
        .expect("attach");
    let request = |id, request| DebugIncoming::Request {
        client: 1,
        id,
        request,
    };
    let attach = DebugRequest::Attach {
        break_on_errors: true,
    };
    tx.send(request(1, attach)).expect("send");
    if breakpoint {
        let bp = DebugRequest::SetBreakpoints {
            path: "scripts/t.lua".into(),
            breakpoints: vec![BreakpointSpec {
                line: 3,
                ..BreakpointSpec::default()
            }],
        };
        tx.send(request(2, bp)).expect("send");
    }
    rt.debug_service();
    tx
}

/// The debugger's cost: attached with no breakpoint (target: within 2%), and with a
/// breakpoint in one other script (target: the 10,000 others pay at most 15%).
fn bench_debugger(_c: &mut Criterion) {
    for (name, script, transform) in [
        ("count_10k", COUNT, false),
        ("move_fast_10k", MOVE_FAST, true),
    ] {
        let dir = project(script, N, transform);
        std::fs::write(dir.path().join("scripts/t.lua"), TARGET).expect("script");
        let scene = std::fs::read_to_string(dir.path().join("scene.json")).expect("scene");
        let scene = scene.replacen(
            r#"{"entities": ["#,
            r#"{"entities": [{"scripts": ["scripts/t.lua"]},"#,
            1,
        );
        std::fs::write(dir.path().join("scene.json"), scene).expect("scene");
        let mut plain = runtime(dir.path(), Config::default());
        let mut attached = runtime(dir.path(), Config::default());
        let _a = attach(&mut attached, false);
        let mut with_bp = runtime(dir.path(), Config::default());
        let _b = attach(&mut with_bp, true);
        let m = medians(
            41,
            &mut [
                &mut || plain.frame(DT),
                &mut || attached.frame(DT),
                &mut || with_bp.frame(DT),
            ],
        );
        println!(
            "debugger {name}: none {:.1} ns, attached {:.1} ns ({:+.1}%, target within 2%), breakpoint in another script {:.1} ns ({:+.1}%, target <= 15%) per entity",
            per_entity(m[0]),
            per_entity(m[1]),
            (m[1].as_secs_f64() / m[0].as_secs_f64() - 1.0) * 100.0,
            per_entity(m[2]),
            (m[2].as_secs_f64() / m[0].as_secs_f64() - 1.0) * 100.0,
        );
    }
}

/// Frames of the demo per measured sample (its frames are tens of microseconds).
const TRACE_FRAMES: usize = 50;

/// The cost of tracing (`crescent run --trace`): the demo project run twice in the same
/// process, one runtime traced (every frame's slices handed to a `TraceWriter`, as the command
/// does), the other not, in turns.
fn bench_tracing(_c: &mut Criterion) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lua/examples/demo");
    let mut plain = runtime(&demo, Config::default());
    let mut traced = runtime(&demo, Config::default());
    traced.set_tracing(true);
    let mut writer = crescent_runtime::TraceWriter::default();
    // The collector's phase while tracing (`gc` slices), which automatic collection spreads
    // over the callbacks of the untraced run.
    let (mut gc_seconds, mut traced_frames) = (0.0, 0usize);
    let m = medians(
        41,
        &mut [
            &mut || {
                for _ in 0..TRACE_FRAMES {
                    plain.frame(DT);
                    plain.drain_events();
                }
            },
            &mut || {
                for _ in 0..TRACE_FRAMES {
                    traced.frame(DT);
                    let events = traced.drain_events();
                    let slices = traced.take_trace();
                    gc_seconds += slices
                        .iter()
                        .filter(|s| s.collected.is_some())
                        .map(|s| s.duration)
                        .sum::<f64>();
                    traced_frames += 1;
                    writer.add(slices, &events, 0);
                }
            },
        ],
    );
    let per_frame = |d: Duration| d.as_secs_f64() * 1e6 / TRACE_FRAMES as f64;
    println!(
        "tracing the demo: {:.1} us a frame untraced, {:.1} us traced ({:+.1}%, target < 15%), {} trace events; the traced frames' gc phase {:.2} us a frame",
        per_frame(m[0]),
        per_frame(m[1]),
        (m[1].as_secs_f64() / m[0].as_secs_f64() - 1.0) * 100.0,
        writer.len(),
        gc_seconds * 1e6 / traced_frames.max(1) as f64,
    );
}

fn memory_per_instance(n: usize) -> f64 {
    let dir = project(COUNT, n, false);
    let mut rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let scene = Scene::load(dir.path()).expect("scene");
    // Load the script once so its compiled chunk is not counted per instance.
    rt.lua().gc_collect().expect("gc");
    rt.lua().gc_collect().expect("gc");
    let before = rt.lua().used_memory();
    rt.load_scene(&scene).expect("load");
    rt.frame(DT);
    rt.lua().gc_collect().expect("gc");
    rt.lua().gc_collect().expect("gc");
    let after = rt.lua().used_memory();
    (after.saturating_sub(before)) as f64 / n as f64
}

fn bench_memory(_c: &mut Criterion) {
    let small = memory_per_instance(10_000);
    let large = memory_per_instance(100_000);
    println!("memory per instance: {small:.0} B at 10,000, {large:.0} B at 100,000 (target < 2048 B, linear)");
}

/// Operations repeated this many times inside one callback, for the per-operation costs.
const K: usize = 10_000;

/// One operation of the cost table: setup at the top level and in `init`, the operation in a
/// loop in `update`, and how many entities the scene has.
struct Op {
    name: &'static str,
    init: &'static str,
    op: &'static str,
    /// Entities with only a Transform besides the scripted one.
    extra: usize,
    /// How many times the operation runs per frame (K, or N for a query over N entities).
    count: usize,
}

const OPS: &[Op] = &[
    Op {
        name: "empty loop iteration (subtracted from the rest)",
        init: "",
        op: "",
        extra: 0,
        count: K,
    },
    Op {
        name: "read a field of self",
        init: "self.v = 1",
        op: "local x = self.v",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:get(\"Transform\")",
        init: "",
        op: "local t = e:get(\"Transform\")",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:set(\"Transform\", t)",
        init: "self.t = e:get(\"Transform\")",
        op: "e:set(\"Transform\", t)",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:position()",
        init: "",
        op: "local p = e:position()",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:translate(v, dt)",
        init: "",
        op: "e:translate(v, 0.01)",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:set_position(v)",
        init: "",
        op: "e:set_position(v)",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:get(\"Health\") (script component, a table)",
        init: "e:set(\"Health\", { hp = 10, max = 10 })",
        op: "local h = e:get(\"Health\")",
        extra: 0,
        count: K,
    },
    Op {
        name: "e:set(\"Health\", h)",
        init: "e:set(\"Health\", { hp = 10, max = 10 })",
        op: "e:set(\"Health\", h)",
        extra: 0,
        count: K,
    },
    Op {
        name: "vec3(x, y, z)",
        init: "",
        op: "local w = vec3(1, 2, 3)",
        extra: 0,
        count: K,
    },
    Op {
        name: "a + b (vec3)",
        init: "",
        op: "local w = v + v",
        extra: 0,
        count: K,
    },
    Op {
        name: "v.x (vec3 field read)",
        init: "",
        op: "local x = v.x",
        extra: 0,
        count: K,
    },
    Op {
        name: "v:add_scaled(o, s) (in place)",
        init: "",
        op: "v:add_scaled(v, 0)",
        extra: 0,
        count: K,
    },
    Op {
        name: "events.emit + delivery to one subscriber",
        init: "events.subscribe(\"ping\", function() end)",
        op: "events.emit(\"ping\", i)",
        extra: 0,
        count: K,
    },
    Op {
        name: "world.spawn({ Transform }) + despawn",
        init: "",
        op: "world.spawn({ Transform = { position = v } }):despawn()",
        extra: 0,
        count: K,
    },
    Op {
        name: "world.find(name) among 10,000 named entities",
        init: "",
        op: "local f = world.find(\"n5000\")",
        extra: N,
        count: K,
    },
    Op {
        name: "world.query(\"Transform\") step",
        init: "",
        op: "QUERY",
        extra: N - 1,
        count: N,
    },
];

fn op_script(op: &Op) -> String {
    let body = if op.op == "QUERY" {
        "local n = 0\n  for q, t in world.query(\"Transform\") do n = n + 1 end".to_string()
    } else {
        format!("for i = 1, {K} do {} end", op.op)
    };
    format!(
        "function init(self) local e = self.entity {init} end\n\
         function update(self, dt)\n  local e, v, h, t = self.entity, vec3(1, 2, 3), {{ hp = 1 }}, self.t\n  {body}\nend\n",
        init = op.init,
    )
}

fn bench_ops(_c: &mut Criterion) {
    println!("per-operation costs (median thread CPU time of a frame / operations in it):");
    let mut empty = 0.0;
    for op in OPS {
        let dir = project_with_extra(&op_script(op), 1, true, op.extra);
        let mut rt = runtime(dir.path(), Config::default());
        // One frame with the loop and one without it: what remains is the operations.
        let with = median(21, || rt.frame(DT)).as_nanos() as f64;
        let ns = with / op.count as f64;
        let net = if op.op.is_empty() { ns } else { ns - empty };
        if op.op.is_empty() {
            empty = ns;
        }
        println!("  {:<55} {net:>8.1} ns", op.name);
        assert_eq!(rt.stats().faulted, 0, "{}: faulted", op.name);
    }
}

/// Ordinary pattern work: what scripts do with find, match, gmatch and gsub on a line of text.
const PATTERN_WORK: &str = r#"
local text = ("key_%d = value %d, other: 3.25; "):rep(8):format(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
return function()
  local n = 0
  for _ = 1, 200 do
    local a, b = text:find("%d+")
    local k, v = text:match("(%w+)%s*=%s*(%w+)")
    for w in text:gmatch("%a+") do n = n + #w end
    local s = text:gsub("%s+", " ")
    local p = text:find("other:", 1, true)
    n = n + a + b + #k + #v + #s + p
  end
  return n
end
"#;

/// Times `chunk` (which returns the function to time) in a fresh Lua state, with Lua's own C
/// libraries, and in the runtime's state, where scripts get the ports the time budget can
/// stop; checks both give the same result and returns the two medians (C, port).
fn c_versus_port(chunk: &str) -> (f64, f64) {
    let stock = mlua::Lua::new();
    let stock_fn: mlua::Function = stock.load(chunk).set_name("=work").eval().expect("stock");
    let dir = project(COUNT, 1, false);
    let rt = runtime(dir.path(), Config::default());
    let port_fn: mlua::Function = rt.lua().load(chunk).set_name("=work").eval().expect("port");
    assert_eq!(
        stock_fn.call::<i64>(()).expect("stock"),
        port_fn.call::<i64>(()).expect("port"),
        "the port gives Lua's results"
    );
    let m = medians(
        41,
        &mut [
            &mut || {
                stock_fn.call::<i64>(()).expect("stock");
            },
            &mut || {
                port_fn.call::<i64>(()).expect("port");
            },
        ],
    );
    (m[0].as_secs_f64(), m[1].as_secs_f64())
}

fn bench_patterns(_c: &mut Criterion) {
    let (c, port) = c_versus_port(PATTERN_WORK);
    println!(
        "patterns, ordinary use: C matcher {:.1} us, port {:.1} us per 200 rounds (ratio {:.3}x, target < 1.10x)",
        c * 1e6,
        port * 1e6,
        port / c
    );
}

/// Ordinary sorting: 10,000 numbers in Lua's order, and 2,000 strings with a comparator.
const SORT_WORK: &str = r#"
local nums, strs = {}, {}
local seed = 7
for i = 1, 10000 do seed = (seed * 1103515245 + 12345) % 2147483648; nums[i] = seed % 100000 end
for i = 1, 2000 do strs[i] = tostring(nums[i] * 31) end
local a, b = {}, {}
local function desc(x, y) return x > y end
return function()
  for i = 1, #nums do a[i] = nums[i] end
  for i = 1, #strs do b[i] = strs[i] end
  table.sort(a)
  table.sort(b, desc)
  return a[1] + a[#a] + #b[1]
end
"#;

fn bench_sort(_c: &mut Criterion) {
    let (c, port) = c_versus_port(SORT_WORK);
    println!(
        "table.sort, 10,000 numbers and 2,000 strings with a comparator: C sort {:.0} us, port {:.0} us (ratio {:.3}x)",
        c * 1e6,
        port * 1e6,
        port / c
    );
}

criterion_group!(
    benches,
    bench_scripts,
    bench_guard,
    bench_debugger,
    bench_tracing,
    bench_memory,
    bench_ops,
    bench_patterns,
    bench_sort
);
criterion_main!(benches);
