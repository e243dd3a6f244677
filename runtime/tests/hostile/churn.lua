-- Spawns and despawns while iterating a query.
function init(self)
  for i = 1, 10 do world.spawn({ Churn = { i = i } }) end
end
function update(self)
  local seen = 0
  for e, c in world.query("Churn") do
    seen = seen + 1
    e:despawn()
    world.spawn({ Churn = { i = c.i } })
    e:set("Churn", { i = -1 })
  end
  self.seen = seen
  assert(seen == 10, "saw " .. seen)
end
