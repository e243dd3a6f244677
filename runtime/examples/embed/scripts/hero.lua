-- scripts/hero.lua: regenerates, asks the host to rumble the controller when burned, and
-- walks away from the lava once it hurts too much.
properties = { regen_per_second = 2 }

function init(self)
  self.burns = 0
  self.regen = 0
end

function update(self, dt)
  self.regen = self.regen + self.regen_per_second * dt
  if self.regen >= 1 then
    local health = self.entity:get("Health")
    health.hp = math.min(health.max, health.hp + math.floor(self.regen))
    self.regen = self.regen - math.floor(self.regen)
    self.entity:set("Health", health)
  end
  if self.burns >= 5 then
    local t = self.entity:get("Transform")
    t.position = t.position + vec3(-2 * dt, 0, 0)
    self.entity:set("Transform", t)
  end
end

function on_event(self, name, data)
  if name == "burned" then
    self.burns = self.burns + 1
    -- `game.rumble` is a Rust function the host registered; it returns how many rumbles so far.
    local total = game.rumble(data.damage / 20)
    log.info(string.format("burned for %d (hp %d), rumble #%d", data.damage, self.entity:get("Health").hp, total))
  end
end
