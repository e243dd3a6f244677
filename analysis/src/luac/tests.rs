//! Tests of the syntax checker: `luac5.4 -p`'s messages and lines (each case checked against
//! Lua 5.4.4's `luac`), and robustness on arbitrary bytes.

use super::check;

/// `line: message` of the first error, as `luac5.4 -p` prints it, or `ok`.
fn first(text: &str) -> String {
    match check(text).into_iter().next() {
        None => "ok".into(),
        Some(e) => format!("{}: {}", e.line, e.message),
    }
}

/// Checks each `(text, first error)` case, reporting every case that differs at once.
#[track_caller]
fn expect_first(cases: &[(&str, &str)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(text, want)| {
            let got = first(text);
            (got != want).then(|| format!("{text:?}\n  want {want}\n  got  {got}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `line: message` of every error.
fn all(text: &str) -> Vec<String> {
    check(text)
        .into_iter()
        .map(|e| format!("{}: {}", e.line, e.message))
        .collect()
}

#[test]
fn accepts_valid_lua_54() {
    let ok = "local t = {...}\nfor i = 1, 2 do if i then break end end\n\
              do goto skip end ::skip::\nwhile true do goto continue ::continue:: end\n\
              local f = function(...) return ... end\nlocal c <const>, d <close> = 1, nil\n\
              local s = '\\x41\\065\\u{48}\\z\n  x\\n'\nrepeat local y = 1 until y\n\
              local p = [[(\\*)%2]]\nx = 0x1p4 + 0x.8 + 1e10 + .5 + 3. + 0xA.8p-1 + 0x10 // 2\n\
              a.b.c = f{}.x, f'' , a:b(c)[1]\nx = \"\\u{7FFFFFFF}\" .. #t ~ ~1 << 2 >> 3 & 4 | 5\n\
              goto continue\nlocal z = 1\n::continue::\n";
    assert_eq!(first(ok), "ok");
    assert_eq!(first(""), "ok");
    assert_eq!(first("#!/usr/bin/lua\nreturn"), "ok");
    assert_eq!(first("\u{feff}x = 1"), "ok");
}

#[test]
fn syntax_errors() {
    expect_first(&[
        (
            "local a = 1\nlocal b = = 2\n",
            "2: unexpected symbol near '='",
        ),
        (
            "x = 1\nfunction f()\n  local y = 1\n",
            "4: 'end' expected (to close 'function' at line 2) near <eof>",
        ),
        (
            "local function f() return 1",
            "1: 'end' expected near <eof>",
        ),
        ("local = 1", "1: <name> expected near '='"),
        ("x = 1 end", "1: <eof> expected near 'end'"),
        ("return 1\nx = 2", "2: <eof> expected near 'x'"),
        ("x = {[1] 2}", "1: '=' expected near '2'"),
        ("x = a:b.c", "1: function arguments expected near '.'"),
        ("a:b() = 1", "1: syntax error near '='"),
        ("(a) = 1", "1: syntax error near '='"),
        ("x.y", "1: syntax error near <eof>"),
        ("for i do end", "1: '=' or 'in' expected near 'do'"),
        ("for i = 1 do end", "1: ',' expected near 'do'"),
        (
            "function f(a,\n) end",
            "2: <name> or '...' expected near ')'",
        ),
        ("f(\n)\n)", "3: unexpected symbol near ')'"),
        ("x = @", "1: unexpected symbol near '@'"),
        ("x = \u{e9}", "1: unexpected symbol near '<\\195>'"),
        (
            "x = {\n a = 1,\n b\n c = 2 }",
            "4: '}' expected (to close '{' at line 1) near 'c'",
        ),
        (
            "local function f() return ... end",
            "1: cannot use '...' outside a vararg function near '...'",
        ),
    ]);
}

#[test]
fn lexical_errors() {
    expect_first(&[
        ("x = \"abc\ny = 1", "1: unfinished string near '\"abc'"),
        ("x = 'abc", "1: unfinished string near <eof>"),
        ("local n = 3x", "1: malformed number near '3x'"),
        ("x = 1..2", "1: malformed number near '1..2'"),
        ("x = 0x", "1: malformed number near '0x'"),
        ("x = 1e+", "1: malformed number near '1e+'"),
        (
            "local s = \"a\\qb\"",
            "1: invalid escape sequence near '\"a\\q'",
        ),
        (
            "x = \"\\xZZ\"",
            "1: hexadecimal digit expected near '\"\\xZ'",
        ),
        (
            "x = \"\\300\"",
            "1: decimal escape too large near '\"\\300\"'",
        ),
        ("x = \"\\u{12\"", "1: missing '}' near '\"\\u{12\"'"),
        (
            "x = \"\\u{80000000}\"",
            "1: UTF-8 value too large near '\"\\u{80000000'",
        ),
        (
            "x = [[abc\n\ndef",
            "3: unfinished long string (starting at line 1) near <eof>",
        ),
        (
            "--[==[abc\r\n\r\ndef",
            "3: unfinished long comment (starting at line 1) near <eof>",
        ),
        ("x = [==abc", "1: invalid long string delimiter near '[=='"),
        ("\x1bLua", "1: bad binary format (truncated chunk)"),
    ]);
}

#[test]
fn lines_follow_the_lexer() {
    expect_first(&[
        // A multi-line token ends on a later line; `\z` and backslash-newline count lines.
        ("x = [=[\n]]\n]=] = 1", "3: unexpected symbol near '='"),
        ("x = \"a\\z\n\n   b\" = 1", "3: unexpected symbol near '='"),
        ("x = \"a\\\n\\\n\" = 1", "3: unexpected symbol near '='"),
        // Every newline convention counts one line per pair.
        ("\r\nx = \r\n\r\n= 1", "4: unexpected symbol near '='"),
        ("\n\rx = \n\r\n\r= 1", "4: unexpected symbol near '='"),
        ("\rx = \r\r= 1", "4: unexpected symbol near '='"),
        // The lexer only reads a bad token when the parser asks for it.
        ("x = = 1 \"unfinished", "1: unexpected symbol near '='"),
        // The table constructor's lookahead reads one token ahead.
        ("t = { a\n\n'x", "3: unfinished string near <eof>"),
    ]);
}

#[test]
fn semantic_errors() {
    expect_first(&[
        ("break", "1: break outside loop at line 1"),
        (
            "while true do\n break\nend\nbreak\n",
            "5: break outside loop at line 4",
        ),
        (
            "while true do local f = function() break end end",
            "1: break outside loop at line 1",
        ),
        (
            "goto done",
            "1: no visible label 'done' for <goto> at line 1",
        ),
        (
            "repeat local z = 1 until z\n goto q\n",
            "3: no visible label 'q' for <goto> at line 2",
        ),
        (
            "::a:: do ::a:: end",
            "1: label 'a' already defined on line 1",
        ),
        (
            "goto l\nlocal x <const> = 1\n::l::\nprint(x)\n",
            "4: <goto l> at line 1 jumps into the scope of local 'x'",
        ),
        (
            "repeat\n goto c\n local x\n ::c::\nuntil x\n",
            "5: <goto c> at line 2 jumps into the scope of local 'x'",
        ),
        ("local x <fast> = 1", "1: unknown attribute 'fast'"),
        (
            "local a <close>, b <close> = 1",
            "1: multiple to-be-closed variables in local list",
        ),
        (
            "local k <const> = 1\nlocal k2 = k; k = 2",
            "2: attempt to assign to const variable 'k'",
        ),
        (
            "local k <const> = 1\nfunction k()\nend\n\nx=1",
            "5: attempt to assign to const variable 'k'",
        ),
        (
            "local x <const> = 1\nlocal function f() x = 3 end",
            "2: attempt to assign to const variable 'x'",
        ),
    ]);
    // Later semantic errors are the ones luac reports once the first is fixed; a syntax
    // error ends the check.
    assert_eq!(
        all("local k <const> = 1\nk = 2\nk = 3\nx = = 1\nk = 4"),
        [
            "2: attempt to assign to const variable 'k'",
            "3: attempt to assign to const variable 'k'",
            "4: unexpected symbol near '='",
        ]
    );
}

#[test]
fn many_semantic_errors_are_capped() {
    let text = "break\n".repeat(1000);
    let errors = check(&text);
    assert_eq!(errors.len(), 100);
    assert_eq!(errors[0].message, "break outside loop at line 1");
}

#[test]
fn limits() {
    let locals = |n: usize| {
        (0..n)
            .map(|i| format!("local v{i} = {i}\n"))
            .collect::<String>()
    };
    assert_eq!(first(&locals(200)), "ok");
    assert_eq!(
        first(&locals(201)),
        "201: too many local variables (limit is 200) in main function near '='"
    );
    // A `for` loop's hidden variables count too.
    let in_function = format!(
        "local function f()\n{}for i = 1, 2 do end\nend",
        locals(197)
    );
    assert_eq!(
        first(&in_function),
        "199: too many local variables (limit is 200) in function at line 1 near '='"
    );
    // The C-call limit: luac accepts 196 nested parentheses and refuses 197.
    let parens = |n: usize| format!("x = {}1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(first(&parens(196)), "ok");
    assert_eq!(first(&parens(197)), "1: C stack overflow");
    let concat = |n: usize| format!("x = {}", vec!["1"; n].join(" .. "));
    assert_eq!(first(&concat(197)), "ok");
    assert_eq!(first(&concat(198)), "1: C stack overflow");
    let blocks = |n: usize| format!("{}{}", "do ".repeat(n), "end ".repeat(n));
    assert_eq!(first(&blocks(198)), "ok");
    assert_eq!(first(&blocks(199)), "1: C stack overflow");
}

/// A deterministic pseudo-random generator (xorshift), for the robustness tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn never_panics_on_arbitrary_text() {
    const PIECES: &[&str] = &[
        "local ",
        "function ",
        "end ",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "[[",
        "]]",
        "[=",
        "--",
        "--[[",
        "\"",
        "'",
        "\\",
        "\\z",
        "\\x",
        "\\u{",
        "\n",
        "\r",
        "=",
        "==",
        ",",
        ";",
        ":",
        "::",
        ".",
        "..",
        "...",
        "goto ",
        "break ",
        "return ",
        "if ",
        "then ",
        "else ",
        "while ",
        "do ",
        "for ",
        "in ",
        "repeat ",
        "until ",
        "<const>",
        "<close>",
        "x",
        "y",
        "1",
        "0x",
        "1e",
        "3.5",
        "+",
        "-",
        "~",
        "#",
        "not ",
        "and ",
        "@",
        "\u{e9}",
        "\u{feff}",
        "#!",
        " ",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = (rng.next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect();
        for e in check(&text) {
            assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
            assert!(e.line >= 1);
        }
    }
    for _ in 0..500 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 128) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        for e in check(&text) {
            assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
        }
    }
}

#[test]
fn never_panics_on_truncated_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lsp/tests/corpus/real");
    let mut stack = vec![dir];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            // A handful of cut points per file, at character boundaries.
            let mut cut = text.len() / 7 + 1;
            while cut < text.len() {
                if let Some(prefix) = text.get(..cut) {
                    for e in check(prefix) {
                        assert!(e.start <= e.end && e.end <= prefix.len(), "{path:?}");
                    }
                }
                cut += text.len() / 7 + 1;
            }
        }
    }
    assert!(files > 50, "corpus not found: {files} files");
}

/// A file of top-level statements long enough for several resume points, with locals (one of
/// them `<const>`), a table of functions, loops and a `goto` inside a function.
fn long_file() -> String {
    let mut s = String::from("local M = {}\nlocal LIMIT <const> = 10\n");
    for i in 0..120 {
        s.push_str(&format!(
            "-- step {i}\nlocal v{i} = {i}\nfunction M.f{i}(self, dt)\n  for n = 1, 3 do\n    if n > LIMIT then goto done end\n    self.x = (self.x or 0) + n * dt + v{i}\n  end\n  ::done::\n  return self.x\nend\n"
        ));
    }
    s.push_str("return M\n");
    s
}

/// The check of an edited text started from the check of the text before the edit
/// ([`super::check_after`]) reports what a check from scratch reports, for edits that break,
/// fix, declare, shadow, make a constant assigned, or move lines, anywhere in the file.
#[test]
fn a_check_after_an_edit_agrees_with_a_check_from_scratch() {
    let base = long_file();
    let edits: &[(&str, &str)] = &[
        (
            "-- step 60",
            "-- step 60 with a longer comment\n-- and a second line",
        ),
        ("local v60 = 60", "local v60 = "),
        ("local v60 = 60", "local v60 = 60 +"),
        ("local v60 = 60", "local v60, w60 = 60, 61"),
        ("local v60 = 60", "v60 = 60"),
        ("local v60 = 60", "LIMIT = 60"),
        ("local v60 = 60", "local LIMIT = 60"),
        ("local v60 = 60", "local v60 <const> = 60 v60 = 1"),
        ("local v60 = 60", "goto nowhere"),
        ("local v60 = 60", "::top:: local v60 = 60"),
        ("local v60 = 60", "local v60 = [[60"),
        ("local v60 = 60", "local v60 = '60"),
        ("function M.f60(self, dt)", "function M.f60(self, dt"),
        ("function M.f60(self, dt)", "local function f60(self, dt)"),
        (
            "  ::done::\n  return self.x\nend\n-- step 61",
            "  ::done::\n  return self.x\n-- step 61",
        ),
        ("-- step 0\n", ""),
        ("return M\n", "return M\nlocal late = 1\n"),
        ("return M\n", ""),
        ("local LIMIT <const> = 10", "local LIMIT = 10"),
        ("local M = {}", "local M = {"),
        ("-- step 119", "do"),
        ("-- step 5", "if true then"),
    ];
    let mut wrong = Vec::new();
    for &(from, to) in edits {
        let at = base.find(from).expect("edit anchor");
        let mut edited = base.clone();
        edited.replace_range(at..at + from.len(), to);
        let (_, before) = super::check_after(&base, None);
        let (after, resume) = super::check_after(&edited, Some((&base, &before)));
        let scratch = check(&edited);
        if from == "-- step 60" {
            // Only the statements around the edit were checked again.
            assert_eq!(resume.reused, (true, true));
        }
        if after != scratch {
            wrong.push(format!(
                "{from:?} -> {to:?}\n  after  {after:?}\n  scratch {scratch:?}"
            ));
        }
        // And back: the edited check's state serves the next edit as well.
        let (back, _) = super::check_after(&base, Some((&edited, &resume)));
        if back != check(&base) {
            wrong.push(format!("back from {to:?}: {back:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Random single-byte and line edits in sequence, each checked from the last one's state.
#[test]
fn checks_chained_over_random_edits_agree_with_checks_from_scratch() {
    let mut text = long_file();
    let (_, mut resume) = super::check_after(&text, None);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rand = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let pieces = [
        "end",
        "local q = 1\n",
        "(",
        ")",
        "\n",
        "x",
        "'",
        "--",
        "goto done",
        "::l::",
        "=",
        "LIMIT = 2\n",
    ];
    for round in 0..300 {
        let mut at = rand(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut edited = text.clone();
        if round % 3 == 0 {
            let end = (at + rand(8)).min(edited.len());
            let end = (at..=end)
                .rev()
                .find(|&e| edited.is_char_boundary(e))
                .unwrap_or(at);
            edited.replace_range(at..end, "");
        } else {
            edited.insert_str(at, pieces[rand(pieces.len())]);
        }
        let (after, next) = super::check_after(&edited, Some((&text, &resume)));
        assert_eq!(after, check(&edited), "round {round}, edit at {at}");
        text = edited;
        resume = next;
    }
}
