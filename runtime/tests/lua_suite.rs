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
use crescent_runtime::{Config, Registry, Runtime, Scene};
use std::path::Path;
use std::time::Duration;

/// Each file of the suite, how it ends in the sandbox, and the sandbox rule behind a stop.
const OUTCOMES: &[(&str, &str, &str)] = &[
    ("math", "runs to its end", ""),
    (
        "strings",
        "stops at line 171: attempt to index a nil value (global 'io')",
        "no `io`: scripts cannot touch files",
    ),
    (
        "pm",
        "stops at line 201: attempt to call a nil value (global 'rawset')",
        "no `rawset`: it would write through the read-only library tables",
    ),
    (
        "sort",
        "stops at line 298: collectgarbage: scripts may only ask for \"count\"",
        "`collectgarbage` answers only `\"count\"`",
    ),
    ("tpack", "runs to its end", ""),
    ("utf8", "runs to its end", ""),
    ("vararg", "runs to its end", ""),
    (
        "nextvar",
        "stops at line 259: assertion failed!",
        "`_G` is the script's own environment: the standard names come from a shared, locked base through `__index`, so `pairs(_G)` does not list them",
    ),
    (
        "closure",
        "stops at line 24: collectgarbage: scripts may only ask for \"count\"",
        "`collectgarbage` answers only `\"count\"`",
    ),
    (
        "coroutine",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "events",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "constructs",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "literals",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "locals",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "goto",
        "stops at line 4: collectgarbage: scripts may only ask for \"count\"",
        "`collectgarbage` answers only `\"count\"`",
    ),
    (
        "calls",
        "stops at line 6: require: scripts have no debug library (the sandbox removes it; see docs/sandbox.md)",
        "no `debug`: it can break out of the sandbox",
    ),
    (
        "bitwise",
        "stops at line 50: attempt to index a boolean value (local 'smt')",
        "the string metatable is locked: `getmetatable(\"\")` is `false`",
    ),
];

/// How a suite file ends in the sandbox.
fn outcome(name: &str) -> String {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lsp/tests/corpus/real/lua54_testes");
    let source = std::fs::read(suite.join(format!("{name}.lua"))).expect("suite file");
    let mut script = b"_port = true\n_soft = true\n".to_vec();
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
    let mut rt = Runtime::new(dir.path(), config, Registry::new()).expect("runtime");
    match rt.load_scene(&Scene::load(dir.path()).expect("scene")) {
        Ok(()) => "runs to its end".to_string(),
        // Line numbers are the file's own (the prologue takes two lines).
        Err(crescent_runtime::Error::Script { line, message, .. }) => {
            format!("stops at line {}: {message}", line.saturating_sub(2))
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
