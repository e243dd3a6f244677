-- scripts/effects.lua: moves projectiles and particles (entities without scripts of their own,
-- found by their script components), detects hits and expires what has lived long enough.
local steer = require("lib.steer")
local cfg = assets.load_json("config.json")

local function spawn_burst(at)
  local p = cfg.particles
  for _ = 1, p.per_burst do
    local dir = steer.ring_point(1, math.random() * 2 * math.pi) + vec3(0, math.random(), 0)
    world.spawn({
      Transform = { position = at, scale = vec3(0.2, 0.2, 0.2) },
      Particle = {},
      Velocity = steer.pack(dir:normalized() * p.speed),
      Lifetime = { left = p.lifetime * (0.5 + math.random() * 0.5) },
    })
  end
end

function init(self)
  self.hits = 0
  events.subscribe("enemy_destroyed", function(data)
    spawn_burst(steer.unpack(data.position))
  end)
end

-- Counts down a Lifetime; despawns the entity and returns false when it runs out.
local function age(e, life, dt)
  life.left = life.left - dt
  if life.left <= 0 then
    e:despawn()
    return false
  end
  e:set("Lifetime", life)
  return true
end

function update(self, dt)
  local enemies = {}
  for e in world.query("Enemy", "Transform") do
    enemies[#enemies + 1] = { entity = e, position = e:position() }
  end

  for e, projectile, v, life in world.query("Projectile", "Velocity", "Lifetime") do
    if age(e, life, dt) then
      e:translate(steer.unpack(v), dt)
      local position = e:position()
      for _, enemy in ipairs(enemies) do
        if vec3.distance(position, enemy.position) < cfg.projectile.radius then
          enemy.entity:send("hit", { damage = projectile.damage })
          self.hits = self.hits + 1
          e:despawn()
          break
        end
      end
    end
  end

  local drag = math.max(0, 1 - cfg.particles.drag * dt)
  for e, _, v, life in world.query("Particle", "Velocity", "Lifetime") do
    if age(e, life, dt) then
      local velocity = steer.unpack(v):scale(drag)
      e:translate(velocity, dt)
      e:set_scale(e:scale():scale(0.98))
      e:set("Velocity", steer.pack(velocity))
    end
  end
end
