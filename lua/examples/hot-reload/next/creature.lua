-- scripts/creature.lua, version 3 (from next/creature.lua): copy this file over
-- scripts/creature.lua while `crescent run lua/examples/hot-reload --watch` runs, and every
-- creature upgrades its `self` from version 2 in `on_reload`.
--
-- Version history of `self`:
--   1: `hp` (a number), `speed` along x only.
--   2: `health = { current, max }`; `velocity` (a vec3) turning by `turn` radians a second.
--   3: `heading` (radians) and `speed` instead of `velocity`; `health.max` grows with age;
--      `age` in seconds.
properties = { speed = 1.5, turn = 1.0 }

local SCHEMA = 3

-- MIGRATIONS[n] turns a version n `self` into a version n + 1 one.
local MIGRATIONS = {
  [1] = function(self)
    self.health = { current = self.hp or 10, max = 10 }
    self.hp = nil
    self.velocity = vec3(self.speed, 0, 0)
  end,
  [2] = function(self)
    local v = self.velocity
    self.heading = math.atan(v.y, v.x)
    self.speed = v:length()
    self.velocity = nil
    self.age = 0
  end,
}

local function fresh(self)
  self.schema = SCHEMA
  self.health = { current = 10, max = 10 }
  self.heading = 0
  self.age = 0
end

---@param self Self
local function publish(self)
  self.entity:set("Creature", {
    schema = self.schema,
    summary = string.format("%.1f/%d hp, %.0f s old", self.health.current, self.health.max, self.age),
  })
end

local function on_tick(self)
  self.health.max = 10 + math.floor(self.age / 5)
  self.health.current = math.min(self.health.max, self.health.current + 2)
  publish(self)
end

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
      task.wait(0.25)
      local s = 0.6 + 0.6 * self.health.current / self.health.max
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
  self.age = self.age + dt
  self.heading = self.heading + self.turn * dt
  self.entity:translate(vec3(math.cos(self.heading), math.sin(self.heading), 0), self.speed * dt)
  self.health.current = math.max(0, self.health.current - 1.5 * dt)
end
