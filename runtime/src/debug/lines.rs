//! The lines of a chunk that hold code, read from Lua 5.4's binary chunk format (what
//! `lua_dump` writes), so a breakpoint binds to a line a line hook can actually report.
//!
//! Lua's debug API only lists the active lines of a function value, and a script's nested
//! functions are not values until its code runs; the dump holds every prototype with its line
//! table, nested ones included.

use std::collections::BTreeSet;

/// The lines with code of every function in `dump`, a chunk dumped without stripping.
///
/// # Errors
/// The bytes are not a Lua 5.4 chunk this reader understands.
pub(crate) fn code_lines(dump: &[u8]) -> Result<BTreeSet<u32>, String> {
    let mut r = Reader { b: dump, at: 0 };
    r.header()?;
    let _upvalues = r.byte()?;
    let mut lines = BTreeSet::new();
    r.function(&mut lines)?;
    Ok(lines)
}

/// `ABSLINEINFO` in `lineinfo`: the line is in `abslineinfo` instead of a delta.
const ABS: i8 = -0x80;

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| format!("chunk ends at byte {} (wanted {n} more)", self.at))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    /// `dumpSize`: 7-bit groups, most significant first, the last with its high bit set.
    fn size(&mut self) -> Result<usize, String> {
        let mut x: usize = 0;
        loop {
            let b = self.byte()?;
            x = x
                .checked_mul(128)
                .and_then(|x| x.checked_add(usize::from(b & 0x7f)))
                .ok_or("size overflows")?;
            if b & 0x80 != 0 {
                return Ok(x);
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        let n = self.size()?;
        if n > 0 {
            self.take(n - 1)?;
        }
        Ok(())
    }

    fn header(&mut self) -> Result<(), String> {
        if self.take(4)? != b"\x1bLua" {
            return Err("not a Lua binary chunk".into());
        }
        let version = self.byte()?;
        if version != 0x54 {
            return Err(format!("binary chunk of Lua version {version:#x}, not 5.4"));
        }
        let _format = self.byte()?;
        let _data = self.take(6)?;
        let (instruction, integer, number) = (self.byte()?, self.byte()?, self.byte()?);
        if (instruction, integer, number) != (4, 8, 8) {
            return Err("binary chunk with unexpected type sizes".into());
        }
        self.take(8 + 8)?; // LUAC_INT and LUAC_NUM
        Ok(())
    }

    fn function(&mut self, lines: &mut BTreeSet<u32>) -> Result<(), String> {
        self.string()?; // source
        let defined = self.size()?;
        let _last = self.size()?;
        let vararg = self.take(3)?[1] != 0; // numparams, is_vararg, maxstacksize
        let code = self.size()?;
        self.take(code.checked_mul(4).ok_or("code size overflows")?)?;
        for _ in 0..self.size()? {
            match self.byte()? {
                // nil, false, true
                0 | 1 | 17 => {}
                // float, integer
                19 | 3 => {
                    self.take(8)?;
                }
                // short and long strings
                4 | 20 => self.string()?,
                tag => return Err(format!("unknown constant tag {tag}")),
            }
        }
        let upvalues = self.size()?;
        self.take(upvalues.checked_mul(3).ok_or("upvalue count overflows")?)?;
        for _ in 0..self.size()? {
            self.function(lines)?;
        }
        // Debug information: the line of each instruction as a delta from the previous one,
        // or ABS when the line is in `abslineinfo` (pairs of pc and line, in pc order).
        let n = self.size()?;
        let deltas: Vec<i8> = self.take(n)?.iter().map(|&b| b as i8).collect();
        let mut abs = Vec::new();
        for _ in 0..self.size()? {
            abs.push((self.size()?, self.size()?));
        }
        let mut line = defined as i64;
        let mut abs_at = 0;
        for (pc, &delta) in deltas.iter().enumerate() {
            if delta == ABS {
                while abs_at < abs.len() && abs[abs_at].0 < pc {
                    abs_at += 1;
                }
                line = abs.get(abs_at).map_or(line, |&(_, l)| l as i64);
            } else {
                line += i64::from(delta);
            }
            // A vararg function starts with VARARGPREP, on the line of its header (line 1 for
            // a chunk, even a comment); hooks start after it, so its line is not a place to stop.
            if line > 0 && !(vararg && pc == 0) {
                lines.insert(line as u32);
            }
        }
        for _ in 0..self.size()? {
            self.string()?;
            self.size()?;
            self.size()?;
        }
        for _ in 0..self.size()? {
            self.string()?;
        }
        Ok(())
    }
}
