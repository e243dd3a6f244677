use crescent_analysis::*;
use std::time::Instant;
fn gen(bytes: usize) -> String {
    let mut s = String::from("local M = {}\n\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!("function M.f{i}(a, b)\n  local c = a + b * {i}\n  if c > 10 then\n    return math.floor(c)\n  end\n  return c\nend\n\n"));
        i += 1;
    }
    s
}
fn t<R>(name: &str, f: impl Fn() -> R) -> R {
    let mut v = vec![];
    let mut r = None;
    for _ in 0..5 {
        let s = Instant::now();
        r = Some(f());
        v.push(s.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(f64::total_cmp);
    println!("  {name}: {:.2} ms", v[2]);
    r.unwrap()
}
fn main() {
    let api = crescent_api::builtin();
    if std::env::var("PROBE").as_deref() == Ok("model") {
        let text = gen(400_000);
        let a0 = analyze(&text, &api);
        let edited = format!("{text}function g()\n  math.\nend\n");
        let a1 = analyze_after(&edited, &api, Some(&a0));
        eprintln!(
            "runs {} parse reused {} fragments reused {}",
            a1.fragments.len(),
            a1.parse.reused(&a0.parse),
            a1.fragments.reused(&a0.fragments)
        );
        for _ in 0..60 {
            std::hint::black_box(analyze_after(&edited, &api, Some(&a0)));
        }
        return;
    }
    let facts = WorkspaceFacts::default();
    for kb in [25, 100, 400, 2000] {
        let base = gen(kb * 1000);
        let text = format!("{base}function g()\n  math.\nend\n");
        let off = text.rfind("math.").unwrap() + 5;
        println!("{kb} KB ({} bytes)", text.len());
        let p0 = t("parse", || parse::parse(&base));
        let p1 = t("reparse after an edit", || parse::reparse(&text, Some(&p0)));
        println!(
            "    segments {} reused {}",
            p1.segments.len(),
            p1.reused(&p0)
        );
        t("model", || Model::build(&p1, &text, &api));
        let a0 = t("first analysis (kept for edits)", || {
            analyze_after(&base, &api, None)
        });
        t("analyze after an edit", || {
            analyze_after(&text, &api, Some(&a0))
        });
        let file = t("analyze", || analyze(&text, &api));
        t("repaired", || repaired(&text, off, &file, &api));
        t("completion", || {
            completion::completions(&text, off, &file, &api, &facts)
        });
        let good = analyze(&base, &api);
        let hoff = base.rfind("math.floor").unwrap() + 6;
        t("hover", || hover::hover(hoff, &good, &api, &facts));
        t("diagnostics", || {
            diagnostics::diagnostics(&base, &good, &api, &facts)
        });
        t("luac check", || luac::check(&base));
        t("line index", || LineIndex::new(&base));
    }
}
#[allow(dead_code)]
fn model_loop() {}
