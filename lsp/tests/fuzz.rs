//! Randomized inputs, with fixed seeds: mutated Lua (the demo's scripts, the templates and
//! real files of the corpus) through the whole analysis (luac's checks, full_moon, the model,
//! every lint) and every request at random offsets. Nothing may panic.
//!
//! A longer run: `CRESCENT_FUZZ_ITERS=1000000 cargo test --release -p crescent-lsp --test fuzz
//! -- --nocapture` (see docs/testing.md).

use crescent_e2e::fuzz::{iterations, Mutator};
use crescent_e2e::repo_root;
use crescent_lsp::analysis::{
    self, completion, diagnostics, hover, navigation, signature, WorkspaceFacts,
};
use std::path::Path;

fn seeds() -> Vec<String> {
    let root = repo_root();
    let mut out = Vec::new();
    let mut add_dir = |dir: &Path, limit: usize| {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "lua"))
        {
            if let Ok(text) = std::fs::read_to_string(&f) {
                if text.len() < 20_000 && out.len() < limit {
                    out.push(text);
                }
            }
        }
    };
    add_dir(&root.join("lua/examples/demo/scripts"), 100);
    add_dir(&root.join("lua/examples/demo/scripts/lib"), 100);
    add_dir(&root.join("lua/templates/project/scripts"), 100);
    add_dir(&root.join("lsp/tests/corpus/real/penlight"), 120);
    out
}

#[test]
fn mutated_lua_through_every_analysis() {
    let seeds = seeds();
    assert!(seeds.len() >= 8, "{} seeds", seeds.len());
    let n = iterations(600);
    // The server analyses on a thread with a large stack; so does this.
    let worker = analysis::parse::spawn_parse_thread("fuzz", move || {
        let api = crescent_api::builtin();
        let facts = WorkspaceFacts::default();
        let mut m = Mutator(0x10a_f022);
        let mut requests = 0usize;
        for i in 0..n {
            let bytes = m.mutate(seeds[i % seeds.len()].as_bytes());
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let file = analysis::analyze(&text, &api);
            let _ = diagnostics::diagnostics(&text, &file, &api, &facts);
            for _ in 0..4 {
                let mut offset = m.below(text.len() + 1);
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                let _ = completion::completions(&text, offset, &file, &api, &facts);
                let _ = hover::hover(offset, &file, &api, &facts);
                let _ = signature::signature_help(&text, offset, &file, &api, &facts);
                let _ = navigation::definition(offset, &file, &facts);
                let _ = navigation::references(offset, &file, true);
                requests += 5;
            }
        }
        requests
    })
    .expect("thread");
    let requests = worker.join().expect("no analysis panicked");
    eprintln!("lua: {n} mutated files analysed, {requests} requests answered");
}

/// The two parsers alone, for many more inputs than the whole analysis affords: luac's
/// checker (`analysis/src/luac`) on raw mutated bytes read as text, and the full_moon path
/// (`parse::parse`, with its nesting guard and backtick blanking). Neither may panic, and
/// both must agree on whether the text is valid Lua.
#[test]
fn mutated_lua_through_both_parsers() {
    let seeds = seeds();
    let n = iterations(3_000);
    let worker = analysis::parse::spawn_parse_thread("fuzz-parse", move || {
        let mut m = Mutator(0x0b0f_f5e7);
        let mut refused = 0usize;
        for i in 0..n {
            let bytes = m.mutate(seeds[i % seeds.len()].as_bytes());
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let luac = analysis::luac::check(&text);
            let parsed = analysis::parse::parse(&text);
            assert_eq!(
                luac.is_empty(),
                parsed.errors.is_empty(),
                "the parsers disagree on:\n{text}"
            );
            refused += usize::from(!luac.is_empty());
        }
        refused
    })
    .expect("thread");
    let refused = worker.join().expect("no parser panicked");
    eprintln!("parsers: {n} mutated files, {refused} refused by both");
}
