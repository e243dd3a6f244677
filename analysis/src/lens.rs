//! Code lenses: over each lifecycle callback of a script, what the running game measures for
//! it (live instances, calls, time per call and per frame, memory allocated per frame), from the dev channel's `stats`
//! samples. The server keeps the samples; this module finds the callbacks and writes the text.

use crate::model::Span;
use crate::FileAnalysis;
use crescent_api::dev::ScriptStats;
use crescent_api::Api;

/// A lifecycle callback defined at the top level of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// `update`.
    pub name: String,
    /// Its name in the source.
    pub span: Span,
}

/// The lifecycle callbacks `file` defines (top-level global functions the API names as
/// callbacks), in source order.
pub fn callbacks(file: &FileAnalysis, api: &Api) -> Vec<Callback> {
    file.model()
        .functions
        .iter()
        .filter(|f| f.top_level && f.global && !f.method && !f.name.contains('.'))
        .filter(|f| api.callback(&f.name).is_some())
        .map(|f| Callback {
            name: f.name.clone(),
            span: f.name_span,
        })
        .collect()
}

/// One script's counters in a live sample, with the game's frame count when it was taken.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The script's counters.
    pub script: &'a ScriptStats,
    /// `GameStats::frame`.
    pub frame: u64,
}

/// The lens text for `callback`: `3 instances · 1800 update calls · 0.012 ms/call · 0.04
/// ms/frame`. Rates come from the difference between `now` and `before` (an older sample, a
/// second or two back, since the hot loops are timed one frame in sixteen), or from the
/// totals when there is no older sample or nothing ran between the two.
pub fn text(callback: &str, now: Sample<'_>, before: Option<Sample<'_>>) -> String {
    let s = now.script;
    let calls_of = |x: &ScriptStats| x.calls.values().sum::<u64>();
    let calls = s.calls.get(callback).copied().unwrap_or(0);
    let instances = match s.instances {
        1 => "1 instance".to_string(),
        n => format!("{n} instances"),
    };
    let window = before.and_then(|b| {
        let calls = calls_of(s).checked_sub(calls_of(b.script))?;
        let frames = now.frame.checked_sub(b.frame)?;
        let ms = (s.ms - b.script.ms).max(0.0);
        let kib = (s.alloc_kib - b.script.alloc_kib).max(0.0);
        (calls > 0 && frames > 0).then_some((ms, kib, calls, frames))
    });
    let (ms, kib, all_calls, frames) =
        window.unwrap_or((s.ms, s.alloc_kib, calls_of(s), now.frame));
    let mut out = format!("{instances} · {calls} {callback} calls");
    if all_calls > 0 {
        out.push_str(&format!(" · {:.3} ms/call", ms / all_calls as f64));
    }
    if frames > 0 {
        out.push_str(&format!(" · {:.3} ms/frame", ms / frames as f64));
        // Memory shows only where the script allocates (a hundredth of a KiB a frame or more).
        let kib = kib / frames as f64;
        if kib >= 0.005 {
            out.push_str(&format!(" · {kib:.2} KiB/frame"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn stats(instances: usize, update: u64, ms: f64) -> ScriptStats {
        allocating(instances, update, ms, 0.0)
    }

    fn allocating(instances: usize, update: u64, ms: f64, alloc_kib: f64) -> ScriptStats {
        let mut calls = BTreeMap::new();
        calls.insert("init".to_string(), instances as u64);
        calls.insert("update".to_string(), update);
        ScriptStats {
            path: "scripts/a.lua".into(),
            instances,
            calls,
            ms,
            alloc_kib,
        }
    }

    #[test]
    fn callbacks_are_the_top_level_lifecycle_functions() {
        let api = crescent_api::builtin();
        let text = "local M = {}\nfunction M.update() end\nfunction init(self) end\nlocal function step() end\nfunction update(self, dt) end\nfunction helper() end\n";
        let file = crate::analyze(text, &api);
        let names: Vec<String> = callbacks(&file, &api).into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["init", "update"]);
    }

    #[test]
    fn rates_come_from_the_window_or_the_totals() {
        let before = stats(3, 300, 10.0);
        let now = stats(3, 600, 40.0);
        let t = text(
            "update",
            Sample {
                script: &now,
                frame: 200,
            },
            Some(Sample {
                script: &before,
                frame: 100,
            }),
        );
        assert_eq!(
            t,
            "3 instances · 600 update calls · 0.100 ms/call · 0.300 ms/frame"
        );
        let t = text(
            "init",
            Sample {
                script: &stats(1, 0, 0.5),
                frame: 1,
            },
            None,
        );
        assert_eq!(
            t,
            "1 instance · 1 init calls · 0.500 ms/call · 0.500 ms/frame"
        );
        // 25 KiB over 100 frames.
        let t = text(
            "update",
            Sample {
                script: &allocating(3, 600, 40.0, 30.0),
                frame: 200,
            },
            Some(Sample {
                script: &allocating(3, 300, 10.0, 5.0),
                frame: 100,
            }),
        );
        assert!(t.ends_with(" · 0.300 ms/frame · 0.25 KiB/frame"), "{t}");
    }
}
