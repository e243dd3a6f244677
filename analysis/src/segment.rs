//! Splitting a chunk into runs of top-level statements, so that an edit reparses only the
//! statements it touches (see [`super::parse::reparse`]).
//!
//! The split is made from tokens (the syntax checker's lexer), not from a tree: a cut goes
//! before a keyword that can only start a statement (`local`, `function`, `if`, `for`, `while`,
//! `repeat`, `return`, `goto`), at block and bracket depth 0, right after a token that can end
//! one (a name, a literal, `end`, a closing bracket, ...). `do` never cuts, since it also
//! follows `while` and `for` headers. On text Lua accepts, each run is then a whole sequence of
//! statements and parsing the runs one by one gives the same statements as parsing the text.
//!
//! While a function is being typed its `end` is often missing, and a call its `)`, and the depth
//! would stay above 0 for the rest of the file (one run, reparsed and walked again on every
//! keystroke: 35-65 ms a version at 400 KB). So a `local` or `function` at the start of a line
//! (column 0) inside a block or a bracket also cuts and resets both depths
//! ([`Cuts::Lenient`]). Code that puts such a keyword at column 0 inside a block or a table
//! constructor is split wrongly by that rule; the parser notices (a run that does not parse,
//! in a text the checker accepts) and splits again with [`Cuts::Strict`].

use super::luac::lexer::{Lexer, Tok};

/// Which cuts the split makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cuts {
    /// Only at depth 0.
    Strict,
    /// Also before a `local` or `function` at column 0, inside blocks and brackets.
    Lenient,
}

/// Start offsets of the runs of `text`, in order; the first is always 0.
pub fn starts(text: &str, cuts: Cuts) -> Vec<usize> {
    starts_until(text, 0, cuts, |_| false).0
}

/// Start offsets of the runs of `text` from `from` (a run start) on, stopping at the first cut
/// `sync` accepts: that cut is returned apart, and the runs from it on are the caller's
/// (unchanged text after an edit, already split the same way: the split after a cut depends
/// only on the text after it).
pub fn starts_until(
    text: &str,
    from: usize,
    cuts: Cuts,
    sync: impl Fn(usize) -> bool,
) -> (Vec<usize>, Option<usize>) {
    let b = text.as_bytes();
    let from = from.min(b.len());
    let pos = if from == 0 {
        super::luac::start_offset(b)
    } else {
        from
    };
    let mut lex = Lexer::new(b, pos);
    lex.line_start = b[..from]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let mut out = vec![from];
    let mut blocks: usize = 0;
    let mut brackets: usize = 0;
    // A run starts after a token that can end a statement (or at the start of the text).
    let mut ends_statement = from > 0;
    let mut prev_end = from;
    // The first token belongs to the run that starts at `from`.
    let mut first = true;
    // A lexical error (an unfinished string) ends the split: the rest is one run.
    while let Ok(t) = lex.next_token() {
        if t.tok == Tok::Eos {
            break;
        }
        let lenient = cuts == Cuts::Lenient
            && (blocks > 0 || brackets > 0)
            && matches!(t.tok, Tok::Local | Tok::Function)
            && t.start == t.line_start;
        if lenient {
            blocks = 0;
            brackets = 0;
        }
        let cut = !std::mem::take(&mut first)
            && blocks == 0
            && brackets == 0
            && (ends_statement || lenient)
            && starts_statement(t.tok)
            && out.last() != Some(&t.start);
        if cut {
            let at = doc_start(b, prev_end, t.start);
            if sync(at) {
                return (out, Some(at));
            }
            if out.last() != Some(&at) {
                out.push(at);
            }
        }
        prev_end = t.end;
        match t.tok {
            Tok::Function | Tok::If | Tok::Do | Tok::Repeat => blocks += 1,
            Tok::End | Tok::Until => blocks = blocks.saturating_sub(1),
            Tok::Char(b'(' | b'[' | b'{') => brackets += 1,
            Tok::Char(b')' | b']' | b'}') => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        ends_statement = matches!(
            t.tok,
            Tok::End
                | Tok::Name
                | Tok::String
                | Tok::Int
                | Tok::Flt
                | Tok::Nil
                | Tok::True
                | Tok::False
                | Tok::Dots
                | Tok::Break
                | Tok::DbColon
                | Tok::Char(b')' | b']' | b'}' | b';')
        );
    }
    (out, None)
}

/// Where a run starting with the token at `start` begins: at the line after the previous
/// token's (`prev_end`), so the comment lines above a statement (its doc, its `---@`
/// annotations) go with it; at the token itself when a block comment starts on the previous
/// token's line (it could end anywhere) or nothing but that line lies between.
fn doc_start(b: &[u8], prev_end: usize, start: usize) -> usize {
    let between = &b[prev_end.min(start)..start];
    let Some(nl) = between.iter().position(|&c| c == b'\n') else {
        return start;
    };
    if between[..nl].windows(3).any(|w| w == b"--[") {
        return start;
    }
    prev_end + nl + 1
}

fn starts_statement(tok: Tok) -> bool {
    matches!(
        tok,
        Tok::Local
            | Tok::Function
            | Tok::If
            | Tok::For
            | Tok::While
            | Tok::Repeat
            | Tok::Return
            | Tok::Goto
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str, cuts: Cuts) -> Vec<&str> {
        let s = starts(text, cuts);
        s.iter()
            .enumerate()
            .map(|(i, &a)| &text[a..s.get(i + 1).copied().unwrap_or(text.len())])
            .collect()
    }

    #[test]
    fn cuts_between_top_level_statements_only() {
        let text = "local a = 1\nfunction f()\n  local b = function() end\n  if a then return b end\nend\nwhile a do a = nil end\nfor i = 1, 2 do end\nx = y\nreturn f";
        assert_eq!(
            runs(text, Cuts::Strict),
            [
                "local a = 1\n",
                "function f()\n  local b = function() end\n  if a then return b end\nend\n",
                "while a do a = nil end\n",
                "for i = 1, 2 do end\nx = y\n",
                "return f"
            ]
        );
    }

    #[test]
    fn keywords_in_expressions_strings_and_brackets_do_not_cut() {
        let text = "x = function() end\nt = { f = function() end, 'local x' }\ny = (\nfunction() end)()\n-- local z\ns = [[\nlocal w]]";
        assert_eq!(runs(text, Cuts::Strict), [text]);
    }

    #[test]
    fn a_missing_end_cuts_at_the_next_line_starting_a_function() {
        let text = "function f()\n  if x then\n\nfunction g()\nend\nlocal y = 1\n";
        assert_eq!(runs(text, Cuts::Strict), [text]);
        assert_eq!(
            runs(text, Cuts::Lenient),
            [
                "function f()\n  if x then\n",
                "\nfunction g()\nend\n",
                "local y = 1\n"
            ]
        );
    }

    #[test]
    fn an_unclosed_bracket_cuts_at_the_next_line_starting_a_function() {
        // A call being typed (`(` not closed yet), or a stray `)`: the split finds the runs
        // after it again instead of making the rest of the file one run.
        let text = "function f()
  local e = world.spawn({ x = 1 }
end

function g()
end
local y = 1
";
        assert_eq!(runs(text, Cuts::Strict), [text]);
        assert_eq!(
            runs(text, Cuts::Lenient),
            [
                "function f()
  local e = world.spawn({ x = 1 }
end
",
                "
function g()
end
",
                "local y = 1
"
            ]
        );
        let stray = "function f()
  local e = world.s)(wn({ x = 1 })
end
function g()
end
";
        assert_eq!(
            runs(stray, Cuts::Lenient),
            [
                "function f()
  local e = world.s)(wn({ x = 1 })
end
",
                "function g()
end
"
            ]
        );
        // Valid code with `function` at column 0 in brackets is cut wrongly by this rule; the
        // parse sees the run that does not parse and splits again with Strict.
        let valid = "y = (
function() end)()
local z = 1
";
        let parse = crate::parse::parse(valid);
        let run = parse.run_at(valid.find("function").unwrap_or(0));
        assert_eq!(
            run.start, 0,
            "the bracket's function stays in its statement's run"
        );
        assert_eq!(parse.tree_errors_in(run), 0);
    }

    #[test]
    fn comment_lines_above_a_statement_go_with_it() {
        let text = "local a = 1 -- one\n\n--- Doc.\n---@param e Entity\nfunction f(e) end\nlocal b = 2 --[[ x\n]] local c = 3\n";
        assert_eq!(
            runs(text, Cuts::Strict),
            [
                "local a = 1 -- one\n",
                "\n--- Doc.\n---@param e Entity\nfunction f(e) end\n",
                "local b = 2 --[[ x\n]] ",
                "local c = 3\n"
            ]
        );
    }

    #[test]
    fn an_unfinished_string_ends_the_split() {
        let text = "local a = 1\nlocal s = 'abc\nlocal b = 2\n";
        assert_eq!(
            runs(text, Cuts::Lenient),
            ["local a = 1\n", "local s = 'abc\nlocal b = 2\n"]
        );
    }
}
