-- scripts/creature.lua: a creature that swims in circles, loses health as it goes and heals on
-- every `tick`. What this example is about is `on_reload`: hot reload keeps each instance's
-- `self`, so when a new version of this file changes the shape of `self`, `on_reload` upgrades
-- the old state, step by step, instead of the game having to restart.
--
-- Version history of `self`:
--   1: `hp` (a number), `speed` along x only.
--   2: `health = { current, max }`; `velocity` (a vec3) turning by `turn` radians a second.
-- `next/creature.lua` is version 3: copy it over this file while the game runs.
properties = { speed = 1.5, turn = 1.0 }

local SCHEMA = 2

-- MIGRATIONS[n] turns a version n `self` into a version n + 1 one.
local MIGRATIONS = {
  [1] = function(self)
    self.health = { current = self.hp or 10, max = 10 }
    self.hp = nil
    self.velocity = vec3(self.speed, 0, 0)
  end,
}

-- Builds this version's state from nothing (a new instance, or one from a newer version).
local function fresh(self)
  self.schema = SCHEMA
  self.health = { current = 10, max = 10 }
  self.velocity = vec3(self.speed, 0, 0)
end

---@param self Self
local function publish(self)
  self.entity:set("Creature", {
    schema = self.schema,
    summary = string.format("%.1f/%d hp", self.health.current, self.health.max),
  })
end

local function on_tick(self)
  self.health.current = math.min(self.health.max, self.health.current + 1)
  publish(self)
end

-- Subscriptions and tasks hold functions of the code that made them: a reload keeps them
-- running the old code. Made again here, after every reload, they run the new code.
local function start(self)
  if self.subscription then
    events.unsubscribe(self.subscription)
  end
  self.subscription = events.subscribe("tick", function()
    on_tick(self)
  end)
  if self.blink then
    task.cancel(self.blink)
  end
  self.blink = task.spawn(function()
    while true do
      task.wait(0.5)
      local s = 0.8 + 0.2 * self.health.current / self.health.max
      self.entity:set_scale(s, s, s)
    end
  end)
end

function init(self)
  self.reloads = 0
  fresh(self)
  start(self)
  publish(self)
end

function on_reload(self)
  self.reloads = self.reloads + 1
  local from = self.schema or 1
  if from > SCHEMA then
    log.warn(string.format("%s: state of version %d is newer than this code (%d): starting it over",
      self.entity:get("Name"), from, SCHEMA))
    fresh(self)
  else
    while self.schema < SCHEMA do
      MIGRATIONS[self.schema](self)
      self.schema = self.schema + 1
    end
    if from < SCHEMA then
      log.info(string.format("%s: migrated self from version %d to %d", self.entity:get("Name"), from, SCHEMA))
    end
  end
  start(self)
  publish(self)
end

function fixed_update(self, dt)
  -- Turn the velocity in place by `turn * dt` radians, then move.
  local v, a = self.velocity, self.turn * dt
  local c, s = math.cos(a), math.sin(a)
  v:set(v.x * c - v.y * s, v.x * s + v.y * c, 0)
  self.entity:translate(v, dt)
  self.health.current = math.max(0, self.health.current - 1.5 * dt)
end
