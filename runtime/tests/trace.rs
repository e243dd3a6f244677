//! Tracing in process: the collector runs as a `gc` phase of its own while a trace is
//! recorded, keeps up with a script that makes garbage every frame, and hands collection back
//! to Lua when the trace ends.

mod common;

const LITTER: &str =
    "function update(self)\n  local t = {}\n  for i = 1, 2000 do t[i] = { i } end\nend\n";

#[test]
fn a_traced_frame_ends_with_the_collectors_step() {
    let (_dir, mut rt) = common::scripts(&[("scripts/litter.lua", LITTER)]);
    assert!(rt.lua().gc_is_running());
    rt.set_tracing(true);
    assert!(
        !rt.lua().gc_is_running(),
        "tracing moves collection to the frame's end"
    );
    let mut steps = 0;
    let mut peak = 0;
    for _ in 0..600 {
        rt.frame(1.0 / 60.0);
        let slices = rt.take_trace();
        let frame = slices.iter().find(|s| s.frame).expect("a frame slice");
        for gc in slices.iter().filter(|s| &*s.name == "gc") {
            steps += 1;
            assert!(gc.collected.is_some() && gc.script.is_none());
            assert!(
                frame.start <= gc.start && gc.start + gc.duration <= frame.start + frame.duration,
                "the gc slice lies inside its frame"
            );
        }
        peak = peak.max(rt.lua().used_memory());
    }
    // ~100 KiB of garbage a frame, ~60 MiB in all: only the steps collect it.
    assert!(steps >= 300, "{steps} gc steps in 600 frames");
    assert!(peak < 24 << 20, "memory peaked at {peak} bytes");
    // The report still has the update loop's time and allocations while tracing.
    let report = rt.report();
    let litter = &report.scripts[0];
    assert!(
        litter.time_ms > 0.0 && litter.alloc_kib > 1000.0,
        "{litter:?}"
    );
    rt.set_tracing(false);
    assert!(rt.lua().gc_is_running(), "the automatic collector is back");
    rt.frame(1.0 / 60.0);
    assert!(rt.take_trace().is_empty());
}

#[test]
fn one_frame_past_the_memory_limit_still_collects_at_once() {
    // Each frame makes ~15 MiB of garbage, more than an 8 MiB limit: with the automatic
    // collector stopped, a collection before the memory error must still save the frame.
    let dir = common::project(&[
        (
            "scripts/burst.lua",
            "function update(self)\n  for i = 1, 150000 do local t = { i, i, i } end\n  self.n = (self.n or 0) + 1\nend\n",
        ),
        ("scene.json", r#"{"entities": [{"scripts": ["scripts/burst.lua"]}]}"#),
    ]);
    let config = crescent_runtime::Config {
        memory_limit: 8 << 20,
        // Time enough for an unoptimised build.
        budget: std::time::Duration::from_secs(5),
        ..Default::default()
    };
    let mut rt = common::run(dir.path(), config);
    rt.set_tracing(true);
    for _ in 0..5 {
        rt.frame(1.0 / 60.0);
    }
    let events = rt.drain_events();
    assert!(
        common::errors(&events).is_empty(),
        "{:?}",
        common::errors(&events)
    );
    assert!(rt.lua().used_memory() < 8 << 20);
}
