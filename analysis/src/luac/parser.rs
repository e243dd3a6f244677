//! The parser of the syntax checker: a port of the checking part of Lua 5.4's `lparser.c`,
//! function by function, without code generation.
//!
//! What it keeps of the compiler's state is what decides errors: the active local variables
//! and their attributes (`<const>`, `<close>`), the blocks with their labels and pending
//! gotos, whether each function is vararg, the count of locals per function and the C-level
//! recursion counter. Expressions are reduced to what `exprstat`/`restassign` test: a call, an
//! assignable variable (read-only or not), or anything else.

use super::lexer::{txt_token, Lexer, Tok, Token};
use super::Error;

/// `MAXVARS`: local variables per function.
const MAX_VARS: usize = 200;
/// `LUAI_MAXCCALLS`: the C-call counter at which `luaE_checkcstack` refuses to go deeper.
const MAX_C_CALLS: u32 = 200;
/// `UNARY_PRIORITY`.
const UNARY_PRIORITY: u8 = 12;
/// Semantic errors recorded at most (the first is the one that matters; the rest help fix a
/// file with many at once).
pub(crate) const MAX_SEMANTIC_ERRORS: usize = 100;
/// The hidden names of a `for` loop's control variables.
const FOR_STATE: &[u8] = b"(for state)";

type R<T> = Result<T, Error>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarKind {
    /// `VDKREG`.
    Regular,
    /// `RDKCONST` (compile-time constants, `RDKCTC`, behave the same for every check here).
    Const,
    /// `RDKTOCLOSE`.
    Close,
}

struct VarDesc<'a> {
    name: &'a [u8],
    kind: VarKind,
}

/// `Labeldesc`, for labels and pending gotos alike.
struct LabelDesc<'a> {
    name: &'a [u8],
    line: u32,
    nactvar: usize,
    /// The `goto`/`break` or label, for the error's span.
    start: usize,
    end: usize,
}

/// `BlockCnt`.
struct BlockCnt {
    firstlabel: usize,
    firstgoto: usize,
    nactvar: usize,
    isloop: bool,
}

/// `FuncState`.
struct FuncState {
    firstlocal: usize,
    firstlabel: usize,
    nactvar: usize,
    is_vararg: bool,
    /// 0 for the main function.
    linedefined: u32,
    blocks: Vec<BlockCnt>,
}

/// `expdesc`, reduced to what the checks look at.
#[derive(Debug, Clone, Copy)]
enum Exp<'a> {
    /// `VCALL`.
    Call,
    /// A local, upvalue, global or indexed variable; read-only ones carry their name and the
    /// span of the name token.
    Var(Option<(&'a [u8], usize, usize)>),
    /// Anything else (constants, operations, parenthesized expressions, ...).
    Other,
}

/// Binary operators with their (left, right) priorities, from `getbinopr` and `priority[]`.
fn binop(t: Tok) -> Option<(u8, u8)> {
    Some(match t {
        Tok::Char(b'+' | b'-') => (10, 10),
        Tok::Char(b'*' | b'%' | b'/') | Tok::IDiv => (11, 11),
        Tok::Char(b'^') => (14, 13),
        Tok::Char(b'&') => (6, 6),
        Tok::Char(b'|') => (4, 4),
        Tok::Char(b'~') => (5, 5),
        Tok::Shl | Tok::Shr => (7, 7),
        Tok::Concat => (9, 8),
        Tok::Ne | Tok::Eq | Tok::Char(b'<' | b'>') | Tok::Le | Tok::Ge => (3, 3),
        Tok::And => (2, 2),
        Tok::Or => (1, 1),
        _ => return None,
    })
}

fn is_unop(t: Tok) -> bool {
    matches!(t, Tok::Not | Tok::Char(b'-' | b'~' | b'#'))
}

/// Bytes of text between two [`Point`]s at least: a check after an edit starts again at most
/// this far before it and goes on at most this far past it.
const POINT_SPACING: usize = 1024;

/// The parser's state before a top-level statement, where a later check of an edited text can
/// start again or find that it is back in step with this one (`super::check_after`). Only taken
/// where no function or block is open, no label or `goto` of the main function is pending and
/// no token was looked ahead at: all that is left is the main function's locals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Point {
    /// The statement's first token.
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub line_start: usize,
    /// Active locals of the main function (the first ones of [`Parser::top`]).
    pub nactvar: usize,
    /// Semantic errors recorded before it.
    pub semantic: usize,
    pub ccalls: u32,
}

/// A local of the main function: its name's span in the text, and its kind.
pub(crate) type TopVar = (usize, usize, VarKind);

/// What an earlier check of an earlier version of the text left, to find where the new check
/// is back in step with it.
pub(crate) struct Sync<'a> {
    /// New offset minus old offset in the unchanged end of the text.
    pub delta: isize,
    /// Where the unchanged end starts in the new text.
    pub tail: usize,
    pub points: &'a [Point],
    pub top: &'a [TopVar],
    pub old: &'a [u8],
}

/// Where to start: a point of an earlier check, in the unchanged start of the text, with that
/// check's locals and semantic errors.
pub(crate) struct Restart<'r> {
    pub at: usize,
    pub points: &'r [Point],
    pub top: &'r [TopVar],
    pub semantic: &'r [Error],
}

/// The parser (`LexState` plus `Dyndata`).
pub struct Parser<'a> {
    lex: Lexer<'a>,
    /// `ls->t`.
    t: Token,
    /// `ls->lookahead`.
    lookahead: Option<Token>,
    fs: Vec<FuncState>,
    actvar: Vec<VarDesc<'a>>,
    gt: Vec<LabelDesc<'a>>,
    label: Vec<LabelDesc<'a>>,
    /// `L->nCcalls` as the parser sees it (`luac` starts parsing at 1).
    ccalls: u32,
    /// Semantic errors met so far (`luac` stops at the first; the rest are what it would
    /// report next once the earlier ones are fixed).
    pub semantic: Vec<Error>,
    /// The points taken so far, in order.
    pub(crate) points: Vec<Point>,
    /// The main function's locals, as far as the last point knows them.
    pub(crate) top: Vec<TopVar>,
    /// The earlier check to get back in step with.
    pub(crate) sync: Option<Sync<'a>>,
    /// Where it got back in step: the earlier check's point, and new line minus old line.
    pub(crate) synced: Option<(usize, i64)>,
}

impl<'a> Parser<'a> {
    pub fn new(lex: Lexer<'a>) -> Self {
        Parser {
            lex,
            t: Token {
                tok: Tok::Eos,
                start: 0,
                end: 0,
                line: 1,
                line_start: 0,
            },
            lookahead: None,
            fs: Vec::new(),
            actvar: Vec::new(),
            gt: Vec::new(),
            label: Vec::new(),
            ccalls: 1,
            semantic: Vec::new(),
            points: Vec::new(),
            top: Vec::new(),
            sync: None,
            synced: None,
        }
    }

    // ---- lexer interface -------------------------------------------------------------

    /// `luaX_next`.
    fn next(&mut self) -> R<()> {
        self.t = match self.lookahead.take() {
            Some(t) => t,
            None => self.lex.next_token()?,
        };
        Ok(())
    }

    /// `luaX_lookahead`.
    fn peek(&mut self) -> R<Tok> {
        let t = self.lex.next_token()?;
        self.lookahead = Some(t);
        Ok(t.tok)
    }

    /// The token an error at the current line is about: the current one, or the lookahead
    /// when that is what brought the lexer to a later line.
    fn error_token(&self) -> Token {
        match self.lookahead {
            Some(la) if self.t.line != self.lex.line => la,
            _ => self.t,
        }
    }

    /// `luaX_syntaxerror`: `msg near <current token>`, on the lexer's line.
    fn syntax_error(&self, msg: &str) -> Error {
        let near = txt_token(self.t.tok, self.lex.text(&self.t));
        self.fatal_error(format!("{msg} near {near}"))
    }

    /// An error that ends the parse, on the lexer's line, spanning [`Parser::error_token`].
    fn fatal_error(&self, message: String) -> Error {
        let at = self.error_token();
        Error {
            fatal: true,
            message,
            line: self.lex.line,
            start: at.start_on_last_line(),
            end: at.end,
        }
    }

    /// `luaK_semerror`: the message alone, on the lexer's line; the span is `span` when given
    /// (the construct at fault), else the current token.
    fn semantic_error(&mut self, message: String, span: Option<(usize, usize)>) {
        if self.semantic.len() >= MAX_SEMANTIC_ERRORS {
            return;
        }
        let at = self.error_token();
        let (start, end) = match span {
            Some((s, e)) if s <= e => (s, e),
            _ => (at.start_on_last_line(), at.end),
        };
        self.semantic.push(Error {
            fatal: false,
            message,
            line: self.lex.line,
            start,
            end,
        });
    }

    /// A semantic error about the token `start..end`: spans it while it is on the lexer's line
    /// (where `luac` reports the error), else the current token.
    fn semantic_error_at(&mut self, message: String, start: usize, end: usize) {
        let on_line = start >= self.lex.line_start;
        self.semantic_error(message, on_line.then_some((start, end)));
    }

    /// `luaE_incCstack`, as `enterlevel`.
    fn enter_level(&mut self) -> R<()> {
        self.ccalls += 1;
        if self.ccalls >= MAX_C_CALLS {
            return Err(self.fatal_error("C stack overflow".into()));
        }
        Ok(())
    }

    fn leave_level(&mut self) {
        self.ccalls = self.ccalls.saturating_sub(1);
    }

    fn error_expected(&self, tok: Tok) -> Error {
        self.syntax_error(&format!("{} expected", tok.describe()))
    }

    fn testnext(&mut self, tok: Tok) -> R<bool> {
        if self.t.tok == tok {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn check(&self, tok: Tok) -> R<()> {
        if self.t.tok != tok {
            return Err(self.error_expected(tok));
        }
        Ok(())
    }

    fn checknext(&mut self, tok: Tok) -> R<()> {
        self.check(tok)?;
        self.next()
    }

    fn check_match(&mut self, what: Tok, who: Tok, line: u32) -> R<()> {
        if self.testnext(what)? {
            return Ok(());
        }
        if line == self.lex.line {
            Err(self.error_expected(what))
        } else {
            Err(self.syntax_error(&format!(
                "{} expected (to close {} at line {line})",
                what.describe(),
                who.describe()
            )))
        }
    }

    /// `str_checkname`: the name and its token.
    fn str_checkname(&mut self) -> R<(&'a [u8], Token)> {
        self.check(Tok::Name)?;
        let t = self.t;
        let name = self.lex.text(&t);
        self.next()?;
        Ok((name, t))
    }

    fn block_follow(&self, withuntil: bool) -> bool {
        match self.t.tok {
            Tok::Else | Tok::Elseif | Tok::End | Tok::Eos => true,
            Tok::Until => withuntil,
            _ => false,
        }
    }

    // ---- variables, blocks, labels -----------------------------------------------------

    fn func(&self) -> Option<&FuncState> {
        self.fs.last()
    }

    fn func_mut(&mut self) -> Option<&mut FuncState> {
        self.fs.last_mut()
    }

    fn nactvar(&self) -> usize {
        self.func().map_or(0, |f| f.nactvar)
    }

    /// `new_localvar`, with `MAXVARS`.
    fn new_localvar(&mut self, name: &'a [u8]) -> R<()> {
        let (firstlocal, linedefined) = self
            .func()
            .map_or((0, 0), |f| (f.firstlocal, f.linedefined));
        if self.actvar.len() + 1 - firstlocal.min(self.actvar.len()) > MAX_VARS {
            let where_ = if linedefined == 0 {
                "main function".to_string()
            } else {
                format!("function at line {linedefined}")
            };
            return Err(self.syntax_error(&format!(
                "too many local variables (limit is {MAX_VARS}) in {where_}"
            )));
        }
        self.actvar.push(VarDesc {
            name,
            kind: VarKind::Regular,
        });
        Ok(())
    }

    /// `adjustlocalvars`.
    fn adjustlocalvars(&mut self, n: usize) {
        if let Some(f) = self.func_mut() {
            f.nactvar += n;
        }
    }

    /// `removevars`.
    fn removevars(&mut self, tolevel: usize) {
        let Some(f) = self.fs.last_mut() else { return };
        let drop = f.nactvar.saturating_sub(tolevel);
        f.nactvar = tolevel.min(f.nactvar);
        let keep = self.actvar.len().saturating_sub(drop);
        self.actvar.truncate(keep);
    }

    /// `singlevar`: a variable, read-only when some enclosing function declares it so.
    fn singlevar(&mut self) -> R<Exp<'a>> {
        let (name, tok) = self.str_checkname()?;
        for f in self.fs.iter().rev() {
            let active = self
                .actvar
                .get(f.firstlocal..f.firstlocal + f.nactvar)
                .unwrap_or(&[]);
            if let Some(v) = active.iter().rev().find(|v| v.name == name) {
                return Ok(Exp::Var(
                    (v.kind != VarKind::Regular).then_some((name, tok.start, tok.end)),
                ));
            }
        }
        Ok(Exp::Var(None))
    }

    /// `check_readonly`.
    fn check_readonly(&mut self, e: Exp<'a>) {
        if let Exp::Var(Some((name, start, end))) = e {
            let name = String::from_utf8_lossy(name);
            let message = format!("attempt to assign to const variable '{name}'");
            self.semantic_error_at(message, start, end);
        }
    }

    /// `enterblock`.
    fn enterblock(&mut self, isloop: bool) {
        let (firstlabel, firstgoto) = (self.label.len(), self.gt.len());
        if let Some(f) = self.fs.last_mut() {
            f.blocks.push(BlockCnt {
                firstlabel,
                firstgoto,
                nactvar: f.nactvar,
                isloop,
            });
        }
    }

    /// `leaveblock`.
    fn leaveblock(&mut self) {
        let Some(bl) = self.fs.last_mut().and_then(|f| f.blocks.pop()) else {
            return;
        };
        self.removevars(bl.nactvar);
        if bl.isloop {
            self.createlabel(b"break", 0, false, bl.firstgoto, bl.nactvar);
        }
        self.label.truncate(bl.firstlabel);
        let nested = self.func().is_some_and(|f| !f.blocks.is_empty());
        if nested {
            // `movegotosout`.
            for g in self.gt.iter_mut().skip(bl.firstgoto) {
                g.nactvar = bl.nactvar;
            }
        } else {
            // `undefgoto`, for every goto still pending.
            let pending: Vec<LabelDesc<'a>> =
                self.gt.drain(bl.firstgoto.min(self.gt.len())..).collect();
            for g in pending {
                let message = if g.name == b"break" {
                    format!("break outside loop at line {}", g.line)
                } else {
                    format!(
                        "no visible label '{}' for <goto> at line {}",
                        String::from_utf8_lossy(g.name),
                        g.line
                    )
                };
                self.semantic_error(message, Some((g.start, g.end)));
            }
        }
    }

    /// `findlabel`: an active label of the current function.
    fn findlabel(&self, name: &[u8]) -> Option<&LabelDesc<'a>> {
        let first = self.func().map_or(0, |f| f.firstlabel);
        self.label.iter().skip(first).find(|l| l.name == name)
    }

    /// `createlabel` with `solvegotos`/`solvegoto`: `block_nactvar` and `firstgoto` are the
    /// current block's.
    fn createlabel(
        &mut self,
        name: &'a [u8],
        line: u32,
        last: bool,
        firstgoto: usize,
        block_nactvar: usize,
    ) {
        let nactvar = if last { block_nactvar } else { self.nactvar() };
        self.label.push(LabelDesc {
            name,
            line,
            nactvar,
            start: self.t.start,
            end: self.t.start,
        });
        let mut i = firstgoto;
        while i < self.gt.len() {
            if self.gt[i].name == name {
                let g = self.gt.remove(i);
                if g.nactvar < nactvar {
                    // `jumpscopeerror`.
                    let first = self.func().map_or(0, |f| f.firstlocal);
                    let var = self
                        .actvar
                        .get(first + g.nactvar)
                        .map(|v| String::from_utf8_lossy(v.name).into_owned())
                        .unwrap_or_default();
                    self.semantic_error(
                        format!(
                            "<goto {}> at line {} jumps into the scope of local '{var}'",
                            String::from_utf8_lossy(g.name),
                            g.line
                        ),
                        Some((g.start, g.end)),
                    );
                }
            } else {
                i += 1;
            }
        }
    }

    fn newgotoentry(&mut self, name: &'a [u8], line: u32, start: usize, end: usize) {
        let nactvar = self.nactvar();
        self.gt.push(LabelDesc {
            name,
            line,
            nactvar,
            start,
            end,
        });
    }

    fn current_block(&self) -> (usize, usize) {
        self.func()
            .and_then(|f| f.blocks.last())
            .map_or((0, 0), |b| (b.firstgoto, b.nactvar))
    }

    // ---- functions -------------------------------------------------------------------

    /// `open_func`.
    fn open_func(&mut self, linedefined: u32, is_vararg: bool) {
        self.fs.push(FuncState {
            firstlocal: self.actvar.len(),
            firstlabel: self.label.len(),
            nactvar: 0,
            is_vararg,
            linedefined,
            blocks: Vec::new(),
        });
        self.enterblock(false);
    }

    /// `close_func`.
    fn close_func(&mut self) {
        self.leaveblock();
        if let Some(f) = self.fs.pop() {
            self.actvar.truncate(f.firstlocal);
            self.label.truncate(f.firstlabel);
        }
    }

    /// `mainfunc`, from `restart` when given (on a text whose start up to its point is the
    /// earlier check's). Stops early, with [`Parser::synced`] set, where the state is the
    /// earlier check's again in the unchanged end of the text ([`Parser::sync`]).
    pub(crate) fn main_from(&mut self, restart: Option<Restart<'_>>) -> R<()> {
        self.open_func(0, true);
        if let Some(r) = restart {
            let p = r.points[r.at];
            let src = self.lex.source();
            for &(start, end, kind) in &r.top[..p.nactvar.min(r.top.len())] {
                self.actvar.push(VarDesc {
                    name: src.get(start..end).unwrap_or(&[]),
                    kind,
                });
            }
            if let Some(f) = self.fs.last_mut() {
                f.nactvar = self.actvar.len();
            }
            self.top = r.top[..self.actvar.len()].to_vec();
            self.points = r.points[..r.at].to_vec();
            self.semantic = r.semantic[..p.semantic.min(r.semantic.len())].to_vec();
            self.ccalls = p.ccalls;
            self.lex = Lexer::at(src, p.start, p.line, p.line_start);
        }
        self.next()?;
        self.statlist()?;
        if self.synced.is_some() {
            return Ok(());
        }
        self.check(Tok::Eos)?;
        self.close_func();
        Ok(())
    }

    /// Adds the main function's locals declared since the last point to [`Parser::top`];
    /// `false` when a name is not a slice of the text (which no local of the main block is).
    fn fill_top(&mut self) -> bool {
        for v in &self.actvar[self.top.len().min(self.actvar.len())..] {
            let Some(start) = self.lex.offset_of(v.name) else {
                return false;
            };
            self.top.push((start, start + v.name.len(), v.kind));
        }
        true
    }

    /// Before a statement of the main function's own block: takes a [`Point`] (one in
    /// [`POINT_SPACING`] bytes), or finds the state back in step with the earlier check's and
    /// says so (`true`: stop here).
    fn top_level_point(&mut self) -> bool {
        let Some(main) = self.fs.first() else {
            return false;
        };
        let nactvar = main.nactvar;
        if self.fs.len() != 1
            || main.blocks.len() != 1
            || self.lookahead.is_some()
            || !self.gt.is_empty()
            || !self.label.is_empty()
            || self.actvar.len() != nactvar
        {
            return false;
        }
        let t = self.t;
        if let Some(s) = &self.sync {
            if t.start >= s.tail {
                let old_start = t.start as isize - s.delta;
                let at = usize::try_from(old_start)
                    .ok()
                    .and_then(|o| s.points.binary_search_by_key(&o, |p| p.start).ok());
                if let Some(i) = at {
                    let p = s.points[i];
                    let same = p.nactvar == nactvar
                        && p.ccalls == self.ccalls
                        && s.top.len() >= nactvar
                        && self.actvar.iter().zip(s.top).all(|(v, &(a, b, kind))| {
                            v.kind == kind && s.old.get(a..b) == Some(v.name)
                        });
                    if same && self.fill_top() {
                        self.synced = Some((i, i64::from(t.line) - i64::from(p.line)));
                        return true;
                    }
                }
            }
        }
        if self
            .points
            .last()
            .is_some_and(|p| t.start < p.start + POINT_SPACING)
        {
            return false;
        }
        if !self.fill_top() {
            return false;
        }
        self.points.push(Point {
            start: t.start,
            end: t.end,
            line: t.line,
            line_start: t.line_start,
            nactvar,
            semantic: self.semantic.len(),
            ccalls: self.ccalls,
        });
        false
    }

    // ---- grammar -----------------------------------------------------------------------

    /// `statlist`.
    fn statlist(&mut self) -> R<()> {
        while !self.block_follow(true) {
            if self.fs.len() == 1 && self.top_level_point() {
                return Ok(());
            }
            if self.t.tok == Tok::Return {
                self.statement()?;
                return Ok(());
            }
            self.statement()?;
        }
        Ok(())
    }

    /// `fieldsel`.
    fn fieldsel(&mut self) -> R<()> {
        self.next()?;
        self.str_checkname()?;
        Ok(())
    }

    /// `yindex`.
    fn yindex(&mut self) -> R<()> {
        self.next()?;
        self.expr()?;
        self.checknext(Tok::Char(b']'))
    }

    /// `recfield`.
    fn recfield(&mut self) -> R<()> {
        if self.t.tok == Tok::Name {
            self.str_checkname()?;
        } else {
            self.yindex()?;
        }
        self.checknext(Tok::Char(b'='))?;
        self.expr()?;
        Ok(())
    }

    /// `field`.
    fn field(&mut self) -> R<()> {
        match self.t.tok {
            Tok::Name => {
                if self.peek()? != Tok::Char(b'=') {
                    self.expr()?;
                } else {
                    self.recfield()?;
                }
            }
            Tok::Char(b'[') => self.recfield()?,
            _ => {
                self.expr()?;
            }
        }
        Ok(())
    }

    /// `constructor`.
    fn constructor(&mut self) -> R<()> {
        let line = self.lex.line;
        self.checknext(Tok::Char(b'{'))?;
        loop {
            if self.t.tok == Tok::Char(b'}') {
                break;
            }
            self.field()?;
            if !(self.testnext(Tok::Char(b','))? || self.testnext(Tok::Char(b';'))?) {
                break;
            }
        }
        self.check_match(Tok::Char(b'}'), Tok::Char(b'{'), line)
    }

    /// `parlist`.
    fn parlist(&mut self) -> R<()> {
        let mut nparams = 0;
        let mut isvararg = false;
        if self.t.tok != Tok::Char(b')') {
            loop {
                match self.t.tok {
                    Tok::Name => {
                        let (name, _) = self.str_checkname()?;
                        self.new_localvar(name)?;
                        nparams += 1;
                    }
                    Tok::Dots => {
                        self.next()?;
                        isvararg = true;
                    }
                    _ => return Err(self.syntax_error("<name> or '...' expected")),
                }
                if isvararg || !self.testnext(Tok::Char(b','))? {
                    break;
                }
            }
        }
        self.adjustlocalvars(nparams);
        if let Some(f) = self.func_mut() {
            f.is_vararg = isvararg;
        }
        Ok(())
    }

    /// `body`.
    fn body(&mut self, ismethod: bool, line: u32) -> R<()> {
        self.open_func(line, false);
        self.checknext(Tok::Char(b'('))?;
        if ismethod {
            self.new_localvar(b"self")?;
            self.adjustlocalvars(1);
        }
        self.parlist()?;
        self.checknext(Tok::Char(b')'))?;
        self.statlist()?;
        self.check_match(Tok::End, Tok::Function, line)?;
        self.close_func();
        Ok(())
    }

    /// `explist`: the last expression.
    fn explist(&mut self) -> R<Exp<'a>> {
        let mut e = self.expr()?;
        while self.testnext(Tok::Char(b','))? {
            e = self.expr()?;
        }
        Ok(e)
    }

    /// `funcargs`.
    fn funcargs(&mut self) -> R<()> {
        let line = self.lex.line;
        match self.t.tok {
            Tok::Char(b'(') => {
                self.next()?;
                if self.t.tok != Tok::Char(b')') {
                    self.explist()?;
                }
                self.check_match(Tok::Char(b')'), Tok::Char(b'('), line)
            }
            Tok::Char(b'{') => self.constructor(),
            Tok::String => self.next(),
            _ => Err(self.syntax_error("function arguments expected")),
        }
    }

    /// `primaryexp`.
    fn primaryexp(&mut self) -> R<Exp<'a>> {
        match self.t.tok {
            Tok::Char(b'(') => {
                let line = self.lex.line;
                self.next()?;
                self.expr()?;
                self.check_match(Tok::Char(b')'), Tok::Char(b'('), line)?;
                Ok(Exp::Other)
            }
            Tok::Name => self.singlevar(),
            _ => Err(self.syntax_error("unexpected symbol")),
        }
    }

    /// `suffixedexp`.
    fn suffixedexp(&mut self) -> R<Exp<'a>> {
        let mut v = self.primaryexp()?;
        loop {
            match self.t.tok {
                Tok::Char(b'.') => {
                    self.fieldsel()?;
                    v = Exp::Var(None);
                }
                Tok::Char(b'[') => {
                    self.yindex()?;
                    v = Exp::Var(None);
                }
                Tok::Char(b':') => {
                    self.next()?;
                    self.str_checkname()?;
                    self.funcargs()?;
                    v = Exp::Call;
                }
                Tok::Char(b'(' | b'{') | Tok::String => {
                    self.funcargs()?;
                    v = Exp::Call;
                }
                _ => return Ok(v),
            }
        }
    }

    /// `simpleexp`.
    fn simpleexp(&mut self) -> R<Exp<'a>> {
        match self.t.tok {
            Tok::Flt | Tok::Int | Tok::String | Tok::Nil | Tok::True | Tok::False => {}
            Tok::Dots => {
                if !self.func().is_some_and(|f| f.is_vararg) {
                    return Err(self.syntax_error("cannot use '...' outside a vararg function"));
                }
            }
            Tok::Char(b'{') => {
                self.constructor()?;
                return Ok(Exp::Other);
            }
            Tok::Function => {
                self.next()?;
                let line = self.lex.line;
                self.body(false, line)?;
                return Ok(Exp::Other);
            }
            _ => return self.suffixedexp(),
        }
        self.next()?;
        Ok(Exp::Other)
    }

    /// `subexpr`: returns the expression and the first operator it did not take.
    fn subexpr(&mut self, limit: u8) -> R<(Exp<'a>, Option<(u8, u8)>)> {
        self.enter_level()?;
        let mut v = if is_unop(self.t.tok) {
            self.next()?;
            self.subexpr(UNARY_PRIORITY)?;
            Exp::Other
        } else {
            self.simpleexp()?
        };
        let mut op = binop(self.t.tok);
        while let Some((left, right)) = op {
            if left <= limit {
                break;
            }
            self.next()?;
            let (_, nextop) = self.subexpr(right)?;
            v = Exp::Other;
            op = nextop;
        }
        self.leave_level();
        Ok((v, op))
    }

    /// `expr`.
    fn expr(&mut self) -> R<Exp<'a>> {
        Ok(self.subexpr(0)?.0)
    }

    /// `block`.
    fn block(&mut self) -> R<()> {
        self.enterblock(false);
        self.statlist()?;
        self.leaveblock();
        Ok(())
    }

    /// `restassign`.
    fn restassign(&mut self, lh: Exp<'a>) -> R<()> {
        if !matches!(lh, Exp::Var(_)) {
            return Err(self.syntax_error("syntax error"));
        }
        self.check_readonly(lh);
        if self.testnext(Tok::Char(b','))? {
            let nv = self.suffixedexp()?;
            self.enter_level()?;
            self.restassign(nv)?;
            self.leave_level();
        } else {
            self.checknext(Tok::Char(b'='))?;
            self.explist()?;
        }
        Ok(())
    }

    /// `gotostat`.
    fn gotostat(&mut self, goto_start: usize) -> R<()> {
        let line = self.lex.line;
        let (name, tok) = self.str_checkname()?;
        if self.findlabel(name).is_none() {
            self.newgotoentry(name, line, goto_start, tok.end);
        }
        Ok(())
    }

    /// `breakstat`.
    fn breakstat(&mut self) -> R<()> {
        let line = self.lex.line;
        let (start, end) = (self.t.start, self.t.end);
        self.next()?;
        self.newgotoentry(b"break", line, start, end);
        Ok(())
    }

    /// `labelstat` with `checkrepeated`.
    fn labelstat(&mut self, name: &'a [u8], name_tok: Token, line: u32) -> R<()> {
        self.checknext(Tok::DbColon)?;
        while matches!(self.t.tok, Tok::Char(b';') | Tok::DbColon) {
            self.statement()?;
        }
        if let Some(previous) = self.findlabel(name).map(|l| l.line) {
            let name = String::from_utf8_lossy(name);
            let message = format!("label '{name}' already defined on line {previous}");
            self.semantic_error_at(message, name_tok.start, name_tok.end);
        }
        let last = self.block_follow(false);
        let (firstgoto, block_nactvar) = self.current_block();
        self.createlabel(name, line, last, firstgoto, block_nactvar);
        Ok(())
    }

    /// `whilestat`.
    fn whilestat(&mut self, line: u32) -> R<()> {
        self.next()?;
        self.expr()?;
        self.enterblock(true);
        self.checknext(Tok::Do)?;
        self.block()?;
        self.check_match(Tok::End, Tok::While, line)?;
        self.leaveblock();
        Ok(())
    }

    /// `repeatstat`.
    fn repeatstat(&mut self, line: u32) -> R<()> {
        self.enterblock(true);
        self.enterblock(false);
        self.next()?;
        self.statlist()?;
        self.check_match(Tok::Until, Tok::Repeat, line)?;
        self.expr()?;
        self.leaveblock();
        self.leaveblock();
        Ok(())
    }

    /// `fornum`.
    fn fornum(&mut self, varname: &'a [u8]) -> R<()> {
        for _ in 0..3 {
            self.new_localvar(FOR_STATE)?;
        }
        self.new_localvar(varname)?;
        self.checknext(Tok::Char(b'='))?;
        self.expr()?;
        self.checknext(Tok::Char(b','))?;
        self.expr()?;
        if self.testnext(Tok::Char(b','))? {
            self.expr()?;
        }
        self.adjustlocalvars(3);
        self.forbody(1)
    }

    /// `forlist`.
    fn forlist(&mut self, indexname: &'a [u8]) -> R<()> {
        let mut nvars = 5;
        for _ in 0..4 {
            self.new_localvar(FOR_STATE)?;
        }
        self.new_localvar(indexname)?;
        while self.testnext(Tok::Char(b','))? {
            let (name, _) = self.str_checkname()?;
            self.new_localvar(name)?;
            nvars += 1;
        }
        self.checknext(Tok::In)?;
        self.explist()?;
        self.adjustlocalvars(4);
        self.forbody(nvars - 4)
    }

    /// `forbody`.
    fn forbody(&mut self, nvars: usize) -> R<()> {
        self.checknext(Tok::Do)?;
        self.enterblock(false);
        self.adjustlocalvars(nvars);
        self.block()?;
        self.leaveblock();
        Ok(())
    }

    /// `forstat`.
    fn forstat(&mut self, line: u32) -> R<()> {
        self.enterblock(true);
        self.next()?;
        let (varname, _) = self.str_checkname()?;
        match self.t.tok {
            Tok::Char(b'=') => self.fornum(varname)?,
            Tok::Char(b',') | Tok::In => self.forlist(varname)?,
            _ => return Err(self.syntax_error("'=' or 'in' expected")),
        }
        self.check_match(Tok::End, Tok::For, line)?;
        self.leaveblock();
        Ok(())
    }

    /// `test_then_block`.
    fn test_then_block(&mut self) -> R<()> {
        self.next()?;
        self.expr()?;
        self.checknext(Tok::Then)?;
        if self.t.tok == Tok::Break {
            let line = self.lex.line;
            let (start, end) = (self.t.start, self.t.end);
            self.next()?;
            self.enterblock(false);
            self.newgotoentry(b"break", line, start, end);
            while self.testnext(Tok::Char(b';'))? {}
            if self.block_follow(false) {
                self.leaveblock();
                return Ok(());
            }
        } else {
            self.enterblock(false);
        }
        self.statlist()?;
        self.leaveblock();
        Ok(())
    }

    /// `ifstat`.
    fn ifstat(&mut self, line: u32) -> R<()> {
        self.test_then_block()?;
        while self.t.tok == Tok::Elseif {
            self.test_then_block()?;
        }
        if self.testnext(Tok::Else)? {
            self.block()?;
        }
        self.check_match(Tok::End, Tok::If, line)
    }

    /// `localfunc`.
    fn localfunc(&mut self) -> R<()> {
        let (name, _) = self.str_checkname()?;
        self.new_localvar(name)?;
        self.adjustlocalvars(1);
        let line = self.lex.line;
        self.body(false, line)
    }

    /// `getlocalattribute`.
    fn getlocalattribute(&mut self) -> R<VarKind> {
        if self.testnext(Tok::Char(b'<'))? {
            let (attr, tok) = self.str_checkname()?;
            self.checknext(Tok::Char(b'>'))?;
            match attr {
                b"const" => return Ok(VarKind::Const),
                b"close" => return Ok(VarKind::Close),
                _ => {
                    let message = format!("unknown attribute '{}'", String::from_utf8_lossy(attr));
                    self.semantic_error_at(message, tok.start, tok.end);
                }
            }
        }
        Ok(VarKind::Regular)
    }

    /// `localstat`. Whether the last variable becomes a compile-time constant does not change
    /// any error `luac` reports, so that distinction is not made.
    fn localstat(&mut self) -> R<()> {
        let mut toclose = false;
        let mut nvars = 0;
        loop {
            let (name, _) = self.str_checkname()?;
            self.new_localvar(name)?;
            let kind = self.getlocalattribute()?;
            if let Some(v) = self.actvar.last_mut() {
                v.kind = kind;
            }
            if kind == VarKind::Close {
                if toclose {
                    self.semantic_error(
                        "multiple to-be-closed variables in local list".into(),
                        None,
                    );
                }
                toclose = true;
            }
            nvars += 1;
            if !self.testnext(Tok::Char(b','))? {
                break;
            }
        }
        if self.testnext(Tok::Char(b'='))? {
            self.explist()?;
        }
        self.adjustlocalvars(nvars);
        Ok(())
    }

    /// `funcname`: the variable and whether it is a method.
    fn funcname(&mut self) -> R<(Exp<'a>, bool)> {
        let mut v = self.singlevar()?;
        while self.t.tok == Tok::Char(b'.') {
            self.fieldsel()?;
            v = Exp::Var(None);
        }
        let mut ismethod = false;
        if self.t.tok == Tok::Char(b':') {
            ismethod = true;
            self.fieldsel()?;
            v = Exp::Var(None);
        }
        Ok((v, ismethod))
    }

    /// `funcstat`.
    fn funcstat(&mut self, line: u32) -> R<()> {
        self.next()?;
        let (v, ismethod) = self.funcname()?;
        self.body(ismethod, line)?;
        self.check_readonly(v);
        Ok(())
    }

    /// `exprstat`.
    fn exprstat(&mut self) -> R<()> {
        let v = self.suffixedexp()?;
        if matches!(self.t.tok, Tok::Char(b'=' | b',')) {
            self.restassign(v)
        } else if matches!(v, Exp::Call) {
            Ok(())
        } else {
            Err(self.syntax_error("syntax error"))
        }
    }

    /// `retstat`.
    fn retstat(&mut self) -> R<()> {
        if !(self.block_follow(true) || self.t.tok == Tok::Char(b';')) {
            self.explist()?;
        }
        self.testnext(Tok::Char(b';'))?;
        Ok(())
    }

    /// `statement`.
    fn statement(&mut self) -> R<()> {
        let line = self.lex.line;
        self.enter_level()?;
        match self.t.tok {
            Tok::Char(b';') => self.next()?,
            Tok::If => self.ifstat(line)?,
            Tok::While => self.whilestat(line)?,
            Tok::Do => {
                self.next()?;
                self.block()?;
                self.check_match(Tok::End, Tok::Do, line)?;
            }
            Tok::For => self.forstat(line)?,
            Tok::Repeat => self.repeatstat(line)?,
            Tok::Function => self.funcstat(line)?,
            Tok::Local => {
                self.next()?;
                if self.testnext(Tok::Function)? {
                    self.localfunc()?;
                } else {
                    self.localstat()?;
                }
            }
            Tok::DbColon => {
                self.next()?;
                let (name, tok) = self.str_checkname()?;
                self.labelstat(name, tok, line)?;
            }
            Tok::Return => {
                self.next()?;
                self.retstat()?;
            }
            Tok::Break => self.breakstat()?,
            Tok::Goto => {
                let start = self.t.start;
                self.next()?;
                self.gotostat(start)?;
            }
            _ => self.exprstat()?,
        }
        self.leave_level();
        Ok(())
    }
}
