//! Conversion between byte offsets and (line, column) positions in UTF-8 or UTF-16 units.
//!
//! The analysis works in byte offsets only; the server converts at the edge with a
//! [`LineIndex`], built once per document version. Columns past the end of a line clamp to
//! the line's end and lines past the end clamp to the end of the text, so a client's stale or
//! out-of-range position never panics.

/// Unit in which a column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
}

/// A zero-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column in the units of the chosen [`Encoding`].
    pub col: u32,
}

/// Line starts of one text, for offset/position conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    len: usize,
    /// Whether the text is pure ASCII, where every encoding agrees and conversion is O(1).
    ascii: bool,
}

impl LineIndex {
    /// Indexes `text`. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts them
    /// (and as Lua does, which also takes a lone `\r` for a line break).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        // A block at a time: a byte loop was a millisecond per edit on a 2 MB file.
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            len: text.len(),
            ascii: text.is_ascii(),
        }
    }

    /// The index of `text`, which is the indexed text with bytes `start..end` replaced by
    /// `inserted`: the line starts before the edit are kept, those after it moved, and only
    /// the edited lines scanned, instead of the whole text.
    pub fn after_edit(&self, text: &str, start: usize, end: usize, inserted: &str) -> LineIndex {
        let end = end.min(self.len).max(start.min(self.len));
        let start = start.min(end);
        if text.len() + (end - start) != self.len + inserted.len() {
            // Not the text this edit makes: index it whole.
            return LineIndex::new(text);
        }
        let bytes = text.as_bytes();
        // From the start of the line before the edited one (a `\r\n` may be split or joined at
        // the edit's ends), to one byte past the edit's end.
        let line = self.line_of(start);
        let from = self.starts[line.saturating_sub(1)];
        let new_end = start + inserted.len();
        let to = (new_end + 1).min(bytes.len());
        let kept = self.starts.partition_point(|&s| s <= from);
        let mut starts = Vec::with_capacity(self.starts.len() + 8);
        starts.extend_from_slice(&self.starts[..kept]);
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..to]) {
            let i = from + i;
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        let moved = self.starts.partition_point(|&s| s <= end + 1);
        starts.extend(
            self.starts[moved..]
                .iter()
                .map(|&s| s + inserted.len() - (end - start)),
        );
        LineIndex {
            starts,
            len: text.len(),
            ascii: self.ascii && inserted.is_ascii(),
        }
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where zero-based `line` starts, clamped to the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Zero-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset.min(self.len)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The line and column of byte `offset` (clamped, and moved back to a char boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if self.ascii || enc == Encoding::Utf8 {
            offset - start
        } else {
            text[start..offset].chars().map(char::len_utf16).sum()
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a position; columns inside a character or past the line end clamp.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.line_start(line);
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        // The line without its terminator: a position cannot fall inside one.
        let line_text = text.get(start..end).unwrap_or("");
        let line_text = line_text
            .strip_suffix("\r\n")
            .or_else(|| line_text.strip_suffix('\n'))
            .or_else(|| line_text.strip_suffix('\r'))
            .unwrap_or(line_text);
        let want = pos.col as usize;
        if self.ascii || enc == Encoding::Utf8 {
            let mut at = want.min(line_text.len());
            while !line_text.is_char_boundary(at) {
                at -= 1;
            }
            return start + at;
        }
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= want {
                return start + i;
            }
            units += c.len_utf16();
            if units > want {
                // Inside a surrogate pair: stay before the character.
                return start + i;
            }
        }
        start + line_text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_index_is_the_index_of_the_edited_text() {
        let texts = [
            "a\nb\r\nc\rd\n\ne",
            "",
            "\r",
            "\n\n\r\r\n",
            "héllo\nwörld\r\n",
        ];
        let inserts = ["", "x", "\n", "\r", "\r\n", "a\nb", "\n\r", "é"];
        for text in texts {
            let index = LineIndex::new(text);
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                        continue;
                    }
                    for inserted in inserts {
                        let mut edited = text.to_string();
                        edited.replace_range(start..end, inserted);
                        let after = index.after_edit(&edited, start, end, inserted);
                        let fresh = LineIndex::new(&edited);
                        assert_eq!(
                            (after.starts, after.len),
                            (fresh.starts, fresh.len),
                            "{text:?} with {start}..{end} -> {inserted:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_line_terminator_the_protocol_knows() {
        // `\n`, `\r\n` and a lone `\r` each end a line.
        let text = "a\nb\r\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        let at = |line, col| idx.offset(text, LineCol { line, col }, Encoding::Utf16);
        assert_eq!(&text[at(2, 0)..], "c\rd");
        assert_eq!(&text[at(3, 0)..], "d");
        // Past a line's end clamps before its terminator, whichever it is.
        assert_eq!(at(0, 9), 1);
        assert_eq!(at(1, 9), 3);
        assert_eq!(at(2, 9), 6);
        assert_eq!(
            idx.position(text, 7, Encoding::Utf16),
            LineCol { line: 3, col: 0 }
        );
    }

    #[test]
    fn ascii_round_trip() {
        let text = "local a = 1\nprint(a)\n";
        let idx = LineIndex::new(text);
        let p = idx.position(text, 14, Encoding::Utf16);
        assert_eq!(p, LineCol { line: 1, col: 2 });
        assert_eq!(idx.offset(text, p, Encoding::Utf16), 14);
    }

    #[test]
    fn accents_cjk_and_emoji_count_per_encoding() {
        let text = "s = \"é漢😀\" x";
        let idx = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        // é: 2 bytes / 1 unit, 漢: 3 bytes / 1 unit, 😀: 4 bytes / 2 units.
        assert_eq!(idx.position(text, x, Encoding::Utf8).col, x as u32);
        assert_eq!(idx.position(text, x, Encoding::Utf16).col, 5 + 4 + 2);
        let back = idx.offset(text, LineCol { line: 0, col: 11 }, Encoding::Utf16);
        assert_eq!(back, x);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            5
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            2
        );
        assert_eq!(
            idx.position(text, 999, Encoding::Utf8),
            LineCol { line: 1, col: 2 }
        );
        // A column inside the emoji's surrogate pair stays before the emoji.
        let e = "😀x";
        let ei = LineIndex::new(e);
        assert_eq!(
            ei.offset(e, LineCol { line: 0, col: 1 }, Encoding::Utf16),
            0
        );
    }
}
