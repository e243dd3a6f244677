-- scripts/coin_spawner.lua: a spawner.
-- Spawns an entity every `interval` seconds around its own entity, and despawns each one after
-- `lifetime` seconds (the oldest first when `max_alive` are out already).
-- Attach it to an entity with a Transform; name a script for the spawned entities to run:
--   { "path": "scripts/coin_spawner.lua", "properties": { "interval": 0.5, "script": "scripts/coin.lua" } }
-- Each spawned entity has a Transform and a `Spawned` script component ({ by, born }), so other
-- scripts can find them with world.query("Spawned").

properties = {
  interval = 1.0, -- seconds between two spawns
  lifetime = 4.0, -- seconds a spawned entity lives (0: until max_alive pushes it out)
  max_alive = 5,  -- at most this many at once
  radius = 3.0,   -- spawned at a random point this far around the spawner, in the x-y plane
  script = "",    -- a script the spawned entities run, such as "scripts/coin.lua"; "" for none
}

local function spawn_one(self)
  if #self.alive >= self.max_alive then
    table.remove(self.alive, 1).entity:despawn() -- the oldest makes room
  end
  -- math.random is seeded per world: the same run spawns at the same places.
  local angle = math.random() * 2 * math.pi
  local r = self.radius * math.sqrt(math.random())
  local at = self.entity:position() + vec3(r * math.cos(angle), r * math.sin(angle), 0)
  local scripts = {}
  if self.script ~= "" then
    scripts[1] = self.script
  end
  local spawned = world.spawn({
    Transform = { position = at },
    Spawned = { by = self.entity:id(), born = time.elapsed },
  }, scripts)
  self.alive[#self.alive + 1] = { entity = spawned, born = time.elapsed }
  self.spawned = self.spawned + 1
end

-- Drops the ones something else despawned, and despawns the ones past their lifetime.
local function despawn_old(self)
  local kept = {}
  for _, s in ipairs(self.alive) do
    if s.entity:alive() then
      if self.lifetime > 0 and time.elapsed - s.born >= self.lifetime then
        s.entity:despawn()
      else
        kept[#kept + 1] = s
      end
    end
  end
  self.alive = kept
end

function init(self)
  self.alive = {}  -- { entity, born } of what is out, oldest first
  self.clock = 0   -- seconds since the last spawn
  self.spawned = 0
end

-- A time accumulator in the fixed step: as many spawns as the time asks, whatever the frame
-- rate. (A task with `task.wait(self.interval)` in a loop does the same, but a running task
-- keeps the code that started it across a hot reload; this picks up a reload at once.)
function fixed_update(self, dt)
  self.clock = self.clock + dt
  while self.clock >= self.interval do
    self.clock = self.clock - self.interval
    spawn_one(self)
  end
  despawn_old(self)
end

-- When the spawner goes, what it spawned goes too.
function destroy(self)
  for _, s in ipairs(self.alive) do
    s.entity:despawn()
  end
end
