-- Binary chunks are refused; load defaults to the caller's environment.
function init(self)
  local f, err = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86\0\0\0\0\0\0\0\0\0\0\0\40\119\64")
  assert(f == nil and err:find("binary"), "binary chunk accepted")
  local g, err2 = load("return 1", "x", "b")
  assert(g == nil, "mode b accepted")
  load("from_load = 42")()
  assert(from_load == 42, "load does not default to the script env")
  print("blocked binary_chunk")
end
