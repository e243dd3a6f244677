//! A small deterministic input mutator for the randomized (fuzz) tests of every crate: seeds
//! in, mutated bytes out, the same sequence for the same seed.

/// A small deterministic mutator (xorshift64*): byte flips, insertions and deletions, chunk
/// duplication, and splices of tokens that parsers find interesting.
pub struct Mutator(pub u64);

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1e999",
    "-1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "0.5",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"scripts/a.lua\"",
    "\"scripts/../x.lua\"",
    "\"/etc/passwd\"",
    "\"Transform\"",
    "\"Name\"",
    "\"position\"",
    "\"rotation\"",
    "\"scale\"",
    "\"entities\"",
    "\"components\"",
    "\"scripts\"",
    "\"order\"",
    "\"properties\"",
    "\"path\"",
    "\"type\"",
    "\"reload\"",
    "\"ping\"",
    "\"hello\"",
    "\u{e9}",
    "\u{1f600}",
    "\\",
    "\n",
    "\t",
    " ",
    // Lua
    "end",
    "function",
    "local ",
    "(",
    ")",
    "--[[",
    "]]",
    "[[",
    "--",
    "=",
    "..",
    "...",
    "goto ",
    "::x::",
    "<const>",
    "<close>",
    "self",
    "self.entity:",
    ".",
    "'",
    "0x",
    "1e",
    "return ",
    "if ",
    " then ",
    " do ",
    "while ",
    "repeat ",
    "until ",
    "for ",
    " in ",
    "nil",
    "#",
    "~=",
    "==",
    "//",
    ">>",
    "require(\"lib.util\")",
    "world.",
    "vec3(",
    "\"Transform\")",
];

impl Mutator {
    /// The next pseudo-random number (xorshift64*).
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// `seed` changed by 1 to 8 mutations.
    pub fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut out = seed.to_vec();
        for _ in 0..1 + self.below(8) {
            let at = self.below(out.len() + 1);
            match self.below(6) {
                0 if !out.is_empty() => {
                    let i = at.min(out.len() - 1);
                    out[i] ^= 1 << self.below(8);
                }
                1 => {
                    let b = self.next_u64() as u8;
                    out.insert(at, b);
                }
                2 if !out.is_empty() => {
                    let end = (at + 1 + self.below(16)).min(out.len());
                    out.drain(at.min(end)..end);
                }
                3 if !out.is_empty() => {
                    let start = self.below(out.len());
                    let end = (start + 1 + self.below(32)).min(out.len());
                    let chunk = out[start..end].to_vec();
                    out.splice(at..at, chunk);
                }
                _ => {
                    let token = TOKENS[self.below(TOKENS.len())].as_bytes();
                    out.splice(at..at, token.iter().copied());
                }
            }
        }
        out
    }
}

/// How many inputs a fuzz test runs: `CRESCENT_FUZZ_ITERS`, else `default` (the short,
/// fixed-seed run of the test suite).
pub fn iterations(default: usize) -> usize {
    std::env::var("CRESCENT_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
