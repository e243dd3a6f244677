-- scripts/director.lua: the whole script of the level as one task that reads top to bottom: a
-- short cutscene (moves, lines of dialogue, pauses), then three waves, each waiting until the
-- last one is cleared, then an ending. Helpers that wait (`move`, `wait_until_clear`) are plain
-- functions called from the task: a task can wait at any depth.
properties = { waves = { 3, 5, 8 } }

-- Moves `e` to `to` in `seconds`, easing in and out, one step per frame.
local function move(e, to, seconds)
  local from = e:position()
  local at = vec3()
  local t = 0
  while t < seconds do
    task.wait_frames(1)
    t = t + time.dt
    local k = math.min(t / seconds, 1)
    k = k * k * (3 - 2 * k)
    e:set_position(at:set(from):scale(1 - k):add_scaled(to, k))
  end
end

local function say(who, line)
  log.info(who .. ": " .. line)
end

local function enemies_left()
  local n = 0
  for _ in world.query("Enemy") do
    n = n + 1
  end
  return n
end

local function wait_until_clear()
  while enemies_left() > 0 do
    task.wait_frames(10)
  end
end

-- Spawns `n` enemies on a circle around `center`, each starting a little after the last.
local function spawn_wave(wave, n, center)
  for i = 1, n do
    local angle = 2 * math.pi * (i - 1) / n + wave
    world.spawn({
      Transform = { position = center + vec3(4 * math.cos(angle), 4 * math.sin(angle), 0) },
      Enemy = { wave = wave, delay = 0.15 * (i - 1) },
    }, { "scripts/enemy.lua" })
  end
end

local function level(self)
  local camera, hero, guide = world.find("camera"), world.find("hero"), world.find("guide")
  -- The camera and the hero move at the same time: a second task, and a flag to join on.
  local camera_done = false
  task.spawn(function()
    move(camera, vec3(0, -4, 8), 1.5)
    camera_done = true
  end)
  move(hero, vec3(0, 0, 0), 2)
  while not camera_done do
    task.wait_frames(1)
  end
  say("guide", "They are coming. Hold the middle.")
  task.wait(0.5)
  move(guide, vec3(2, 6, 0), 0.5)

  -- The hero pulses while fighting: a task of its own, cancelled when the fight is over.
  local pulse = task.spawn(function()
    while true do
      hero:set_scale(1.2, 1.2, 1.2)
      task.wait(0.25)
      hero:set_scale(1, 1, 1)
      task.wait(0.25)
    end
  end)
  for wave, size in ipairs(self.waves) do
    self.wave = wave
    spawn_wave(wave, size, hero:position())
    task.wait_frames(1) -- let the spawned enemies' init run before counting them
    wait_until_clear()
    say("director", string.format("wave %d of %d cleared at %.1f s", wave, #self.waves, time.elapsed))
    task.wait(0.3)
  end
  task.cancel(pulse)
  hero:set_scale(1, 1, 1)
  move(camera, vec3(0, -8, 12), 1)
  say("guide", "That was the last of them.")
  self.finished = true
end

function init(self)
  self.wave = 0
  self.finished = false
  task.spawn(level, self) -- extra arguments are passed to the task's function
end
