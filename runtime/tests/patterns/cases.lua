-- Pattern cases run twice, by the test in ../patterns.rs: in a plain Lua state (the C string
-- library) and as a Crescent script (the ported matcher); the two outputs must be equal.
-- `emit` is given by the caller.
local emit = ...

local subjects = {
  "", "a", "hello world", "  key = value  ", "x=1, y=22, z=333", "THE (quick) [brown] fox",
  "aaa", "abcabcabc", "f(a(b)c)d", "one\ttwo\nthree", "caf\xe9 na\xefve", "a.b.c", "%d%%",
  "2024-12-01T10:39:15Z", "\0a\0b", "end$", "^start",
}

local patterns = {
  "", "a", "o", "l+", "l*", "l-", "l?", ".", ".-", ".*", "^h", "d$", "^$", "%a+", "%A+", "%d+",
  "%D", "%s+", "%S+", "%w+", "%W", "%p", "%u", "%l+", "%x+", "%c", "%g+", "[aeiou]", "[^aeiou]+",
  "[a-c]+", "[%a_][%w_]*", "(%w+)=(%w+)", "(%w+)%s*=%s*(%w+)", "()a()", "(a)(b)(c)", "(a*(.)%w(%s*))",
  "%b()", "%b[]", "%f[%a]%a+", "%f[%w]%w+%f[%W]", "(%a)%1", "(.)%1", "%.", "%%", "[%]]", "[]]",
  "[^]]", "[a-]", "[-a]", "%z", "\0", "a.-c", "^(%d+)-(%d+)-(%d+)", "[%d:]+", "%a+$", "$", "^",
  "x=(%d)", "(h)(e)(l)(l)(o)", "[\xe9\xef]", "b.", "(()())",
}

local bad_patterns = { "%", "[a", "(()", "%b", "%f", "%fa", "(%1)", "%1", "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))", "a)" }

local function show(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    parts[i] = type(v) == "string" and string.format("%q", v) or tostring(v)
  end
  return table.concat(parts, ",")
end

-- Errors without the position prefix (the two runs are different chunks).
local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  if not r[1] then
    return "error: " .. tostring(r[2]):gsub("^[^:]*:%d+: ", "")
  end
  return show(table.unpack(r, 2, r.n))
end

for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    emit(string.format("find %q %q: %s", s, p, try(string.find, s, p)))
    emit(string.format("find3 %q %q: %s", s, p, try(string.find, s, p, 3)))
    emit(string.format("find-2 %q %q: %s", s, p, try(string.find, s, p, -2)))
    emit(string.format("plain %q %q: %s", s, p, try(string.find, s, p, 1, true)))
    emit(string.format("match %q %q: %s", s, p, try(string.match, s, p)))
    local all = {}
    local ok, err = pcall(function()
      for a, b in string.gmatch(s, p) do
        all[#all + 1] = show(a, b)
        if #all > 50 then break end
      end
    end)
    emit(string.format("gmatch %q %q: %s", s, p, ok and table.concat(all, ";") or ("error: " .. err:gsub("^[^:]*:%d+: ", ""))))
    emit(string.format("gsub %q %q: %s", s, p, try(string.gsub, s, p, "<%0>")))
    emit(string.format("gsub1 %q %q: %s", s, p, try(string.gsub, s, p, "[%1]", 2)))
    emit(string.format("gsubf %q %q: %s", s, p, try(string.gsub, s, p, function(a, b) return b and (a .. "|" .. b) or nil end)))
    emit(string.format("gsubt %q %q: %s", s, p, try(string.gsub, s, p, { a = "A", l = false, hello = 1 })))
  end
end
for _, p in ipairs(bad_patterns) do
  emit(string.format("bad %q: %s", p, try(string.find, "abc(a)", p)))
  emit(string.format("badg %q: %s", p, try(string.gsub, "abc(a)", p, "x")))
end
emit("repl %: " .. try(string.gsub, "abc", "b", "%"))
emit("repl %x: " .. try(string.gsub, "abc", "b", "%x"))
emit("repl %2: " .. try(string.gsub, "abc", "(b)", "%2"))
emit("repl table value: " .. try(string.gsub, "abc", "b", { b = {} }))
emit("repl type: " .. try(string.gsub, "abc", "b", true))
emit("find arg: " .. try(string.find, nil, "a"))
emit("method: " .. try(function() return ("hello"):find("l+") end))
emit("gmatch init: " .. try(function()
  local out = {}
  for w in ("one two three"):gmatch("%a+", 5) do out[#out + 1] = w end
  return table.concat(out, " ")
end))
emit("number subject: " .. try(string.gsub, 12345, "%d", "%0%0"))
