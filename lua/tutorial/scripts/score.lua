-- scripts/score.lua: a score counter.
-- It counts the events called `event` and adds up their points.
-- Scripts draw nothing themselves: what a player would see goes out two ways, and the host
-- shows it as it likes:
--   * a log line (`log.info`) on every change: `crescent run` prints it, and its status line
--     shows the last one;
--   * a `Score` script component on this entity, { count = ..., points = ... }, which other
--     scripts read with world.query("Score") and a host with
--     `runtime.component_json(id, "Score")`.
-- Attach it to any entity (it needs no Transform) and emit the event from another script:
--   events.emit("coin_collected", { points = 10 })   -- data without `points` counts 1 point
--   { "path": "scripts/score.lua", "properties": { "event": "coin_collected" } }

properties = {
  event = "coin_collected", -- the event to count
  label = "score",          -- how the log line names the count
}

local function publish(self)
  self.entity:set("Score", { count = self.count, points = self.points })
end

local function counted(self, data)
  self.count = self.count + 1
  local points = type(data) == "table" and tonumber(data.points) or 1
  self.points = self.points + points
  publish(self)
  log.info(string.format("%s %d (%d x %s)", self.label, self.points, self.count, self.event))
end

-- A subscription keeps the function that made it, old code included, across a hot reload:
-- so it is made again on reload, and the old one ended.
local function listen(self)
  if self.subscription then
    events.unsubscribe(self.subscription)
  end
  self.subscription = events.subscribe(self.event, function(data)
    counted(self, data)
  end)
end

function init(self)
  self.count = 0
  self.points = 0
  publish(self)
  listen(self)
end

function on_reload(self)
  listen(self)
end
