-- scripts/enemy.lua: waits its turn, then chases the player; dies when hit enough, hurts the
-- player when it reaches it.
local steer = require("lib.steer")
local cfg = assets.load_json("config.json").enemy

function init(self)
  self.player = world.find("player")
  self.age = 0
  self.moving = false
  local delay = self.entity:get("Enemy").delay
  task.spawn(function()
    task.wait(delay)
    self.moving = true
  end)
end

function fixed_update(self, dt)
  self.age = self.age + dt
  if self.age > cfg.max_age then
    -- Never chase forever: the wave must end.
    self.entity:despawn()
    return
  end
  if not self.moving or not self.player:alive() then
    return
  end
  local e = self.entity
  local position = e:position()
  local target = self.player:position()
  if vec3.distance(position, target) < cfg.reach then
    events.emit("player_hit", { damage = 1, by = e:id() })
    e:despawn()
    return
  end
  local velocity = steer.seek(position, target, cfg.speed)
  e:translate(velocity, dt)
  e:set_rotation(steer.facing(velocity))
end

function on_event(self, name, data)
  if name ~= "hit" or self.dead then
    return
  end
  local enemy = self.entity:get("Enemy")
  enemy.hp = enemy.hp - data.damage
  self.entity:set("Enemy", enemy)
  if enemy.hp <= 0 then
    self.dead = true
    events.emit("enemy_destroyed", {
      points = enemy.points,
      position = steer.pack(self.entity:position()),
    })
    self.entity:despawn()
  end
end
