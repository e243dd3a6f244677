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
