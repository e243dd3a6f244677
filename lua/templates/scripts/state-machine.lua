-- {{path}}: an enemy's AI as a state machine.
-- It idles until the entity named `target` comes near, chases it, and when it reaches it
-- broadcasts "target_reached" and runs away, then calms down and idles again.
-- Attach it to an entity with a Transform; the target is any entity with that `Name` and a
-- Transform (in scene.json: "name": "player"):
--   { "path": "{{path}}", "properties": { "target": "player", "sight": 6 } }
--
-- Each state is a table of functions (`enter`, `update`, `exit`, all optional); `update` returns
-- the name of the next state, or nothing to stay. The current state is a name in `self.state`:
-- plain data, kept across hot reloads, and looked up in `states` every step, so a reload changes
-- the behaviour at once.

properties = {
  target = "player", -- the Name of the entity to watch
  sight = 5,         -- starts chasing when the target is this close...
  give_up = 8,       -- ...and stops this far
  reach = 1,         -- reaches the target this close, then flees
  safe = 4,          -- stops fleeing this far
  speed = 2,         -- units per second, chasing
  flee_speed = 3,    -- units per second, fleeing
}

-- Moves towards `goal` (away from it when `speed` is negative) with the reused `self.velocity`.
local function move_towards(self, goal, speed, dt)
  local v = self.velocity:set(goal):sub(self.entity:position())
  v:normalize():scale(speed)
  self.entity:translate(v, dt)
end

-- The target's position and its distance, or nil when there is no such entity (any more).
local function target_position(self)
  if self.target_entity == nil or not self.target_entity:alive() then
    self.target_entity = world.find(self.target)
  end
  local at = self.target_entity and self.target_entity:position()
  if at == nil then
    return nil
  end
  return at, vec3.distance(self.entity:position(), at)
end

local states = {}

states.idle = {
  update = function(self)
    local _, d = target_position(self)
    if d and d < self.sight then
      return "chase"
    end
  end,
}

states.chase = {
  enter = function(self)
    self.chases = self.chases + 1
  end,
  update = function(self, dt)
    local at, d = target_position(self)
    if at == nil or d > self.give_up then
      return "idle"
    end
    if d < self.reach then
      events.emit("target_reached", { by = self.entity:id(), target = self.target })
      return "flee"
    end
    move_towards(self, at, self.speed, dt)
  end,
}

states.flee = {
  update = function(self, dt)
    local at, d = target_position(self)
    if at == nil or d > self.safe then
      return "idle"
    end
    move_towards(self, at, -self.flee_speed, dt)
  end,
}

local function change(self, name)
  local old = states[self.state]
  if old.exit then
    old.exit(self)
  end
  log.info(string.format("t=%.2fs %s -> %s", time.elapsed, self.state, name))
  self.state = name
  local new = states[name]
  if new.enter then
    new.enter(self)
  end
end

function init(self)
  self.velocity = vec3()
  self.chases = 0
  self.state = "idle"
  if world.find(self.target) == nil then
    log.warn(string.format("no entity named %q yet: idle until there is one", self.target))
  end
end

function fixed_update(self, dt)
  local next_state = states[self.state].update(self, dt)
  if next_state then
    change(self, next_state)
  end
end

-- A reload may remove the state this instance is in: start over from idle then.
function on_reload(self)
  if states[self.state] == nil then
    self.state = "idle"
  end
end
