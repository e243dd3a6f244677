//! Prints full_moon's raw errors with their ranges (debugging aid for syntax agreement).
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let r = full_moon::parse_fallible(&text, full_moon::LuaVersion::lua54());
        println!("== {path}");
        for e in r.errors() {
            let (s, t) = e.range();
            println!(
                "{}:{}-{}:{} {}",
                s.line(),
                s.character(),
                t.line(),
                t.character(),
                e.error_message()
            );
        }
    }
}
