-- scripts/level.lua: builds the level described in assets/<level>.json, group by group at the
-- times the file gives, from the unit kinds of assets/units.json. Nothing about the content is
-- in the code: add a group or a kind to the JSON and it appears.
properties = { level = "meadow.json", poll_every = 1 }

local function vec2(pair)
  return vec3(pair[1], pair[2], 0)
end

local function spawn_group(self, group)
  if not self.units[group.kind] then
    log.warn(string.format("%s: unknown unit kind %q (known: see units.json)", self.level, group.kind))
    return
  end
  local origin, step = vec2(group.origin), vec2(group.step)
  for i = 1, group.count do
    self.spawned = self.spawned + 1
    world.spawn({
      Transform = { position = origin + step * (i - 1) },
      Unit = { kind = group.kind, index = self.spawned, stats = self.units[group.kind] },
    }, { "scripts/unit.lua" })
  end
end

function init(self)
  self.units = assets.load_json("units.json")
  self.units_text = assets.load_text("units.json")
  local level = assets.load_json(self.level)
  self.title = level.title
  self.spawned = 0
  local total = 0
  for _, group in ipairs(level.groups) do
    total = total + group.count
  end
  log.info(string.format("level %q: %d groups, %d units", level.title, #level.groups, total))

  -- The groups come at their times (the file lists them in time order).
  task.spawn(function()
    for _, group in ipairs(level.groups) do
      if group.at > time.elapsed then
        task.wait(group.at - time.elapsed)
        log.info(string.format("t=%.1fs: a group of %s arrives (%d)", time.elapsed, group.kind, group.count))
      end
      spawn_group(self, group)
    end
  end)

  -- Live tuning: reread units.json now and then and tell the units when it changed
  -- (saving an asset does not reload anything by itself).
  task.spawn(function()
    while true do
      task.wait(self.poll_every)
      local text = assets.load_text("units.json")
      if text ~= self.units_text then
        self.units_text = text
        local ok, units = pcall(assets.load_json, "units.json")
        if ok then
          self.units = units
          events.emit("units_changed", units)
          log.info("units.json changed: units updated")
        else
          log.warn("units.json does not parse, keeping the old one: " .. tostring(units))
        end
      end
    end
  end)
end
