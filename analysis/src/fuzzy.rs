//! "Did you mean" suggestions: the closest known name by edit distance.

/// Levenshtein distance between two short names, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            let cost = usize::from(ca != *cb);
            row[j + 1] = (prev + cost).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name`, when it is close enough to be a plausible typo: at most
/// a third of the name's length in edits (at least one), case differences counting as half.
/// Of equally close candidates, the first in byte order.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let budget = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.to_lowercase() == lower {
            0
        } else {
            distance(name, c)
        };
        // Ties go to the name first in byte order, so the answer never depends on the order
        // the candidates come in (a hash set's differs from one run to the next).
        if d <= budget && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `message` with "; did you mean `s`?" when there is a suggestion, and the suggestion as the
/// fix (the text that replaces the misspelt name).
pub fn did_you_mean(mut message: String, suggestion: Option<&str>) -> (String, Option<String>) {
    if let Some(s) = suggestion {
        message.push_str(&format!("; did you mean `{s}`?"));
    }
    (message, suggestion.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_typos_are_suggested() {
        assert_eq!(suggest("spwn", ["spawn", "query", "find"]), Some("spawn"));
        assert_eq!(
            suggest("Transfrom", ["Transform", "Name"]),
            Some("Transform")
        );
        assert_eq!(
            suggest("updte", ["init", "update", "fixed_update"]),
            Some("update")
        );
        assert_eq!(suggest("transform", ["Transform"]), Some("Transform"));
        // Equally close: the same answer whatever the order.
        assert_eq!(suggest("o", ["os", "io"]), Some("io"));
        assert_eq!(suggest("o", ["io", "os"]), Some("io"));
    }

    #[test]
    fn distant_names_are_not() {
        assert_eq!(suggest("xyz", ["spawn", "query"]), None);
        assert_eq!(suggest("helper", ["update", "init"]), None);
    }
}
