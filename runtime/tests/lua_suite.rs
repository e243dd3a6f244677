//! Lua 5.4's own test suite (`testes/`, Lua 5.4.8, from the corpus the language server's tests
//! keep in `lsp/tests/corpus/real/lua54_testes`) run as Crescent scripts, in the sandbox.
//!
//! Each file runs as a script's top level, with `_port` and `_soft` set as the suite's driver
//! sets them for portable, quick runs, and must run to its end with every assertion holding.
//! The lines that cannot hold in the sandbox are set aside (blanked, so line numbers stay the
//! file's) by `lua_suite/set_aside.txt`, each under the sandbox rule that causes it. The list
//! is checked in both directions: with it, every file runs to its end; with any one of its
//! entries put back, that file stops with the error its rule names (or, for an entry that
//! names it after `->`, with the error the rule's restriction shows there: a line that fails
//! only because a line it needs is set aside, or whose error the suite catches and asserts on).
//! `docs/sandbox.md` must show the tables this test makes from the list.

mod common;
use common::*;
use crescent_runtime::{api, mlua, Config, Registry, Runtime, Scene};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// The suite files run, in the order the tables list them.
const FILES: &[&str] = &[
    "math",
    "strings",
    "pm",
    "sort",
    "tpack",
    "utf8",
    "vararg",
    "nextvar",
    "closure",
    "coroutine",
    "events",
    "constructs",
    "literals",
    "locals",
    "goto",
    "calls",
    "bitwise",
];

/// The suite's helper modules the files require, each with the file that requires it (its
/// entries count as that file's).
const HELPERS: &[(&str, &str)] = &[("bwcoercion", "bitwise"), ("tracegc", "locals")];

/// A sandbox rule: its key in `set_aside.txt`, what it is, and text the error a set-aside line
/// raises in the sandbox must contain.
#[derive(Debug)]
struct Rule {
    key: &'static str,
    doc: &'static str,
    raises: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        key: "debug",
        doc: "no `debug` library: it reads and writes any local, upvalue and metatable, so it breaks out of the sandbox",
        raises: "debug",
    },
    Rule {
        key: "collectgarbage",
        doc: "`collectgarbage` answers only `\"count\"`: collections and collector settings are the engine's (a full collection runs in C, out of the time budget's reach, and its cost grows with every script's heap)",
        raises: "collectgarbage",
    },
    Rule {
        key: "io",
        doc: "no `io`: scripts cannot touch files",
        raises: "'io'",
    },
    Rule {
        key: "os",
        doc: "`os` holds only `clock`, `time`, `date` and `difftime`: no processes, files or environment",
        raises: "a nil value (field '",
    },
    Rule {
        key: "package",
        doc: "no `package`: `require` loads only modules under `scripts/`, so there is no `package.loaded` or `package.preload`",
        raises: "'package'",
    },
    Rule {
        key: "read-only",
        doc: "the standard library tables are shared, read-only proxies: a script cannot add or replace their fields",
        raises: "is read-only",
    },
    Rule {
        key: "binary-chunks",
        doc: "no binary chunks: `string.dump` is removed and `load` takes text chunks only",
        raises: "'dump'",
    },
    Rule {
        key: "string-metatable",
        doc: "the string metatable is locked: `getmetatable(\"\")` is `false`",
        raises: "boolean value",
    },
    Rule {
        key: "globals",
        doc: "`_G` is the script's own environment: the standard names come from a shared, locked base through `__index`, so `pairs(_G)` does not list them and `_G` is not the base",
        raises: "assertion failed",
    },
];

/// One entry of `set_aside.txt`: lines `first..=last` of a suite file, under a rule.
#[derive(Clone, Debug)]
struct SetAside {
    file: String,
    first: usize,
    last: usize,
    rule: &'static Rule,
    /// What the error must contain when the entry is put back, if not the rule's `raises`
    /// (given after `->`).
    stops: Option<String>,
    /// The entry's line in `set_aside.txt`, to point at it.
    at: usize,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lsp/tests/corpus/real/lua54_testes")
}

fn list_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua_suite/set_aside.txt")
}

/// Reads `set_aside.txt`: `FILE FIRST[-LAST] RULE [-> STOPS]`, `#` starts a comment.
fn set_aside() -> Vec<SetAside> {
    let text = std::fs::read_to_string(list_path()).expect("set_aside.txt");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = i + 1;
        let (line, stops) = match line.split_once("->") {
            Some((entry, stops)) => (entry.trim(), Some(stops.trim().to_string())),
            None => (line, None),
        };
        assert!(
            stops.as_deref() != Some(""),
            "set_aside.txt:{at}: nothing after `->`"
        );
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [file, lines, rule] = fields[..] else {
            panic!("set_aside.txt:{at}: expected `FILE FIRST[-LAST] RULE [-> STOPS]`, got `{line}`")
        };
        let (first, last) = match lines.split_once('-') {
            Some((a, b)) => (a, b),
            None => (lines, lines),
        };
        let number = |s: &str| -> usize {
            s.parse()
                .unwrap_or_else(|_| panic!("set_aside.txt:{at}: `{s}` is not a line number"))
        };
        let rule = RULES
            .iter()
            .find(|r| r.key == rule)
            .unwrap_or_else(|| panic!("set_aside.txt:{at}: no rule `{rule}`"));
        let entry = SetAside {
            file: file.to_string(),
            first: number(first),
            last: number(last),
            rule,
            stops,
            at,
        };
        assert!(
            entry.first <= entry.last,
            "set_aside.txt:{at}: the range is empty"
        );
        out.push(entry);
    }
    out
}

/// The file's bytes with the given lines blanked: every byte but the line breaks becomes a
/// space, so the rest keeps its line numbers.
fn blanked(source: &[u8], entries: &[&SetAside]) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len());
    for (i, line) in source.split_inclusive(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        if entries.iter().any(|e| e.first <= n && n <= e.last) {
            out.extend(
                line.iter()
                    .map(|&b| if b == b'\n' || b == b'\r' { b } else { b' ' }),
            );
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// How a run of a suite file ended.
#[derive(Debug, PartialEq)]
enum Ending {
    /// Ran to its end; the number of assertions that held.
    End(u64),
    /// Stopped: where and why (the suite's own line numbers).
    Stop { at: String, message: String },
}

/// Runs suite file `name` with `entries` set aside.
fn run_file(name: &str, entries: &[&SetAside]) -> Ending {
    let suite = suite_dir();
    let of = |file: &str| -> Vec<&SetAside> {
        entries.iter().copied().filter(|e| e.file == file).collect()
    };
    let source = std::fs::read(suite.join(format!("{name}.lua"))).expect("suite file");
    // `assert` counts the assertions that hold, and fails as Lua's does: the message (default
    // "assertion failed!") at the caller's line. One line of prologue: the suite's line N is
    // the script's N + 1.
    let mut script = b"_port = true _soft = true local held = suite.held assert = function(v, ...) if v then held() return v, ... end local m = ... if m == nil then m = 'assertion failed!' end error(m, 2) end\n".to_vec();
    script.extend_from_slice(&blanked(&source, &of(&format!("{name}.lua"))));
    let dir = project(&[(
        "scene.json",
        r#"{"entities": [{"scripts": ["scripts/suite.lua"]}]}"#,
    )]);
    std::fs::write(dir.path().join("scripts/suite.lua"), &script).expect("write");
    // The suite's own helper modules (bitwise.lua requires bwcoercion, locals.lua tracegc).
    for (helper, _) in HELPERS {
        let source = std::fs::read(suite.join(format!("{helper}.lua"))).expect("helper module");
        std::fs::write(
            dir.path().join(format!("scripts/{helper}.lua")),
            blanked(&source, &of(&format!("{helper}.lua"))),
        )
        .expect("write");
    }
    let config = Config {
        budget: Duration::from_secs(120),
        ..Config::default()
    };
    let count = Rc::new(Cell::new(0u64));
    let counter = count.clone();
    let mut registry = Registry::new();
    registry.function(
        "suite",
        api::Function {
            name: "held".into(),
            doc: "counts an assertion that held".into(),
            params: vec![],
            returns: vec![],
        },
        move |_, _| {
            counter.set(counter.get() + 1);
            Ok(mlua::MultiValue::new())
        },
    );
    let mut rt = Runtime::new(dir.path(), config, registry).expect("runtime");
    match rt.load_scene(&Scene::load(dir.path()).expect("scene")) {
        Ok(()) => Ending::End(count.get()),
        Err(crescent_runtime::Error::Script {
            path,
            line,
            message,
            ..
        }) => Ending::Stop {
            at: if path == "scripts/suite.lua" {
                format!("{name}.lua:{}", line.saturating_sub(1))
            } else {
                format!("{}:{line}", path.trim_start_matches("scripts/"))
            },
            message,
        },
        Err(other) => Ending::Stop {
            at: format!("{name}.lua"),
            message: format!("does not load: {other}"),
        },
    }
}

/// The file an entry belongs to, as a name in `FILES` (a helper module counts as the file
/// that requires it).
fn owner(entry: &SetAside) -> &'static str {
    let stem = entry.file.trim_end_matches(".lua");
    if let Some((_, file)) = HELPERS.iter().find(|(helper, _)| *helper == stem) {
        return file;
    }
    FILES
        .iter()
        .copied()
        .find(|f| *f == stem)
        .unwrap_or_else(|| {
            panic!(
                "set_aside.txt:{}: `{}` is not a suite file run here",
                entry.at, entry.file
            )
        })
}

fn lines(n: usize) -> String {
    match n {
        1 => "1 line".into(),
        n => format!("{n} lines"),
    }
}

/// The tables `docs/sandbox.md` must hold.
fn markdown(held: &BTreeMap<&str, u64>, entries: &[SetAside]) -> String {
    let mut out =
        String::from("| file | assertions that hold | lines set aside |\n| --- | --- | --- |\n");
    for name in FILES {
        let mut by_rule: Vec<(&str, usize)> = Vec::new();
        for e in entries.iter().filter(|e| owner(e) == *name) {
            let n = e.last - e.first + 1;
            match by_rule.iter_mut().find(|(k, _)| *k == e.rule.key) {
                Some((_, total)) => *total += n,
                None => by_rule.push((e.rule.key, n)),
            }
        }
        let aside = if by_rule.is_empty() {
            "none".to_string()
        } else {
            by_rule
                .iter()
                .map(|(k, n)| format!("{} ({k})", lines(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("| `{name}.lua` | {} | {aside} |\n", held[name]));
    }
    out.push_str("\n| rule | what it changes | suite lines it sets aside |\n| --- | --- | --- |\n");
    for rule in RULES {
        let n: usize = entries
            .iter()
            .filter(|e| e.rule.key == rule.key)
            .map(|e| e.last - e.first + 1)
            .sum();
        out.push_str(&format!("| {} | {} | {n} |\n", rule.key, rule.doc));
    }
    out
}

#[test]
fn lua_test_suite_in_the_sandbox() {
    let entries = set_aside();
    let mut wrong = Vec::new();
    let mut held = BTreeMap::new();
    for name in FILES {
        let mine: Vec<&SetAside> = entries.iter().filter(|e| owner(e) == *name).collect();
        // With the list, the file runs to its end.
        match run_file(name, &mine) {
            Ending::End(n) => {
                held.insert(*name, n);
            }
            Ending::Stop { at, message } => {
                held.insert(*name, 0);
                wrong.push(format!(
                    "{at}: {message} (not set aside: fix the sandbox, or add the line to set_aside.txt under the rule that causes it)"
                ));
            }
        }
        // With any one entry put back, the file stops with that entry's rule's error (or the
        // one the entry names after `->`).
        for entry in &mine {
            let others: Vec<&SetAside> =
                mine.iter().copied().filter(|e| e.at != entry.at).collect();
            match run_file(name, &others) {
                Ending::Stop { message, .. }
                    if message.contains(entry.stops.as_deref().unwrap_or(entry.rule.raises)) => {}
                ending => wrong.push(format!(
                    "set_aside.txt:{}: {} {}-{} runs in the sandbox or fails for another reason than `{}`{} (put back, the file gives {ending:?})",
                    entry.at, entry.file, entry.first, entry.last, entry.rule.key,
                    match &entry.stops {
                        Some(stops) => format!(" -> {stops}"),
                        None => String::new(),
                    }
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the suite and set_aside.txt disagree:\n{}",
        wrong.join("\n")
    );
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sandbox.md"))
            .expect("docs/sandbox.md");
    let tables = markdown(&held, &entries);
    assert!(
        doc.contains(&tables),
        "docs/sandbox.md must hold the suite's tables:\n{tables}"
    );
}
