-- scripts/hud.lua: what a player would see, as a log line every few seconds and on big moments.
local cfg = assets.load_json("config.json")

local function count(component)
  local n = 0
  for _ in world.query(component) do
    n = n + 1
  end
  return n
end

function init(self)
  self.state = { score = 0, lives = cfg.lives, wave = 0, best = 0 }
  self.kills = 0
  events.subscribe("enemy_destroyed", function()
    self.kills = self.kills + 1
  end)
  task.spawn(function()
    while true do
      task.wait(cfg.report_every)
      local s = self.state
      log.info(string.format(
        "t=%3.0fs wave %d | score %d (best %d) | lives %d | kills %d | enemies %d | shots %d | particles %d",
        time.elapsed, s.wave, s.score, s.best, s.lives, self.kills,
        count("Enemy"), count("Projectile"), count("Particle")))
    end
  end)
end

function on_event(self, name, data)
  if name == "score" then
    self.state = data
  elseif name == "wave_started" then
    log.info(string.format("wave %d: %d enemies incoming", data.wave, data.size))
  elseif name == "player_hit" then
    log.warn(string.format("the player was hit by enemy %d", data.by))
  end
end
