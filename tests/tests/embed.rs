//! The embedding example runs: its host component and host function work from scripts.

use crescent_e2e::*;
use std::process::Command;

#[test]
fn the_embedding_example_drives_its_scripts() {
    let out: Run = Command::new(embed_example())
        .output()
        .expect("the example starts")
        .into();
    let out = out.expect_code(0);
    assert!(
        out.stdout
            .contains("scripts/hero.lua: burned for 15 (hp 85), rumble #1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("6 rumbles, strongest 0.75"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("hero: 26 / 100 hp"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// The gaps the mirror example prints, per report line: `ship-a 1.3 away, ship-b 5.9 away`.
fn gaps(stdout: &str) -> Vec<Vec<f64>> {
    stdout
        .lines()
        .filter(|l| l.starts_with("frame "))
        .map(|l| {
            let ships = l.split_once("; ").map_or("", |(_, ships)| ships);
            ships
                .split(", ")
                .filter_map(|ship| ship.split_whitespace().nth(1)?.parse().ok())
                .collect()
        })
        .collect()
}

#[test]
fn the_mirror_example_syncs_the_engines_world_and_crescents_each_frame() {
    let run = || -> Run {
        Command::new(runtime_example("mirror"))
            .output()
            .expect("the example starts")
            .into()
    };
    let out = run().expect_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // The beacon, which a script moves, is read by the engine: 2 units a second.
    assert!(
        out.stdout.contains("frame 600: beacon at x = 20.0;"),
        "{}",
        out.stdout
    );
    // The ships, which the engine moves from the thrust scripts decide, close in on it.
    let g = gaps(&out.stdout);
    assert_eq!(g.len(), 4, "{}", out.stdout);
    let (first, last) = (&g[0], &g[3]);
    assert_eq!(first.len(), 2, "{}", out.stdout);
    assert!(last.iter().all(|d| *d < 2.0), "{}", out.stdout);
    assert!(first.iter().zip(last).all(|(a, b)| a > b), "{}", out.stdout);
    // And the run is the same every time.
    assert_eq!(out.stdout, run().expect_code(0).stdout);
}
