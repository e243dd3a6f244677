//! Lua 5.4's own test suite (`testes/`, Lua 5.4.8, from the corpus the language server's tests
//! keep in `lsp/tests/corpus/real/lua54_testes`) run as Crescent scripts, in the sandbox.
//!
//! Each file runs as a script's top level, with `_port` and `_soft` set as the suite's driver
//! sets them for portable, quick runs. A file either runs to its end, every assertion in it
//! holding, or stops at its first failure; `OUTCOMES` below says where each stops and which
//! sandbox rule stops it, the test fails when the list is wrong in either direction, and
//! `docs/sandbox.md` must show the same list. Assertions after a stop are not checked yet.

mod common;
use common::*;
use crescent_runtime::{api, mlua, Config, Registry, Runtime, Scene};
use std::cell::Cell;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

/// Each file of the suite, how it ends in the sandbox, and the sandbox rule behind a stop.
const OUTCOMES: &[(&str, &str, &str)] = &[
    ("math", "runs to its end (57584 assertions hold)", ""),
    (
        "strings",
        "stops at line 171: attempt to index a nil value (global 'io') (144 assertions held before)",
        "no `io`: scripts cannot touch files",
    ),
    (
        "pm",
        "stops at line 201: attempt to call a nil value (global 'rawset') (96 assertions held before)",
        "no `rawset`: it would write through the read-only library tables",
    ),
    (
        "sort",
        "stops at line 298: collectgarbage: scripts may only ask for \"count\" (33489 assertions held before)",
        "`collectgarbage` answers only `\"count\"`",
    ),
    ("tpack", "runs to its end (471 assertions hold)", ""),
    ("utf8", "runs to its end (1193 assertions hold)", ""),
    ("vararg", "runs to its end (80 assertions hold)", ""),
    (
        "nextvar",
        "stops at line 259: assertion failed! (225 assertions held before)",
        "`_G` is the script's own environment: the standard names come from a shared, locked base through `__index`, so `pairs(_G)` does not list them",
    ),
    (
        "closure",
        "stops at line 24: collectgarbage: scripts may only ask for \"count\" (1 assertion held before)",
        "`collectgarbage` answers only `\"count\"`",
    ),
    (
        "coroutine",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "events",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "constructs",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "literals",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "locals",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "goto",
        "stops at line 4: collectgarbage: scripts may only ask for \"count\" (0 assertions held before)",
        "`collectgarbage` answers only `\"count\"`",
    ),
    (
        "calls",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md) (0 assertions held before)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "bitwise",
        "stops at bwcoercion.lua:52: attempt to index a boolean value (local 'smt') (0 assertions held before)",
        "the string metatable is locked: `getmetatable(\"\")` is `false` (in the suite's helper module, which bitwise.lua requires)",
    ),
];

/// How a suite file ends in the sandbox.
fn outcome(name: &str) -> String {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lsp/tests/corpus/real/lua54_testes");
    let source = std::fs::read(suite.join(format!("{name}.lua"))).expect("suite file");
    // `assert` counts the assertions that hold, and fails as Lua's does: the message (default
    // "assertion failed!") at the caller's line. One line of prologue: the suite's line N is
    // the script's N + 1.
    let mut script = b"_port = true _soft = true local held = suite.held assert = function(v, ...) if v then held() return v, ... end local m = ... if m == nil then m = 'assertion failed!' end error(m, 2) end\n".to_vec();
    script.extend_from_slice(&source);
    let dir = project(&[(
        "scene.json",
        r#"{"entities": [{"scripts": ["scripts/suite.lua"]}]}"#,
    )]);
    std::fs::write(dir.path().join("scripts/suite.lua"), &script).expect("write");
    // The suite's own helper module (bitwise.lua requires it).
    std::fs::copy(
        suite.join("bwcoercion.lua"),
        dir.path().join("scripts/bwcoercion.lua"),
    )
    .expect("bwcoercion.lua");
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
    let loaded = rt.load_scene(&Scene::load(dir.path()).expect("scene"));
    let held = match count.get() {
        1 => "1 assertion".to_string(),
        n => format!("{n} assertions"),
    };
    match loaded {
        Ok(()) => format!("runs to its end ({held} hold)"),
        // Line numbers are the file's own (the prologue takes one line).
        Err(crescent_runtime::Error::Script {
            path,
            line,
            message,
            ..
        }) => {
            let at = if path == "scripts/suite.lua" {
                format!("line {}", line.saturating_sub(1))
            } else {
                format!("{}:{line}", path.trim_start_matches("scripts/"))
            };
            format!("stops at {at}: {message} ({held} held before)")
        }
        Err(other) => format!("does not load: {other}"),
    }
}

/// The table `docs/sandbox.md` must hold, made from `OUTCOMES`.
fn markdown_table() -> String {
    let mut out = String::from("| file | in the sandbox | the rule |\n| --- | --- | --- |\n");
    for (name, outcome, rule) in OUTCOMES {
        out.push_str(&format!("| `{name}.lua` | {outcome} | {rule} |\n"));
    }
    out
}

#[test]
fn lua_test_suite_in_the_sandbox() {
    let wrong: Vec<String> = OUTCOMES
        .iter()
        .filter_map(|(name, expected, _)| {
            let got = outcome(name);
            (got != *expected).then(|| format!("{name}.lua: expected `{expected}`, got `{got}`"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "the suite's outcomes changed (update OUTCOMES and docs/sandbox.md):\n{}",
        wrong.join("\n")
    );
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sandbox.md"))
            .expect("docs/sandbox.md");
    let table = markdown_table();
    assert!(
        doc.contains(&table),
        "docs/sandbox.md must list the suite's outcomes as:\n{table}"
    );
}
