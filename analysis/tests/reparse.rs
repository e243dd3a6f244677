//! Parsing in runs of statements, and reusing the runs of an earlier version, give the same
//! model as parsing the whole text at once: checked on every corpus file Lua accepts, and on
//! random edits (broken ones included) of the demo's scripts and the corpus.

mod common;

use crescent_analysis::{analyze, analyze_after, parse, Model};
use std::path::PathBuf;

fn corpus() -> Vec<(PathBuf, String)> {
    common::corpus(
        &["lsp/tests/corpus/real", "lsp/tests/corpus/fixtures", "lua"],
        51,
    )
}

fn model_text(text: &str, parse: &parse::Parse) -> String {
    format!("{:?}", Model::build(parse, text, &crescent_api::builtin()))
}

/// Texts where runs depend on each other: shadowed top-level locals, types learnt from a
/// later assignment, `self` fields assigned in one run and read in another.
const LINKED: &[&str] = &[
    "local a = 1\nlocal function f() return a end\nlocal a = vec3(1, 2, 3)\nfunction g() return a:length() end\n",
    "local e\nfunction init(self) e = self.entity end\nfunction update(self) e:despawn() end\n",
    "function init(self) self.aim = vec3(0, 0, 1) end\nfunction update(self, dt) self.aim:normalize() end\nlocal x = 1\nx = x + 1\n",
    "properties = { speed = 2 }\nlocal t = world\nfunction update(self) t.spawn({}) self.speed = self.speed + 1 end\n",
];

#[test]
fn runs_give_the_model_of_one_tree_on_every_file_lua_accepts() {
    let mut checked = 0;
    let mut runs = 0;
    for text in LINKED {
        let whole = parse::parse_whole(text);
        assert!(whole.errors.is_empty(), "{text}");
        let split = parse::parse(text);
        assert!(split.segments.len() >= 3, "{text}");
        assert_eq!(model_text(text, &split), model_text(text, &whole), "{text}");
    }
    for (path, text) in corpus() {
        let whole = parse::parse_whole(&text);
        if !whole.errors.is_empty() {
            continue;
        }
        let split = parse::parse(&text);
        assert!(
            split.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            split.errors
        );
        assert_eq!(
            model_text(&text, &split),
            model_text(&text, &whole),
            "{}",
            path.display()
        );
        checked += 1;
        runs += split.segments.len();
    }
    assert!(
        checked > 50 && runs > 5 * checked,
        "{checked} files, {runs} runs"
    );
}

/// A small deterministic generator, so a failure names a reproducible edit.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const INSERTS: &[&str] = &[
    "x",
    "\n",
    "end\n",
    "function g()\n",
    "local y = 1\n",
    "math.",
    "(",
    ")",
    "--[[",
    "\"",
    " if x then ",
];

#[test]
fn an_analysis_after_an_edit_is_the_analysis_of_the_new_text() {
    let api = crescent_api::builtin();
    let mut rng = Rng(7);
    let mut edits = 0;
    let mut reused = 0;
    let mut walked_again = 0;
    for (path, text) in corpus()
        .into_iter()
        .filter(|(_, t)| t.len() < 60_000)
        .step_by(3)
    {
        let mut text = text;
        let mut prev = analyze_after(&text, &api, None);
        for _ in 0..8 {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + rng.below(40)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let insert = INSERTS[rng.below(INSERTS.len())];
            let mut next = text.clone();
            next.replace_range(at..end, insert);
            let after = analyze_after(&next, &api, Some(&prev));
            let fresh = analyze(&next, &api);
            let bases = |a: &crescent_analysis::FileAnalysis| -> Vec<usize> {
                a.parse.segments.iter().map(|s| s.base).collect()
            };
            assert_eq!(
                bases(&after),
                bases(&fresh),
                "{}: replacing {at}..{end} of {text:?} with {insert:?}",
                path.display()
            );
            assert_eq!(
                after.parse.errors,
                fresh.parse.errors,
                "{}: replacing {at}..{end} with {insert:?}",
                path.display()
            );
            assert_eq!(
                format!("{:?}", after.model()),
                format!("{:?}", fresh.model()),
                "{}: replacing {at}..{end} with {insert:?}",
                path.display()
            );
            reused += after.parse.reused(&prev.parse);
            walked_again += after.fragments.len() - after.fragments.reused(&prev.fragments);
            edits += 1;
            text = next;
            prev = after;
        }
    }
    assert!(
        edits > 50 && reused > edits,
        "{edits} edits, {reused} runs reused"
    );
    // Runs are walked again only where the parse changed (or what they see did).
    assert!(walked_again < edits * 3, "{walked_again} runs walked again");
}
