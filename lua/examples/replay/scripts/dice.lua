-- scripts/dice.lua: everything random in this world comes from `math.random`, seeded once from
-- the `seed` property. It scatters walkers, and once a second rolls for a gust of wind that
-- pushes them all. It also keeps a journal of its rolls: a count and a checksum, logged at the
-- end, the same in every run with the same seed.
properties = { seed = 1, walkers = 10, arena = 6 }

-- Rolls an integer in [lo, hi] and adds it to the journal.
local function roll(self, lo, hi)
  local n = math.random(lo, hi)
  self.rolls = self.rolls + 1
  self.checksum = (self.checksum * 31 + n) % 1000000007
  return n
end

function init(self)
  -- One generator per world, shared by every script of it: reseeding here sets what every
  -- later call in any script returns. Scripts run in a fixed order, so the calls do too.
  math.randomseed(self.seed)
  self.rolls, self.checksum, self.gusts = 0, 0, 0
  for i = 1, self.walkers do
    local a = self.arena
    world.spawn({
      Name = "walker_" .. i,
      Transform = { position = vec3(roll(self, -a, a), roll(self, -a, a), 0) },
    }, {
      { path = "scripts/walker.lua", properties = { speed = roll(self, 10, 30) / 10, arena = a } },
    })
  end
  task.spawn(function()
    while true do
      task.wait(1)
      if roll(self, 1, 6) >= 5 then
        self.gusts = self.gusts + 1
        local angle = roll(self, 0, 359) * math.pi / 180
        events.emit("gust", { x = math.cos(angle), y = math.sin(angle), strength = roll(self, 2, 6) })
      end
    end
  end)
  log.info(string.format("seed %d: %d walkers", self.seed, self.walkers))
end

function destroy(self)
  log.info(string.format("journal: %d rolls, %d gusts, checksum %d", self.rolls, self.gusts, self.checksum))
end
