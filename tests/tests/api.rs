//! `crescent api` end to end: the JSON parses with the API crate, and the generated files
//! committed in the repository are up to date.

use crescent_e2e::*;

#[test]
fn json_parses_with_the_api_crate() {
    let run = crescent(&["api", "--format", "json"]).expect_code(0);
    let api = crescent_api::Api::from_json(&run.stdout).expect("parses");
    assert_eq!(api, crescent_api::builtin());
}

#[test]
fn json_is_the_default_and_out_writes_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("nested/api.json");
    crescent(&["api", "--out", arg(&out)]).expect_code(0);
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(crescent_api::Api::from_json(&text).is_ok());
}

fn assert_up_to_date(format: &str, committed: &str) {
    let run = crescent(&["api", "--format", format]).expect_code(0);
    let path = repo_root().join(committed);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        text == run.stdout,
        "{committed} is out of date; regenerate it with\n  cargo run --bin crescent -- api --format {format} --out {committed}"
    );
}

#[test]
fn the_luals_definition_file_is_up_to_date() {
    assert_up_to_date("luals", "lua/crescent.d.lua");
}

#[test]
fn the_markdown_reference_is_up_to_date() {
    assert_up_to_date("markdown", "docs/api.md");
}
