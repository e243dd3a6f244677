-- scripts/fountain.lua: shoots droplets from a pool. A droplet that lands is parked, not
-- despawned, and the next shot reuses it; the pool grows up to `max_size` and, while the tap is
-- closed, shrinks back to `keep_idle` parked droplets by despawning the rest.
properties = {
  rate = 40,         -- droplets per second while the tap is open
  max_size = 48,     -- droplets that may exist at once (flying or parked)
  keep_idle = 6,     -- parked droplets kept while the tap is closed
  speed = 7,         -- launch speed, units per second
  spread = 0.5,      -- half the fan's angle, radians
}

local function stats(self, what)
  local parked = 0
  for _, d in world.query("Droplet") do
    if not d.flying then
      parked = parked + 1
    end
  end
  log.info(string.format("%s: %d flying, %d parked; %d spawned, %d reused, %d despawned, %d skipped (pool full)",
    what, self.flying, parked, self.spawned, self.reused, self.despawned, self.skipped))
end

function init(self)
  self.free = {}      -- parked droplets (entity handles), the last one is reused first
  self.size = 0       -- droplets that exist: flying + parked
  self.flying = 0
  self.spawned, self.reused, self.despawned, self.skipped = 0, 0, 0, 0
  self.shots = 0
  self.owed = 0       -- fractional shots carried to the next step
  self.open = true
  self.origin = self.entity:position()
  -- Open for 5 s, closed for 3 s (the pool shrinks), then open again.
  task.spawn(function()
    task.wait(5)
    self.open = false
    stats(self, "tap closed")
    task.wait(1.5)  -- every droplet has landed by now
    while #self.free > self.keep_idle do
      table.remove(self.free):despawn()
      self.size = self.size - 1
      self.despawned = self.despawned + 1
    end
    task.wait_frames(1)  -- a despawn takes effect at the end of the phase that asked for it
    stats(self, "pool trimmed")
    task.wait(1.5)
    self.open = true
    task.wait(1)
    stats(self, "tap open again")
  end)
end

-- Takes a parked droplet, or makes one while the pool has room; nil when it is full.
local function acquire(self)
  local droplet = table.remove(self.free)
  if droplet then
    self.reused = self.reused + 1
    return droplet
  end
  if self.size >= self.max_size then
    self.skipped = self.skipped + 1
    return nil
  end
  self.size = self.size + 1
  self.spawned = self.spawned + 1
  return world.spawn({ Droplet = { flying = false } }, { "scripts/droplet.lua" })
end

function fixed_update(self, dt)
  if not self.open then
    return
  end
  self.owed = self.owed + self.rate * dt
  while self.owed >= 1 do
    self.owed = self.owed - 1
    self.shots = self.shots + 1
    local droplet = acquire(self)
    if droplet then
      -- Fan the shots out evenly: the golden ratio spreads any number of them.
      local angle = math.pi / 2 + self.spread * (2 * ((self.shots * 0.6180339887) % 1) - 1)
      local o = self.origin
      self.flying = self.flying + 1
      droplet:send("launch", {
        x = o.x, y = o.y, z = o.z,
        vx = self.speed * math.cos(angle), vy = self.speed * math.sin(angle),
      })
    end
  end
end

-- A droplet reports its landing; the sender is the droplet's entity.
function on_event(self, name, _, sender)
  if name == "landed" then
    self.flying = self.flying - 1
    self.free[#self.free + 1] = sender
  end
end
