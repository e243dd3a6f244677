//! The ported `table.sort` (`runtime/src/sort.rs`) against Lua's own: the same results and
//! messages on many random lists, with and without comparators, in a plain Lua state (the C
//! table library) and as a Crescent script; and a sort of millions of numbers without a
//! comparator, which Lua's C sort runs for seconds out of the hook's reach, stops at the time
//! budget with the script's line while the other scripts go on.

mod common;
use common::*;
use crescent_runtime::Config;
use std::time::Duration;

/// Sorts generated lists and prints each result (or error) on one line through `emit`.
const CASES: &str = r#"
local emit = ...
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local function show(t)
  local parts = {}
  for i = 1, #t do parts[i] = tostring(t[i]) end
  return table.concat(parts, " ")
end
local function case(t, comp)
  local ok, err = pcall(table.sort, t, comp)
  if ok then emit(show(t)) else emit("error: " .. tostring(err)) end
end
for round = 1, 400 do
  local n = rand(300)
  local nums, strs, pairs_ = {}, {}, {}
  for i = 1, n do
    nums[i] = rand(50) - 25 + (rand(3) == 0 and 0.5 or 0)
    strs[i] = string.char(97 + rand(26), 97 + rand(26))
    pairs_[i] = { key = rand(20), id = i }
  end
  case(nums)
  case(strs, function(a, b) return a > b end)
  local copy = {}
  for i = 1, n do copy[i] = pairs_[i] end
  -- Ties under a comparator: the order they end in is the algorithm's, so it shows too.
  local ok, err = pcall(table.sort, copy, function(a, b) return a.key < b.key end)
  local ids = {}
  for i = 1, n do ids[i] = copy[i].id end
  emit(ok and show(ids) or ("error: " .. tostring(err)))
  -- Already sorted and reversed lists.
  local up, down = {}, {}
  for i = 1, n do up[i] = i; down[i] = n - i end
  case(up)
  case(down)
end
-- Errors: mixed types, a comparator that is not a function, an inconsistent order.
case({ 3, "x", 1 })
case({ 1, 2, 3 }, 42)
case({ 1, nil, 3 })
local bad = {}
for i = 1, 200 do bad[i] = i % 7 end
case(bad, function(a, b) return true end)
case("not a table")
"#;

#[test]
fn the_port_sorts_as_luas_own_table_library() {
    assert_same_as_lua(CASES, 2_000);
}

#[test]
fn a_huge_sort_stops_at_the_budget() {
    // Two million numbers, filled over a few frames (each frame's share is well within the
    // budget), then sorted in one call.
    let big = "local t = {}\nfunction update(self)\n  if #t < 2000000 then\n    for i = #t + 1, #t + 250000 do t[i] = (i * 7919) % 1000003 end\n    return\n  end\n  table.sort(t)\n  self.sorted = true\nend\n";
    let good = "function update(self) self.n = (self.n or 0) + 1 end\n";
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/good.lua"]}, {"scripts": ["scripts/big.lua"]}, {"scripts": ["scripts/good.lua"]}]}"#,
        ),
        ("scripts/good.lua", good),
        ("scripts/big.lua", big),
    ]);
    let config = Config {
        budget: Duration::from_millis(40),
        ..Config::default()
    };
    let mut rt = run(dir.path(), config);
    for _ in 0..12 {
        rt.frame(1.0 / 60.0);
    }
    let errs = errors(&rt.drain_events());
    assert_eq!(
        errs.iter()
            .map(|e| (e.0.as_str(), e.1, e.2.as_str()))
            .collect::<Vec<_>>(),
        [(
            "scripts/big.lua",
            7,
            "script exceeded its time budget of 40 ms"
        )]
    );
    for s in rt
        .report()
        .scripts
        .iter()
        .filter(|s| s.path == "scripts/good.lua")
    {
        assert_eq!(s.calls["update"], 12, "the other scripts ran every frame");
    }
}
