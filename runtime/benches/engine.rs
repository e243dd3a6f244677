//! Engine benchmarks, each compared with baselines run in the same process: a native hecs loop
//! and the same logic in plain Lua on plain tables in the same Lua state. Besides criterion's
//! output, each prints medians of thread CPU time (the machine is shared, so wall time is noisy) and the ratio (`ratio transform/plain_lua = 2.1x`).

use crescent_runtime::{Config, Registry, Runtime, Scene};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use std::time::Duration;

const N: usize = 10_000;

const COUNT: &str =
    "function init(self) self.n = 0 end\nfunction update(self, dt) self.n = self.n + 1 end\n";
const MOVE: &str = r#"
function init(self) self.vel = vec3(1, 2, 3) end
function update(self, dt)
  local t = self.entity:get("Transform")
  t.position = t.position + self.vel * dt
  self.entity:set("Transform", t)
end
"#;

fn project(script: &str, n: usize, transform: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("scripts")).expect("scripts/");
    std::fs::write(dir.path().join("scripts/s.lua"), script).expect("script");
    let entity = if transform {
        r#"{"components": {"Transform": {"position": [0, 0, 0]}}, "scripts": ["scripts/s.lua"]}"#
    } else {
        r#"{"scripts": ["scripts/s.lua"]}"#
    };
    let scene = format!(r#"{{"entities": [{}]}}"#, vec![entity; n].join(","));
    std::fs::write(dir.path().join("scene.json"), scene).expect("scene");
    dir
}

fn runtime(dir: &Path, config: Config) -> Runtime {
    let mut rt = Runtime::new(dir, config, Registry::new()).expect("runtime");
    rt.load_scene(&Scene::load(dir).expect("scene"))
        .expect("load");
    rt.frame(1.0 / 60.0); // runs the inits
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

fn per_entity(d: Duration) -> f64 {
    d.as_nanos() as f64 / N as f64
}

/// Plain Lua: an array of objects with an update method, driven by one loop, in the runtime's
/// own Lua state.
fn plain_lua(rt: &Runtime, body: &str) -> mlua::Function {
    let code = format!(
        r#"
local V3 = ...
local Obj = {{}}
Obj.__index = Obj
function Obj:update(dt)
{body}
end
local objs = {{}}
for i = 1, {N} do
  objs[i] = setmetatable({{ n = 0, vel = setmetatable({{ x = 1, y = 2, z = 3 }}, V3),
    t = {{ position = setmetatable({{ x = 0, y = 0, z = 0 }}, V3), rotation = {{ x = 0, y = 0, z = 0, w = 1 }},
      scale = setmetatable({{ x = 1, y = 1, z = 1 }}, V3) }} }}, Obj)
end
return function(dt)
  for i = 1, #objs do objs[i]:update(dt) end
end
"#
    );
    let v3: mlua::Table = rt.lua().named_registry_value("crescent.V3").expect("V3");
    rt.lua()
        .load(code)
        .set_name("=bench")
        .call::<mlua::Function>(v3)
        .expect("plain lua baseline")
}

#[derive(Clone, Copy)]
struct Pos([f64; 3]);
#[derive(Clone, Copy)]
struct Vel([f64; 3]);

fn bench_count(c: &mut Criterion) {
    let dir = project(COUNT, N, false);
    let mut rt = runtime(dir.path(), Config::default());
    let plain = plain_lua(&rt, "  self.n = self.n + 1");
    let mut world = hecs::World::new();
    for _ in 0..N {
        world.spawn((0u64,));
    }
    let mut g = c.benchmark_group("count_10k");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("scripted", |b| b.iter(|| rt.frame(1.0 / 60.0)));
    g.bench_function("plain_lua", |b| {
        b.iter(|| plain.call::<()>(1.0 / 60.0).expect("call"))
    });
    g.bench_function("native_hecs", |b| {
        b.iter(|| {
            for n in world.query_mut::<&mut u64>() {
                *n += 1;
            }
        })
    });
    g.finish();
    let s = median(41, || rt.frame(1.0 / 60.0));
    let p = median(41, || plain.call::<()>(1.0 / 60.0).expect("call"));
    let h = median(41, || {
        for n in world.query_mut::<&mut u64>() {
            *n += 1;
        }
    });
    println!(
        "count_10k medians: scripted {:.0} ns/entity, plain_lua {:.0} ns/entity, native_hecs {:.1} ns/entity",
        per_entity(s),
        per_entity(p),
        per_entity(h)
    );
    println!(
        "ratio count/plain_lua = {:.2}x (target <= 1.5x)",
        s.as_secs_f64() / p.as_secs_f64()
    );
    println!(
        "ratio count/native_hecs = {:.0}x",
        s.as_secs_f64() / h.as_secs_f64()
    );
}

fn bench_transform(c: &mut Criterion) {
    let dir = project(MOVE, N, true);
    let mut rt = runtime(dir.path(), Config::default());
    let plain = plain_lua(
        &rt,
        "  local t = self.t\n  t.position = t.position + self.vel * dt\n  self.t = t",
    );
    let mut world = hecs::World::new();
    for _ in 0..N {
        world.spawn((Pos([0.0; 3]), Vel([1.0, 2.0, 3.0])));
    }
    let native = |world: &mut hecs::World| {
        for (p, v) in world.query_mut::<(&mut Pos, &Vel)>() {
            for i in 0..3 {
                p.0[i] += v.0[i] / 60.0;
            }
        }
    };
    let mut g = c.benchmark_group("transform_10k");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("scripted", |b| b.iter(|| rt.frame(1.0 / 60.0)));
    g.bench_function("plain_lua", |b| {
        b.iter(|| plain.call::<()>(1.0 / 60.0).expect("call"))
    });
    g.bench_function("native_hecs", |b| b.iter(|| native(&mut world)));
    g.finish();
    let s = median(41, || rt.frame(1.0 / 60.0));
    let p = median(41, || plain.call::<()>(1.0 / 60.0).expect("call"));
    let h = median(41, || native(&mut world));
    println!(
        "transform_10k medians: scripted {:.0} ns/entity, plain_lua {:.0} ns/entity, native_hecs {:.1} ns/entity",
        per_entity(s),
        per_entity(p),
        per_entity(h)
    );
    println!(
        "ratio transform/plain_lua = {:.2}x (target <= 2.5x)",
        s.as_secs_f64() / p.as_secs_f64()
    );
    println!(
        "ratio transform/native_hecs = {:.0}x",
        s.as_secs_f64() / h.as_secs_f64()
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
    g.bench_function("with_watchdog", |b| b.iter(|| guarded.frame(1.0 / 60.0)));
    g.bench_function("without_guard", |b| b.iter(|| bare.frame(1.0 / 60.0)));
    g.finish();
    let with = median(41, || guarded.frame(1.0 / 60.0));
    let without = median(41, || bare.frame(1.0 / 60.0));
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
    // The hook once armed: a loop of about 30 ms with a 40 ms budget, so the watchdog arms the
    // hook after 20 ms (wall time) and the rest of the loop runs hooked every 1000 instructions.
    let long = project(TIGHT_LONG, 1, false);
    let mut armed = runtime(
        long.path(),
        Config {
            budget: Duration::from_millis(40),
            ..Config::default()
        },
    );
    let mut unarmed = runtime(
        long.path(),
        Config {
            budget: Duration::ZERO,
            ..Config::default()
        },
    );
    let a = median(11, || armed.frame(1.0 / 60.0));
    let u = median(11, || unarmed.frame(1.0 / 60.0));
    println!(
        "guard armed for the last third of a 30 ms callback: {:.2} ms vs {:.2} ms unguarded ({:+.1}%, {} faulted)",
        a.as_secs_f64() * 1e3,
        u.as_secs_f64() * 1e3,
        (a.as_secs_f64() / u.as_secs_f64() - 1.0) * 100.0,
        armed.stats().faulted
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
    rt.frame(1.0 / 60.0);
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

criterion_group!(
    benches,
    bench_count,
    bench_transform,
    bench_guard,
    bench_memory
);
criterion_main!(benches);
