-- scripts/turret.lua: shoots at the nearest enemy in range, a few times a second (fixed step).
local steer = require("lib.steer")
local cfg = assets.load_json("config.json").projectile

properties = { fire_interval = 0.25, range = 8 }

function init(self)
  self.cooldown = 0
  self.shots = 0
end

function fixed_update(self, dt)
  self.cooldown = self.cooldown - dt
  if self.cooldown > 0 then
    return
  end
  local pos = self.entity:position()
  local target = steer.nearest(pos, "Enemy", self.range)
  if not target then
    return
  end
  self.cooldown = self.fire_interval
  self.shots = self.shots + 1
  local aim = target:position()
  world.spawn({
    Transform = { position = pos },
    Projectile = { damage = cfg.damage, owner = self.entity:id() },
    Velocity = steer.pack(steer.seek(pos, aim, cfg.speed)),
    Lifetime = { left = cfg.lifetime },
  })
end
