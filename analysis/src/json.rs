//! A JSON reader that keeps where every value and key is (byte spans), so the scene's lints
//! can point at the exact text; what JSON is valid is serde_json's business (the runtime
//! checks the scene with it), and this reader gives up (None) on anything else.

use crate::Span;

/// A JSON value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value's text, quotes and brackets included.
    pub span: Span,
    /// What it is.
    pub value: Value,
}

/// The kinds of JSON value, with their parts located.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Members in file order: key, the key's span (quotes included), value.
    Object(Vec<(String, Span, Node)>),
    /// Items in order.
    Array(Vec<Node>),
    /// A string, unescaped.
    String(String),
    /// A number, `true`, `false` or `null`.
    Scalar,
}

impl Node {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _, _)| k == key).map(|m| &m.2),
            _ => None,
        }
    }

    /// The members of an object (empty for anything else).
    pub fn members(&self) -> &[(String, Span, Node)] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    /// The items of an array (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Where the value a JSON path names is (`$.entities[2].scripts[0].order`): the value's
/// span, or for a key that is not there, the span of the object that lacks it. None when the
/// text is not JSON or the path does not lead anywhere.
pub fn locate(text: &str, path: &str) -> Option<Span> {
    let mut node = parse(text)?;
    let mut rest = path.strip_prefix('$')?;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let i: usize = after[..end].parse().ok()?;
            node = node.items().get(i)?.clone();
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            match node.members().iter().find(|(k, _, _)| k == key) {
                Some((_, _, value)) => node = value.clone(),
                None => return Some(node.span),
            }
            rest = &after[end..];
        } else {
            return None;
        }
    }
    Some(node.span)
}

/// Parses `text` as one JSON value; None when it is not JSON (or nests deeper than 128).
pub fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let node = p.value()?;
    p.space();
    (p.at == p.bytes.len()).then_some(node)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| b" \t\r\n".contains(b))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.space();
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    fn value(&mut self) -> Option<Node> {
        self.space();
        let start = self.at;
        let value = match *self.bytes.get(self.at)? {
            b'{' => self.object()?,
            b'[' => self.array()?,
            b'"' => Value::String(self.string()?),
            _ => {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
                Value::Scalar
            }
        };
        Some(Node {
            span: Span::new(start, self.at),
            value,
        })
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.depth += 1;
        if self.depth > 128 {
            return None;
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn object(&mut self) -> Option<Value> {
        self.nested(|p| {
            p.eat(b'{')?;
            let mut members = Vec::new();
            if p.eat(b'}').is_some() {
                return Some(Value::Object(members));
            }
            loop {
                p.space();
                let key_start = p.at;
                let key = p.string()?;
                let key_span = Span::new(key_start, p.at);
                p.eat(b':')?;
                let value = p.value()?;
                members.push((key, key_span, value));
                if p.eat(b',').is_some() {
                    continue;
                }
                p.eat(b'}')?;
                return Some(Value::Object(members));
            }
        })
    }

    fn array(&mut self) -> Option<Value> {
        self.nested(|p| {
            p.eat(b'[')?;
            let mut items = Vec::new();
            if p.eat(b']').is_some() {
                return Some(Value::Array(items));
            }
            loop {
                items.push(p.value()?);
                if p.eat(b',').is_some() {
                    continue;
                }
                p.eat(b']')?;
                return Some(Value::Array(items));
            }
        })
    }

    /// A string at the cursor (which is on its opening quote), unescaped.
    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        self.at += 1;
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => break,
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        // The text between the quotes is JSON; serde_json unescapes it.
        let raw = std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?;
        serde_json::from_str::<String>(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_spans() {
        let text = r#" {"entities": [{"name": "a\"b", "n": -1.5e3}, true], "x": {}} "#;
        let root = parse(text).expect("JSON");
        let entities = root.get("entities").expect("entities");
        let first = &entities.items()[0];
        let (key, key_span, name) = &first.members()[0];
        assert_eq!(key, "name");
        assert_eq!(&text[key_span.start..key_span.end], "\"name\"");
        assert_eq!(name.as_str(), Some("a\"b"));
        assert_eq!(&text[name.span.start..name.span.end], r#""a\"b""#);
        assert_eq!(first.members()[1].2.value, Value::Scalar);
        assert!(root.get("x").is_some_and(|x| x.members().is_empty()));
    }

    #[test]
    fn json_paths_lead_to_their_value() {
        let text = "{\"entities\": [{}, {\"scripts\": [{\"order\": \"ten\"}]}]}";
        let at = |p: &str| locate(text, p).map(|s| &text[s.start..s.end]);
        assert_eq!(at("$.entities[1].scripts[0].order"), Some("\"ten\""));
        assert_eq!(at("$.entities[0]"), Some("{}"));
        // A missing key: the object that lacks it.
        assert_eq!(at("$.entities[0].name"), Some("{}"));
        assert_eq!(at("$.entities[5]"), None);
        assert_eq!(at("$"), Some(text));
    }

    #[test]
    fn not_json_is_none() {
        for bad in [
            "",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "\"open",
            "{} x",
            &"[".repeat(500),
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
