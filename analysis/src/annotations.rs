//! LuaCATS annotations (`---@param e Entity`, `---@type vec3`) in the comment lines directly
//! above a definition, as LuaLS and EmmyLua read them.
//!
//! `@param name Type` types a function's parameter and `@type Type` (or the `@class`/`@enum`
//! the table is declared as) the first name of a `local` statement, when `Type` is a type or
//! component of the API (a trailing `?` or `|nil` is allowed). The types a file declares are
//! read by `classes.rs` and added to the API before the file is analysed. `@return Type` says
//! what a call of the function gives back, and `@generic T` with `@param x T` and `@return T`
//! that a call gives back the type of its argument `x`.

use crate::model::{Returns, Ty};
use crescent_api::Api;

/// The `---@tag rest` lines of the comment block directly above the line holding `offset`,
/// nearest last, as `(tag, rest)`.
pub fn tags_above(text: &str, offset: usize) -> Vec<(&str, &str)> {
    let Some(before) = text.get(..offset.min(text.len())) else {
        return Vec::new();
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut rest = &before[..line_start];
    while let Some(line) = rest.strip_suffix('\n').map(|r| {
        let start = r.rfind('\n').map_or(0, |i| i + 1);
        rest = &r[..start];
        r[start..].trim()
    }) {
        let Some(comment) = line.strip_prefix("---") else {
            break;
        };
        if let Some(tagged) = comment.trim_start().strip_prefix('@') {
            let (tag, args) = tagged
                .split_once(char::is_whitespace)
                .unwrap_or((tagged, ""));
            out.push((tag, args.trim()));
        }
    }
    out.reverse();
    out
}

/// A written type without what makes it optional (`Enemy?`, `Enemy|nil`: `Enemy`).
pub fn bare(written: &str) -> &str {
    let t = written.trim();
    t.strip_suffix("|nil").unwrap_or(t).trim_end_matches('?')
}

/// The type the first `---@return` of `tags` writes, bare.
pub fn written_return<'a>(tags: &[(&'a str, &'a str)]) -> Option<&'a str> {
    tags.iter()
        .find_map(|(tag, args)| (*tag == "return").then(|| args.split_whitespace().next())?)
        .map(bare)
}

/// Whether `name` is one of the `---@generic` names of `tags` (`---@generic T, K : Base`).
pub fn is_generic(tags: &[(&str, &str)], name: &str) -> bool {
    tags.iter().any(|(tag, args)| {
        *tag == "generic"
            && args
                .split(',')
                .any(|g| g.split(':').next().map(str::trim) == Some(name))
    })
}

/// The type an annotation names, when the API knows it.
pub fn ty(api: &Api, written: &str) -> Option<Ty> {
    let t = bare(written);
    if let Some(d) = api.type_def(t) {
        return Some(Ty::Type(d.name.clone()));
    }
    api.component(t).map(|c| Ty::Component(c.name.clone()))
}

/// The type `---@param name Type` gives `name` in `tags`.
pub fn param(api: &Api, tags: &[(&str, &str)], name: &str) -> Option<Ty> {
    tags.iter().find_map(|(tag, args)| {
        if *tag != "param" {
            return None;
        }
        let mut words = args.split_whitespace();
        let p = words.next()?.trim_end_matches('?');
        (p == name).then(|| ty(api, words.next()?)).flatten()
    })
}

/// The type of `---@type Type` in `tags`, or of the table `---@class Name` (or `---@enum`)
/// annotates.
pub fn declared(api: &Api, tags: &[(&str, &str)]) -> Option<Ty> {
    tags.iter().find_map(|(tag, args)| match *tag {
        "type" => ty(api, args.split_whitespace().next()?),
        "class" | "enum" => {
            let name = args.split([':', ' ', '\t']).next()?.trim();
            api.type_def(name).map(|d| Ty::Type(d.name.clone()))
        }
        _ => None,
    })
}

/// What `---@return Type` in `tags` says a call gives back: a type the API knows, or, when
/// the type is a `---@generic` name that a `---@param` of `params` has, that argument's type.
pub fn returns(api: &Api, tags: &[(&str, &str)], params: &[String]) -> Option<Returns> {
    let written = written_return(tags)?;
    if is_generic(tags, written) {
        return tags.iter().find_map(|(tag, args)| {
            if *tag != "param" {
                return None;
            }
            let mut words = args.split_whitespace();
            let name = words.next()?.trim_end_matches('?');
            (bare(words.next()?) == written)
                .then(|| params.iter().position(|p| p == name))
                .flatten()
                .map(Returns::Arg)
        });
    }
    ty(api, written).map(Returns::Ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tags_of_the_block_right_above() {
        let text = "-- unrelated\n\n--- Hurts it.\n---@param e Entity the target\n---@param n? number\n  local function hurt(e, n) end";
        let at = text.find("local").unwrap_or(0);
        assert_eq!(
            tags_above(text, at),
            [("param", "e Entity the target"), ("param", "n? number")]
        );
        let api = crescent_api::builtin();
        let tags = tags_above(text, at);
        assert_eq!(param(&api, &tags, "e"), Some(Ty::Type("Entity".into())));
        // Not an engine type: left to inference.
        assert_eq!(param(&api, &tags, "n"), None);
        assert_eq!(ty(&api, "vec3?"), Some(Ty::Type("vec3".into())));
        assert_eq!(
            ty(&api, "Transform|nil"),
            Some(Ty::Component("Transform".into()))
        );
        assert!(tags_above("x = 1\nlocal y", 6).is_empty());
    }
}
