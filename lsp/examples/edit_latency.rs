//! The analysis work an edit costs, in process and on one thread: the language server's
//! "completion right after an edit" without the protocol, split into its parts.
//!
//! ```sh
//! cargo run --release -p crescent-lsp --example edit_latency -- 400 100
//! ```
//!
//! The file is `lsp-bench`'s large script of about KB kilobytes (first argument), ending in a
//! line being typed (`return math.`); each round edits a comment in the middle, analyses the
//! new version from the last one and completes at the end. Medians of ROUNDS rounds (second
//! argument), beside the cost of a syntax check of the whole text from scratch.

use std::time::Instant;

#[path = "../src/bench_script.rs"]
mod bench_script;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let kb: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let api = crescent_api::builtin();
    let text = bench_script::large_script(kb);
    let cursor = text
        .rfind("return math.")
        .map_or(0, |i| i + "return math.".len());
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("-- helper").unwrap_or(0) + "-- helper".len();
    let facts = crescent_lsp::analysis::WorkspaceFacts::default();
    let mut prev = crescent_lsp::analysis::analyze_after(&text, &api, None);
    let (mut analysis, mut completion, mut scratch_check) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut t = text.clone();
        if round % 2 == 0 {
            t.insert(at, 'x');
        }
        let cursor = if round % 2 == 0 { cursor + 1 } else { cursor };
        // The server holds each version's text shared, and the analysis keeps it as it is.
        let t: std::sync::Arc<str> = t.into();
        let s = Instant::now();
        let next = crescent_lsp::analysis::analyze_shared(&t, &api, Some(&prev));
        analysis.push(s.elapsed().as_secs_f64() * 1e3);
        let s = Instant::now();
        let items =
            crescent_lsp::analysis::completion::completions(&t, cursor, &next, &api, &facts);
        completion.push(s.elapsed().as_secs_f64() * 1e3);
        assert!(
            items.items.iter().any(|i| i.label == "floor"),
            "math. completes"
        );
        let s = Instant::now();
        let _ = crescent_lsp::analysis::luac::check(&t);
        scratch_check.push(s.elapsed().as_secs_f64() * 1e3);
        prev = next;
    }
    let (a, c) = (median(analysis), median(completion));
    println!(
        "{} bytes: analysis after an edit {a:.2} ms, completion {c:.2} ms, together {:.2} ms (a syntax check from scratch: {:.2} ms)",
        text.len(),
        a + c,
        median(scratch_check)
    );
}
