//! Randomized edit sequences through the real server's message handling (in process, framed
//! JSON-RPC over a pipe), with fixed seeds: incremental changes at random positions in UTF-8
//! and UTF-16 (through multi-byte characters and surrogate pairs), whole-text changes, requests
//! at random positions, and hostile messages (ranges past the end, inverted, inside a
//! surrogate pair, wrong types, garbage). The server must answer every request, and after every
//! run of valid edits its diagnostics must be those of the text the edits make: a document
//! that drifted from the client's would show.
//!
//! A longer run: `CRESCENT_FUZZ_ITERS=1000000 cargo test --release -p crescent-lsp --test
//! fuzz_protocol -- --nocapture` (see docs/testing.md).

mod client;
use client::{write_frame, Client};
use crescent_e2e::fuzz::{iterations, Mutator};
use crescent_lsp::analysis::{self, Encoding, LineIndex, WorkspaceFacts};
use serde_json::{json, Value};

/// Texts edits start from and insert: Lua with characters of every UTF-8 width.
const SEED: &str = "-- A mover: é, 日本, 😀\nlocal speed = 3\nfunction update(self, dt)\n  self.entity:translate(vec3(speed, 0, 0), dt)\n  local name = \"😀 hero\"\n  print(name, math.floor(1.5))\nend\n";
const PIECES: &[&str] = &[
    "é",
    "日本",
    "😀",
    "\n",
    "\r\n",
    "end",
    "function f(",
    ")",
    "local x = ",
    "\"",
    "--",
    "self.",
    "world.",
    "vec3(",
    "{",
    "}",
    " ",
    "\t",
    "math.",
    "😀😀",
    "[[",
    "]]",
];

/// The position of byte `offset` of `text` as the protocol counts it.
fn position(text: &str, offset: usize, utf16: bool) -> Value {
    let enc = if utf16 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let at = LineIndex::new(text).position(text, offset, enc);
    json!({"line": at.line, "character": at.col})
}

/// A byte offset on a character boundary, and not inside a `\r\n` (which the protocol takes
/// for one line break: no position names the place between its two bytes).
fn boundary(m: &mut Mutator, text: &str) -> usize {
    let mut at = m.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if at > 0 && text[..at].ends_with('\r') && text[at..].starts_with('\n') {
        at -= 1;
    }
    at
}

/// What the analysis says of `text`, in the server's terms, leaving out the lints that depend
/// on the workspace (the server indexes one; this test has none to compare with).
fn expected(text: &str, utf16: bool) -> Vec<(Value, String)> {
    let api = crescent_api::builtin();
    let file = analysis::analyze(text, &api);
    let facts = WorkspaceFacts::default();
    let mut out: Vec<(Value, String)> =
        analysis::diagnostics::diagnostics(text, &file, &api, &facts)
            .into_iter()
            .filter(|d| !workspace_dependent(d.code))
            .map(|d| (position(text, d.span.start, utf16), d.message))
            .collect();
    out.sort_by_key(|(p, m)| (p.to_string(), m.clone()));
    out
}

fn workspace_dependent(code: &str) -> bool {
    matches!(
        code,
        "unknown-component" | "missing-module" | "missing-asset"
    )
}

fn published(d: &Value) -> Vec<(Value, String)> {
    let mut out: Vec<(Value, String)> = d["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| !workspace_dependent(d["code"].as_str().unwrap_or("")))
        .map(|d| {
            (
                d["range"]["start"].clone(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort_by_key(|(p, m)| (p.to_string(), m.clone()));
    out
}

const REQUESTS: &[&str] = &[
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/signatureHelp",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/prepareRename",
];

async fn session(seed: u64, utf16: bool, steps: usize) -> (usize, usize) {
    let mut m = Mutator(seed);
    let mut c = Client::start();
    c.initialize(None, !utf16).await;
    let uri = "file:///fuzz/scripts/doc.lua";
    let mut text = SEED.to_string();
    let mut version = 1;
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "lua", "version": version, "text": text}}),
    )
    .await;
    let (mut checked, mut answered) = (0, 0);
    let mut last_checked = 0;
    for step in 0..steps {
        version += 1;
        match m.below(20) {
            // A valid incremental edit: the model follows it.
            0..=13 => {
                let a = boundary(&mut m, &text);
                let b = boundary(&mut m, &text);
                let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 40));
                let inside_crlf =
                    |i: usize| i > 0 && text[..i].ends_with('\r') && text[i..].starts_with('\n');
                let end = (start..=end)
                    .rev()
                    .find(|&i| text.is_char_boundary(i) && !inside_crlf(i))
                    .unwrap_or(start);
                let insert: String = (0..m.below(3))
                    .map(|_| PIECES[m.below(PIECES.len())])
                    .collect();
                let range = json!({"start": position(&text, start, utf16), "end": position(&text, end, utf16)});
                text.replace_range(start..end, &insert);
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"range": range, "text": insert}]}),
                )
                .await;
            }
            // The whole text, mutated bytes and all.
            14 => {
                let bytes = m.mutate(text.as_bytes());
                text = String::from_utf8_lossy(&bytes).into_owned();
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}),
                )
                .await;
            }
            // Hostile ranges: past the end, inverted, inside a surrogate pair, huge; then the
            // whole text again, so the model is known.
            15 | 16 => {
                let line = m.below(40) as u32;
                let character = match m.below(3) {
                    0 => u32::MAX,
                    1 => m.below(200) as u32,
                    // A UTF-16 column between the halves of 😀 on line 0.
                    _ => 24,
                };
                let range = json!({"start": {"line": line, "character": character},
                                   "end": {"line": line / 2, "character": 0}});
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"range": range, "text": PIECES[m.below(PIECES.len())]}]}),
                )
                .await;
                version += 1;
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}),
                )
                .await;
            }
            // Garbled messages: wrong types, unknown methods, bad JSON.
            17 => {
                let garbage = [
                    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": "x"}, "contentChanges": 3}}),
                    json!({"jsonrpc": "2.0", "id": 90_000 + step, "method": "textDocument/hover", "params": {"position": -1}}),
                    json!({"jsonrpc": "2.0", "id": 91_000 + step, "method": "crescent/none", "params": {}}),
                    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///never/opened.lua", "version": 1}, "contentChanges": [{"text": "x"}]}}),
                ];
                let g = &garbage[m.below(garbage.len())];
                write_frame(&mut c.writer, g).await;
                version -= 1;
            }
            // A request at a random place (sometimes past the end).
            _ => {
                let method = REQUESTS[m.below(REQUESTS.len())];
                let pos = if m.below(4) == 0 {
                    json!({"line": m.below(100), "character": m.below(300)})
                } else {
                    let at = boundary(&mut m, &text);
                    position(&text, at, utf16)
                };
                let r = c
                    .request(
                        method,
                        json!({"textDocument": {"uri": uri}, "position": pos,
                               "context": {"includeDeclaration": true}}),
                    )
                    .await;
                assert!(
                    r.get("result").is_some() || r.get("error").is_some(),
                    "{method}: {r}"
                );
                answered += 1;
                version -= 1;
            }
        }
        // Now and then: the server's diagnostics are those of the model's text.
        if step % 16 == 15 && version != last_checked {
            last_checked = version;
            let want = version;
            let d = c
                .wait_for(move |v: &Value| {
                    v["method"] == "textDocument/publishDiagnostics"
                        && v["params"]["uri"] == uri
                        && v["params"]["version"] == want
                })
                .await;
            assert_eq!(
                published(&d),
                expected(&text, utf16),
                "seed {seed}, step {step}: the server's document drifted from\n{text}"
            );
            checked += 1;
            c.seen.clear();
        }
    }
    // Still serving.
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(r.get("result").is_some(), "{r}");
    (checked, answered)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edit_sequences_keep_the_document_in_step() {
    let n = iterations(400);
    let mut totals = (0, 0);
    for (i, utf16) in [(0u64, false), (1, true)] {
        let (checked, answered) = session(0x5eed_0000 + i, utf16, n).await;
        totals.0 += checked;
        totals.1 += answered;
    }
    eprintln!(
        "protocol: {} edit steps in UTF-8 and UTF-16, {} diagnostic checks, {} requests answered",
        2 * n,
        totals.0,
        totals.1
    );
    assert!(totals.0 > 0 && totals.1 > 0);
}
