//! The server's `syntax` diagnostics must agree with the reference compiler, `luac5.4 -p`.
//!
//! For every Lua file of the corpus (`tests/corpus/`, plus the folders listed in the
//! `CRESCENT_LUA_CORPUS` environment variable, `:`-separated, e.g. filled by
//! `tests/corpus/fetch.sh`), and for mutants of the files luac accepts (a broken statement
//! inserted, an `end` removed, a stray parenthesis), the analysis must report no `syntax` error
//! where luac accepts the text, and its first `syntax` error on the line luac reports where it
//! rejects it. luac sometimes reports the end of a block and names the offending line in its
//! message (`break outside loop at line 4`); either line counts.
//!
//! The fixtures in `tests/corpus/fixtures/` also carry their expected line (`-- expect: error
//! on line N` or `-- expect: ok`), checked against both luac and the server.
//!
//! Known disagreements are listed in `tests/corpus/known_disagreements.txt` with a FIXME: the
//! test fails on any new disagreement and on any listed case that now agrees, so the list only
//! shrinks. Needs `luac5.4` (Debian package `lua5.4`); without it the test fails under CI=true
//! and prints why otherwise.

mod common;
use common::tool_missing;

const LUAC_MISSING: &str =
    "luac5.4 not found: install Debian's lua5.4 package (apt-get install -y lua5.4)";

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crescent_lsp::analysis::{self, diagnostics, WorkspaceFacts};

const LUAC: &str = "luac5.4";

/// What a compiler says about one text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepts,
    /// Rejects it, on these lines (empty when the message names no line), with this message.
    Rejects {
        lines: Vec<u32>,
        message: String,
    },
}

impl Verdict {
    fn describe(&self) -> String {
        match self {
            Verdict::Accepts => "accepts".into(),
            Verdict::Rejects { lines, message } => {
                format!("rejects on line(s) {lines:?}: {message}")
            }
        }
    }
}

struct Case {
    /// Stable name, used in the known-disagreements list.
    name: String,
    text: String,
    /// For fixtures: the annotated expectation (`None` = accepted, `Some(line)` = error there).
    expected: Option<Option<u32>>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn lua_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Symlinks are skipped: packages link one module under several Lua versions.
            if entry.file_type().map_or(true, |t| t.is_symlink()) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "lua") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn luac_available() -> bool {
    Command::new(LUAC)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `luac5.4 -p` on `text` (written to a temporary file, since luac reads files).
fn luac(text: &str, scratch: &Path) -> Verdict {
    let path = scratch.join("case.lua");
    std::fs::write(&path, text).expect("write scratch file");
    let output = Command::new(LUAC)
        .arg("-p")
        .arg(&path)
        .current_dir(scratch)
        .output()
        .expect("run luac5.4");
    if output.status.success() {
        return Verdict::Accepts;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().next().unwrap_or("").to_string();
    let prefix = format!("{LUAC}: {}:", path.display());
    let mut lines = Vec::new();
    let message = match first.strip_prefix(&prefix) {
        Some(rest) => {
            let (line, message) = rest.split_once(':').unwrap_or((rest, ""));
            if let Ok(line) = line.trim().parse() {
                lines.push(line);
            }
            message.trim().to_string()
        }
        None => first.clone(),
    };
    // `... at line N`, `... on line N`, `(to close 'x' at line N)` name another relevant line;
    // only the first two describe the error itself.
    for marker in [" at line ", " on line "] {
        if let Some(at) = message.find(marker) {
            if message[..at].contains("to close") {
                continue;
            }
            let digits: String = message[at + marker.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                lines.push(n);
            }
        }
    }
    Verdict::Rejects { lines, message }
}

/// 1-based line of a byte offset, counted as luac counts: `\n`, `\r`, `\r\n` and `\n\r` each
/// end one line.
fn line_of(text: &str, offset: usize) -> u32 {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut line = 1;
    let mut i = 0;
    while i < end {
        let c = bytes[i];
        if c == b'\n' || c == b'\r' {
            line += 1;
            if matches!(bytes.get(i + 1), Some(&n) if (n == b'\n' || n == b'\r') && n != c) {
                i += 1;
            }
        }
        i += 1;
    }
    line
}

/// What the server says: its `syntax` diagnostics, first one decides.
fn server(text: &str, api: &crescent_api::Api) -> Verdict {
    let file = analysis::analyze(text, api);
    let errors: Vec<_> = diagnostics::diagnostics(text, &file, api, &WorkspaceFacts::default())
        .into_iter()
        .filter(|d| d.code == "syntax")
        .collect();
    match errors.iter().min_by_key(|d| d.span.start) {
        None => Verdict::Accepts,
        Some(first) => Verdict::Rejects {
            lines: vec![line_of(text, first.span.start)],
            message: first.message.clone(),
        },
    }
}

/// Whether the server's verdict agrees with luac's.
fn agrees(luac: &Verdict, server: &Verdict) -> bool {
    match (luac, server) {
        (Verdict::Accepts, Verdict::Accepts) => true,
        (
            Verdict::Rejects {
                lines: expected, ..
            },
            Verdict::Rejects { lines: got, .. },
        ) => expected.is_empty() || got.iter().any(|l| expected.contains(l)),
        _ => false,
    }
}

/// `-- expect: ok` / `-- expect: error on line N` in the first three lines; none means ok.
fn annotation(text: &str) -> Option<u32> {
    for line in text.lines().take(3) {
        if let Some(rest) = line.trim().strip_prefix("-- expect:") {
            let rest = rest.trim();
            if rest.starts_with("ok") {
                return None;
            }
            let digits: String = rest
                .trim_start_matches("error on line")
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return Some(
                digits
                    .parse()
                    .unwrap_or_else(|_| panic!("bad annotation {line:?}")),
            );
        }
    }
    None
}

/// Deterministic mutants of an accepted text: each is likely (not certain) to break it.
fn mutants(name: &str, text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.len() < 12 {
        return Vec::new();
    }
    let rebuild = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut owned: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edit(&mut owned);
        owned.join("\n")
    };
    let third = lines.len() / 3;
    let two_thirds = 2 * lines.len() / 3;
    let mut out = vec![
        Case {
            name: format!("{name}#insert-bad-local@{}", third + 1),
            text: rebuild(&|l| l.insert(third, "local = 1".into())),
            expected: None,
        },
        Case {
            name: format!("{name}#open-paren@{}", two_thirds + 1),
            text: rebuild(&|l| l[two_thirds].push_str(" (")),
            expected: None,
        },
    ];
    if let Some(last_end) = lines.iter().rposition(|l| l.trim() == "end") {
        out.push(Case {
            name: format!("{name}#drop-end@{}", last_end + 1),
            text: rebuild(&|l| {
                l.remove(last_end);
            }),
            expected: None,
        });
    }
    out
}

fn cases() -> Vec<Case> {
    let root = corpus_dir();
    let mut roots = vec![(String::new(), root.clone())];
    if let Ok(extra) = std::env::var("CRESCENT_LUA_CORPUS") {
        for dir in extra.split(':').filter(|d| !d.is_empty()) {
            roots.push((format!("extra:{dir}/"), PathBuf::from(dir)));
        }
    }
    let mut out = Vec::new();
    for (prefix, dir) in roots {
        for path in lua_files(&dir) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // luac reads bytes; the server reads UTF-8 text. Other encodings are out of scope.
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let rel = path
                .strip_prefix(&dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let name = format!("{prefix}{rel}");
            let expected = rel.starts_with("fixtures/").then(|| annotation(&text));
            out.push(Case {
                name,
                text,
                expected,
            });
        }
    }
    out
}

fn known_disagreements() -> BTreeMap<String, String> {
    let path = corpus_dir().join("known_disagreements.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, why) = l.split_once('\t').unwrap_or((l, ""));
            (name.trim().to_string(), why.trim().to_string())
        })
        .collect()
}

#[test]
fn syntax_errors_agree_with_luac() {
    if tool_missing(luac_available(), "syntax agreement", LUAC_MISSING) {
        return;
    }
    let api = crescent_api::builtin();
    let scratch = tempfile::tempdir().expect("temp dir");
    let known = known_disagreements();

    let mut all = Vec::new();
    for case in cases() {
        let luac_verdict = luac(&case.text, scratch.path());
        if luac_verdict == Verdict::Accepts && case.expected.is_none() {
            all.extend(mutants(&case.name, &case.text));
        }
        all.push(case);
    }

    let mut problems = String::new();
    let mut disagreeing = BTreeMap::new();
    let (mut accepted, mut rejected) = (0, 0);
    for case in &all {
        let expected = luac(&case.text, scratch.path());
        match expected {
            Verdict::Accepts => accepted += 1,
            Verdict::Rejects { .. } => rejected += 1,
        }
        // The annotation of a fixture must describe what luac does.
        if let Some(annotated) = case.expected {
            let fits = match (&expected, annotated) {
                (Verdict::Accepts, None) => true,
                (Verdict::Rejects { lines, .. }, Some(line)) => {
                    lines.is_empty() || lines.contains(&line)
                }
                _ => false,
            };
            if !fits {
                let _ = writeln!(
                    problems,
                    "{}: annotation {annotated:?} does not match luac, which {}",
                    case.name,
                    expected.describe()
                );
            }
        }
        let got = server(&case.text, &api);
        let ok = match case.expected {
            // Fixtures are stricter: the server must hit the annotated line itself.
            Some(annotated) => match (annotated, &got) {
                (None, Verdict::Accepts) => true,
                (Some(line), Verdict::Rejects { lines, .. }) => lines.contains(&line),
                _ => false,
            },
            None => agrees(&expected, &got),
        };
        if !ok {
            disagreeing.insert(
                case.name.clone(),
                format!("luac {}; server {}", expected.describe(), got.describe()),
            );
        }
    }

    for (name, detail) in &disagreeing {
        if !known.contains_key(name) {
            let _ = writeln!(problems, "{name}: {detail}");
        }
    }
    for name in known.keys() {
        if !disagreeing.contains_key(name) && all.iter().any(|c| &c.name == name) {
            let _ = writeln!(
                problems,
                "{name}: now agrees with luac; remove it from tests/corpus/known_disagreements.txt"
            );
        }
    }
    println!(
        "{} texts ({} luac accepts, {} it rejects), {} known disagreements",
        all.len(),
        accepted,
        rejected,
        disagreeing.len()
    );
    assert!(
        problems.is_empty(),
        "syntax disagreements with luac5.4 -p:\n{problems}"
    );
}

#[test]
fn luac_line_numbers_are_read_correctly() {
    // Guards the harness itself, so a broken parser of luac's output cannot make every case
    // "agree" vacuously.
    if tool_missing(luac_available(), "luac line numbers", LUAC_MISSING) {
        return;
    }
    let scratch = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        luac("local a = 1\nreturn a\n", scratch.path()),
        Verdict::Accepts
    );
    match luac("local a = 1\n\nlocal b = = 2\n", scratch.path()) {
        Verdict::Rejects { lines, .. } => assert_eq!(lines, vec![3]),
        other => panic!("expected a rejection, got {other:?}"),
    }
    match luac("local x = 1\n\nbreak\n", scratch.path()) {
        Verdict::Rejects { lines, .. } => assert_eq!(lines, vec![4, 3]),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(line_of("a\r\nb\rc\nd", 7), 4);
    assert_eq!(line_of("a\n\rb\n\n", 3), 2);
}
