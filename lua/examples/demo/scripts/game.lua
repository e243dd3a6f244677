-- scripts/game.lua: the rules. Starts waves, keeps the score and the lives, restarts on game over.
local cfg = assets.load_json("config.json")

local function wave_size(wave)
  return math.min(cfg.waves.first + (wave - 1) * cfg.waves.growth, cfg.waves.max)
end

local function count(component)
  local n = 0
  for _ in world.query(component) do
    n = n + 1
  end
  return n
end

local function publish(self)
  events.emit("score", { score = self.score, lives = self.lives, wave = self.wave, best = self.best })
end

function init(self)
  self.wave = 0
  self.score = 0
  self.best = 0
  self.lives = cfg.lives
  self.games = 1
  self.spawners = { world.find("spawner_west"), world.find("spawner_east") }
  -- Every destroyed enemy, wherever it died, is worth its points.
  self.on_kill = events.subscribe("enemy_destroyed", function(data)
    self.score = self.score + data.points
    self.best = math.max(self.best, self.score)
    publish(self)
  end)
  task.spawn(function()
    task.wait(1.0)
    while true do
      self.wave = self.wave + 1
      local wave = self.wave
      local size = wave_size(wave)
      events.emit("wave_started", { wave = self.wave, size = size })
      -- Each spawner gets its share of the wave, sent to it alone.
      local given = 0
      for i, spawner in ipairs(self.spawners) do
        local share = spawner:get("Share") or 0.5
        local n = (i == #self.spawners) and (size - given) or math.floor(size * share + 0.5)
        given = given + n
        spawner:send("spawn_wave", { wave = self.wave, count = n })
      end
      publish(self)
      -- Wait for the enemies to appear, then until the wave is cleared.
      task.wait_frames(2)
      while count("Enemy") > 0 do
        task.wait_frames(15)
      end
      -- A game over during the wave started a new game: nothing was cleared then.
      if self.wave == wave then
        log.info(string.format("wave %d cleared: score %d, lives %d", wave, self.score, self.lives))
      end
      task.wait(cfg.waves.pause)
    end
  end)
end

function on_event(self, name, data)
  if name == "player_hit" then
    self.lives = self.lives - data.damage
    if self.lives <= 0 then
      log.warn(string.format("game %d over at wave %d with %d points (best %d); starting again",
        self.games, self.wave, self.score, self.best))
      events.emit("game_over", { wave = self.wave, score = self.score })
      self.games = self.games + 1
      self.wave = 0
      self.score = 0
      self.lives = cfg.lives
    end
    publish(self)
  end
end

function destroy(self)
  events.unsubscribe(self.on_kill)
  log.info(string.format("final: %d games, best score %d", self.games, self.best))
end
