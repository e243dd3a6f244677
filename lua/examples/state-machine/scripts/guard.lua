-- scripts/guard.lua: an enemy's AI as a state machine. Each state is a table of functions
-- (`enter`, `update`, `exit`); `update` returns the name of the next state, or nothing to stay.
-- The current state is a name in `self.state`: plain data, so it is part of the world hash and
-- survives a hot reload, and the state's functions are looked up by that name every step, so a
-- reload changes the behaviour at once.
properties = {
  patrol = { { -5, -2 }, { 5, -2 } }, -- waypoints, [x, y]
  sight = 4.5,          -- sees the intruder this close...
  lose_sight = 7,       -- ...and gives up this far
  walk_speed = 2,
  run_speed = 4,
  reach = 1.2,          -- fights when this close (and loses hp doing it)
  damage_per_second = 60,
  flee_below = 35,      -- hp under which it runs away
  heal_per_second = 40,
  brave_again = 90,     -- hp at which it goes back to patrolling
}

-- Moves towards `target` (or away from it) at `speed`, with the reused `self.velocity`.
local function move(self, target, speed, dt, away)
  local v = self.velocity:set(target):sub(self.entity:position())
  if away then
    v:scale(-1)
  end
  v:normalize():scale(speed)
  self.entity:translate(v, dt)
end

local function distance_to_intruder(self)
  return vec3.distance(self.entity:position(), self.intruder:position())
end

local states = {}

states.patrol = {
  enter = function(self)
    -- Head for the nearer waypoint.
    local here = self.entity:position()
    local best = math.huge
    for i, p in ipairs(self.waypoints) do
      local d = vec3.distance(here, p)
      if d < best then
        best, self.next_waypoint = d, i
      end
    end
  end,
  update = function(self, dt)
    if distance_to_intruder(self) < self.sight then
      return "chase"
    end
    local goal = self.waypoints[self.next_waypoint]
    if vec3.distance(self.entity:position(), goal) < 0.1 then
      self.next_waypoint = self.next_waypoint % #self.waypoints + 1
    end
    move(self, goal, self.walk_speed, dt)
  end,
}

states.chase = {
  exit = function(self)
    self.chases = self.chases + 1
  end,
  update = function(self, dt)
    local d = distance_to_intruder(self)
    if d > self.lose_sight then
      return "patrol"
    end
    if d < self.reach then
      self.hp = math.max(0, self.hp - self.damage_per_second * dt)
      if self.hp < self.flee_below then
        return "flee"
      end
    else
      move(self, self.intruder:position(), self.run_speed, dt)
    end
  end,
}

states.flee = {
  update = function(self, dt)
    self.hp = math.min(100, self.hp + self.heal_per_second * dt)
    if self.hp >= self.brave_again then
      return "patrol"
    end
    if distance_to_intruder(self) < self.lose_sight then
      move(self, self.intruder:position(), self.run_speed, dt, true)
    end
  end,
}

local function change(self, name)
  local old = states[self.state]
  if old.exit then
    old.exit(self)
  end
  log.info(string.format("t=%.2fs %s -> %s (hp %.0f)", time.elapsed, self.state, name, self.hp))
  self.state = name
  self.since = time.elapsed
  local new = states[name]
  if new.enter then
    new.enter(self)
  end
  self.entity:set("Guard", { state = name, hp = math.floor(self.hp) })
end

function init(self)
  self.intruder = assert(world.find("intruder"))
  self.velocity = vec3()
  self.waypoints = {}
  for i, p in ipairs(self.patrol) do
    self.waypoints[i] = vec3(p[1], p[2], 0)
  end
  self.hp = 100
  self.chases = 0
  self.state = "patrol"
  self.since = 0
  states.patrol.enter(self)
end

function fixed_update(self, dt)
  local next_state = states[self.state].update(self, dt)
  if next_state then
    change(self, next_state)
  end
end
