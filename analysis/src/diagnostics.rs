//! Diagnostics: the shared types, the list of lints, and the fixture checker their tests use.
//!
//! Each lint lives in its own file under `lints/` with a stable code, a doc line and its tests
//! at the bottom, and is registered once in [`LINTS`]. The code `syntax` belongs to parse
//! errors alone.

use super::lints;
use super::{FileAnalysis, WorkspaceFacts};
use crate::model::Span;
use crescent_api::Api;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The script will fail or misbehave.
    Error,
    /// Probably a mistake.
    Warning,
    /// Worth knowing.
    Info,
    /// A suggestion, shown faintly.
    Hint,
}

impl Severity {
    /// Lowercase name, as written in fixtures.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One finding in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Bytes the finding is about.
    pub span: Span,
    /// How serious it is.
    pub severity: Severity,
    /// Stable code of the lint (`unknown-member`).
    pub code: &'static str,
    /// What is wrong, lowercase, with a suggestion when there is one.
    pub message: String,
    /// Whether the text is unused (editors fade it).
    pub unnecessary: bool,
    /// The text that fixes it, replacing `span` (a "did you mean" name), when the lint knows.
    pub fix: Option<String>,
}

/// What a lint can look at.
pub struct LintContext<'a> {
    /// The file's text.
    pub text: &'a str,
    /// Its parse and model.
    pub file: &'a FileAnalysis,
    /// The engine API.
    pub api: &'a Api,
    /// What the rest of the workspace defines.
    pub facts: &'a WorkspaceFacts,
}

/// A registered lint.
pub struct Lint {
    /// Stable code, used in the diagnostic and in docs.
    pub code: &'static str,
    /// What it finds and why it matters.
    pub doc: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Adds its findings.
    pub run: fn(&LintContext<'_>, &mut Vec<Diagnostic>),
}

impl Lint {
    /// A finding of this lint at `span`: `message`, followed by "did you mean" and offered as
    /// the quick fix when there is a `suggestion`.
    pub fn finding(&self, span: Span, message: String, suggestion: Option<&str>) -> Diagnostic {
        let (message, fix) = crate::fuzzy::did_you_mean(message, suggestion);
        Diagnostic {
            span,
            severity: self.severity,
            code: self.code,
            message,
            unnecessary: false,
            fix,
        }
    }
}

/// Every lint, in the order they run.
pub const LINTS: &[&Lint] = &[
    &lints::syntax::LINT,
    &lints::unknown_member::LINT,
    &lints::arity::LINT,
    &lints::unknown_component::LINT,
    &lints::missing_module::LINT,
    &lints::missing_asset::LINT,
    &lints::lifecycle::LINT,
    &lints::sandbox::LINT,
    &lints::undefined_global::LINT,
    &lints::unused_local::LINT,
];

/// All diagnostics of a file, sorted by position.
pub fn diagnostics(
    text: &str,
    file: &FileAnalysis,
    api: &Api,
    facts: &WorkspaceFacts,
) -> Vec<Diagnostic> {
    let ctx = LintContext {
        text,
        file,
        api,
        facts,
    };
    let mut out = Vec::new();
    for lint in LINTS {
        (lint.run)(&ctx, &mut out);
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// Test support: checks a fixture whose expected diagnostics are written as Lua comments with
/// `^^^` under the offending text of the line above, followed by `severity: message`.
#[cfg(test)]
pub(crate) fn check_diagnostics(fixture: &str) {
    check_diagnostics_with(fixture, &WorkspaceFacts::default(), None);
}

/// [`check_diagnostics`] with workspace facts and, optionally, only the lint with `code`.
#[cfg(test)]
pub(crate) fn check_diagnostics_with(fixture: &str, facts: &WorkspaceFacts, only: Option<&str>) {
    let api =
        crate::classes::with_classes(&crescent_api::builtin(), &crate::classes::read(fixture));
    let file = super::analyze(fixture, &api);
    let lines: Vec<&str> = fixture.split('\n').collect();
    let mut expected = Vec::new();
    let mut target_line = 0;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("--^") {
            let col = line.find('^').unwrap_or(0);
            let carets = 1 + rest.chars().take_while(|&c| c == '^').count();
            let message = rest.trim_start_matches('^').trim();
            expected.push(format!(
                "{}:{}-{} {}",
                target_line + 1,
                col,
                col + carets,
                message
            ));
        } else {
            target_line = i;
        }
    }
    let index = super::LineIndex::new(fixture);
    let mut actual = Vec::new();
    for d in diagnostics(fixture, &file, &api, facts) {
        if only.is_some_and(|c| c != d.code) {
            continue;
        }
        let s = index.position(fixture, d.span.start, super::Encoding::Utf8);
        let e = index.position(fixture, d.span.end, super::Encoding::Utf8);
        let end_col = if e.line == s.line { e.col } else { s.col + 1 };
        let s_line = lines.get(s.line as usize).copied().unwrap_or("");
        // Count columns in characters so carets line up under non-ASCII text.
        let start_c = s_line
            .get(..s.col as usize)
            .map(|t| t.chars().count())
            .unwrap_or(0);
        let end_c = s_line
            .get(..end_col as usize)
            .map(|t| t.chars().count())
            .unwrap_or(start_c + 1);
        actual.push(format!(
            "{}:{}-{} {}: {}",
            s.line + 1,
            start_c,
            end_c,
            d.severity.as_str(),
            d.message
        ));
    }
    assert_eq!(
        expected.join("\n"),
        actual.join("\n"),
        "fixture:\n{fixture}"
    );
}
