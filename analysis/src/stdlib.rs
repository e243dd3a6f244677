//! Members of Lua 5.4's standard libraries, for completing `math.`, `string.` and the rest.
//!
//! This is Lua's own library, not engine knowledge: what the sandbox keeps of it comes from the
//! API description (`sandbox.removed`, `sandbox.partial`), so a removed member (`string.dump`,
//! `os.execute`) is never offered.

use crescent_api::Api;

/// `(library, member, signature)` for every member of the libraries scripts can get.
const MEMBERS: &[(&str, &str, &str)] = &[
    ("string", "byte", "string.byte(s, i?, j?) -> integer..."),
    ("string", "char", "string.char(...) -> string"),
    ("string", "dump", "string.dump(f, strip?) -> string"),
    (
        "string",
        "find",
        "string.find(s, pattern, init?, plain?) -> integer?, integer?, ...",
    ),
    ("string", "format", "string.format(fmt, ...) -> string"),
    (
        "string",
        "gmatch",
        "string.gmatch(s, pattern, init?) -> iterator",
    ),
    (
        "string",
        "gsub",
        "string.gsub(s, pattern, repl, n?) -> string, integer",
    ),
    ("string", "len", "string.len(s) -> integer"),
    ("string", "lower", "string.lower(s) -> string"),
    (
        "string",
        "match",
        "string.match(s, pattern, init?) -> string?...",
    ),
    ("string", "pack", "string.pack(fmt, ...) -> string"),
    ("string", "packsize", "string.packsize(fmt) -> integer"),
    ("string", "rep", "string.rep(s, n, sep?) -> string"),
    ("string", "reverse", "string.reverse(s) -> string"),
    ("string", "sub", "string.sub(s, i, j?) -> string"),
    ("string", "unpack", "string.unpack(fmt, s, pos?) -> ..."),
    ("string", "upper", "string.upper(s) -> string"),
    (
        "table",
        "concat",
        "table.concat(list, sep?, i?, j?) -> string",
    ),
    ("table", "insert", "table.insert(list, pos?, value)"),
    ("table", "move", "table.move(a1, f, e, t, a2?) -> table"),
    ("table", "pack", "table.pack(...) -> table"),
    ("table", "remove", "table.remove(list, pos?) -> any"),
    ("table", "sort", "table.sort(list, comp?)"),
    ("table", "unpack", "table.unpack(list, i?, j?) -> ..."),
    ("math", "abs", "math.abs(x) -> number"),
    ("math", "ceil", "math.ceil(x) -> integer"),
    ("math", "cos", "math.cos(x) -> number"),
    ("math", "deg", "math.deg(x) -> number"),
    ("math", "exp", "math.exp(x) -> number"),
    ("math", "floor", "math.floor(x) -> integer"),
    ("math", "fmod", "math.fmod(x, y) -> number"),
    ("math", "huge", "math.huge: number"),
    ("math", "log", "math.log(x, base?) -> number"),
    ("math", "max", "math.max(x, ...) -> number"),
    ("math", "maxinteger", "math.maxinteger: integer"),
    ("math", "min", "math.min(x, ...) -> number"),
    ("math", "mininteger", "math.mininteger: integer"),
    ("math", "modf", "math.modf(x) -> integer, number"),
    ("math", "pi", "math.pi: number"),
    ("math", "rad", "math.rad(x) -> number"),
    (
        "math",
        "random",
        "math.random(m?, n?) -> number (seeded per world)",
    ),
    ("math", "randomseed", "math.randomseed(x?, y?)"),
    ("math", "sin", "math.sin(x) -> number"),
    ("math", "sqrt", "math.sqrt(x) -> number"),
    ("math", "tan", "math.tan(x) -> number"),
    ("math", "tointeger", "math.tointeger(x) -> integer?"),
    ("math", "type", "math.type(x) -> \"integer\"|\"float\"|nil"),
    ("math", "ult", "math.ult(m, n) -> boolean"),
    ("math", "acos", "math.acos(x) -> number"),
    ("math", "asin", "math.asin(x) -> number"),
    ("math", "atan", "math.atan(y, x?) -> number"),
    ("utf8", "char", "utf8.char(...) -> string"),
    ("utf8", "charpattern", "utf8.charpattern: string"),
    (
        "utf8",
        "codepoint",
        "utf8.codepoint(s, i?, j?, lax?) -> integer...",
    ),
    ("utf8", "codes", "utf8.codes(s, lax?) -> iterator"),
    ("utf8", "len", "utf8.len(s, i?, j?, lax?) -> integer?"),
    ("utf8", "offset", "utf8.offset(s, n, i?) -> integer?"),
    ("coroutine", "close", "coroutine.close(co) -> boolean, any?"),
    ("coroutine", "create", "coroutine.create(f) -> thread"),
    (
        "coroutine",
        "isyieldable",
        "coroutine.isyieldable() -> boolean",
    ),
    (
        "coroutine",
        "resume",
        "coroutine.resume(co, ...) -> boolean, ...",
    ),
    (
        "coroutine",
        "running",
        "coroutine.running() -> thread, boolean",
    ),
    ("coroutine", "status", "coroutine.status(co) -> string"),
    ("coroutine", "wrap", "coroutine.wrap(f) -> function"),
    ("coroutine", "yield", "coroutine.yield(...) -> ..."),
    ("os", "clock", "os.clock() -> number"),
    ("os", "date", "os.date(format?, time?) -> string|table"),
    ("os", "difftime", "os.difftime(t2, t1) -> number"),
    ("os", "execute", "os.execute(command?)"),
    ("os", "exit", "os.exit(code?, close?)"),
    ("os", "getenv", "os.getenv(name) -> string?"),
    ("os", "remove", "os.remove(filename)"),
    ("os", "rename", "os.rename(old, new)"),
    ("os", "setlocale", "os.setlocale(locale?, category?)"),
    ("os", "time", "os.time(t?) -> integer"),
    ("os", "tmpname", "os.tmpname() -> string"),
];

/// The members of standard library `lib` a script can use, as `(name, signature)`: none when
/// `lib` is not a library the sandbox gives; for a library it gives only in part (`os`), only
/// the listed members; never a removed one.
pub fn members(api: &Api, lib: &str) -> Vec<(&'static str, &'static str)> {
    if !api.sandbox.globals.iter().any(|g| g == lib) || api.removed(lib).is_some() {
        return Vec::new();
    }
    let partial: Vec<&str> = api
        .sandbox
        .partial
        .iter()
        .filter_map(|p| p.strip_prefix(lib)?.strip_prefix('.'))
        .collect();
    MEMBERS
        .iter()
        .filter(|(l, _, _)| *l == lib)
        .filter(|(_, name, _)| api.removed(&format!("{lib}.{name}")).is_none())
        .filter(|(_, name, _)| partial.is_empty() || partial.contains(name))
        .map(|(_, name, sig)| (*name, *sig))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_what_the_sandbox_gives_and_nothing_it_removes() {
        let api = crescent_api::builtin();
        let names = |lib| -> Vec<&str> { members(&api, lib).iter().map(|(n, _)| *n).collect() };
        assert!(names("math").contains(&"floor"));
        assert!(names("string").contains(&"format"));
        assert!(!names("string").contains(&"dump"));
        assert_eq!(names("os"), vec!["clock", "date", "difftime", "time"]);
        assert!(names("io").is_empty());
        assert!(names("debug").is_empty());
        assert!(names("world").is_empty());
    }
}
