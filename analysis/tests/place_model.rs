//! A request at one place (completion, hover, signature help) answered from the model of its
//! run alone (`FileAnalysis::at`, made when the whole file's model is not) says what the
//! whole file's model says: checked at places all over every corpus file, before and after
//! edits, broken ones included.

mod common;

use crescent_analysis::{
    analyze_after, completion, hover, signature, FileAnalysis, WorkspaceFacts,
};
use std::path::PathBuf;

fn corpus() -> Vec<(PathBuf, String)> {
    common::corpus(&["lsp/tests/corpus/fixtures", "lua"], 31)
}

/// Runs that depend on each other, as in `reparse.rs`.
const LINKED: &str = "local a = 1\nlocal function f() return a end\nlocal a = vec3(1, 2, 3)\nfunction g() return a:length() end\nlocal e\nfunction init(self) e = self.entity self.aim = vec3(0, 0, 1) end\nfunction update(self, dt) e:despawn() self.aim:normalize() a: end\nlocal late\nfunction h() late = world late. end\nproperties = { speed = 2 }\n";

/// Every answer at `offset`, as text.
fn answers(text: &str, offset: usize, file: &FileAnalysis, api: &crescent_api::Api) -> String {
    let facts = WorkspaceFacts::default();
    let c = completion::completions(text, offset, file, api, &facts);
    let h = hover::hover(offset, file, api, &facts);
    let s = signature::signature_help(text, offset, file, api, &facts);
    format!("{:?}\n{h:?}\n{s:?}", c.items)
}

/// Compares the two ways at places spread over `text` (every `step` bytes, and after every
/// `.`, `:` and `(`).
fn compare(path: &str, text: &str, api: &crescent_api::Api, step: usize) -> usize {
    let whole = analyze_after(text, api, None);
    let _ = whole.model();
    let place = analyze_after(text, api, None);
    let mut offsets: Vec<usize> = (0..text.len()).step_by(step).collect();
    offsets.extend(
        text.char_indices()
            .filter(|(_, c)| matches!(c, '.' | ':' | '('))
            .map(|(i, _)| i + 1),
    );
    offsets.retain(|&o| text.is_char_boundary(o));
    for &o in &offsets {
        let (a, b) = (answers(text, o, &whole, api), answers(text, o, &place, api));
        assert_eq!(
            a,
            b,
            "{path} at byte {o}: {:?}",
            text.get(o.saturating_sub(30)..o)
        );
    }
    assert!(
        !place.has_model(),
        "{path}: the requests made the whole file's model"
    );
    offsets.len()
}

#[test]
fn a_place_gets_the_answers_of_the_whole_files_model() {
    let api = crescent_api::builtin();
    let mut places = compare("LINKED", LINKED, &api, 1);
    for (path, text) in corpus() {
        places += compare(&path.display().to_string(), &text, &api, 97);
    }
    assert!(places > 2000, "{places} places");
}

#[test]
fn after_edits_too() {
    let api = crescent_api::builtin();
    let mut places = 0;
    for (path, text) in corpus().into_iter().step_by(4) {
        for (k, insert) in ["x.", "\nlocal q = vec3(1, 2, 3)\nq:", "(", "end\n", "self."]
            .iter()
            .enumerate()
        {
            let mut at = (text.len() / 5 * (k + 1)).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut edited = text.clone();
            edited.insert_str(at, insert);
            let before = analyze_after(&text, &api, None);
            let whole = analyze_after(&edited, &api, Some(&before));
            let _ = whole.model();
            let place = analyze_after(&edited, &api, Some(&before));
            let o = at + insert.len();
            assert_eq!(
                answers(&edited, o, &whole, &api),
                answers(&edited, o, &place, &api),
                "{} with {insert:?} at {at}",
                path.display()
            );
            assert!(!place.has_model());
            places += 1;
        }
    }
    assert!(places > 20, "{places} places");
}
