-- scripts/unit.lua: one unit, whose numbers and behaviour all come from its kind in
-- assets/units.json. The level spawns it with a `Unit` component holding its kind's name, its
-- number and the kind's entry of units.json (`stats`), as the level last read it.

local behaviours = {}

-- Circles its spawn point.
function behaviours.orbit(self, t)
  local k = self.kind
  local a = t * k.speed / k.radius + self.phase
  return k.radius * math.cos(a), k.radius * math.sin(a)
end

-- Goes back and forth along x, `radius` each side.
function behaviours.patrol(self, t)
  local k = self.kind
  return k.radius * math.sin(t * k.speed / k.radius + self.phase), 0
end

-- Bobs up and down.
function behaviours.bob(self, t)
  local k = self.kind
  return 0, k.radius * math.sin(t * k.speed + self.phase)
end

-- Takes a kind's numbers; a kind with an unknown behaviour is refused (and the old one kept).
local function apply(self, kind)
  if not behaviours[kind.behaviour] then
    log.warn(string.format("%s: unknown behaviour %q", self.kind_name, tostring(kind.behaviour)))
    return false
  end
  self.kind = kind
  self.entity:set_scale(kind.size, kind.size, kind.size)
  return true
end

function init(self)
  local unit = self.entity:get("Unit")
  self.kind_name = unit.kind
  self.phase = unit.index * 0.7
  self.home = self.entity:position()
  self.t = 0
  assert(apply(self, unit.stats), "units.json: bad kind " .. unit.kind)
  self.hp = self.kind.hp
end

function fixed_update(self, dt)
  self.t = self.t + dt
  local dx, dy = behaviours[self.kind.behaviour](self, self.t)
  local home = self.home
  self.entity:set_position(home.x + dx, home.y + dy, home.z)
end

function on_event(self, name, data)
  local stats = name == "units_changed" and data[self.kind_name]
  if stats and apply(self, stats) then
    local unit = self.entity:get("Unit")
    unit.stats = stats
    self.entity:set("Unit", unit)
  end
end
