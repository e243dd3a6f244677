-- scripts/spawner.lua: when the game sends `spawn_wave`, spawns its enemies, released one by one.
local steer = require("lib.steer")
local cfg = assets.load_json("config.json")

-- The scene gives each spawner its own share of every wave and its own toughness bonus.
properties = { share = 0.5, hp_bonus = 0 }

function init(self)
  -- Published as a script component so the game can read it from the spawner entity.
  self.entity:set("Share", self.share)
  self.spawned = 0
end

function on_event(self, name, data)
  if name ~= "spawn_wave" then
    return
  end
  local origin = self.entity:position()
  local hp = cfg.enemy.hp + self.hp_bonus + data.wave // 4
  for i = 1, data.count do
    local offset = steer.ring_point(1.5, math.random() * 2 * math.pi)
    world.spawn({
      Name = string.format("enemy-%d-%s-%d", data.wave, self.entity:get("Name"), i),
      Transform = { position = origin + offset },
      Enemy = { hp = hp, points = cfg.enemy.points * (1 + self.hp_bonus), delay = (i - 1) * cfg.waves.stagger },
    }, { "scripts/enemy.lua" })
    self.spawned = self.spawned + 1
  end
end
