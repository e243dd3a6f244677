-- scripts/door.lua: slides up when the lever is on and down when it is off. It listens with
-- `events.subscribe`, answers the lever with `entity:send`, and after `jam_after` pulls (when
-- set) jams: it unsubscribes and broadcasts `jammed`.
properties = {
  speed = 2,        -- units per second
  lift = 2,         -- how far up an open door goes
  jam_after = 0,    -- 0: never jams
}

function init(self)
  local start = self.entity:position()
  self.closed_y = start.y
  self.goal_y = start.y
  self.heard = 0
  self.moving = false
  self.open = false
  self.subscription = events.subscribe("lever", function(data, sender)
    self.lever = sender -- the entity whose script emitted the event
    self.heard = self.heard + 1
    if self.jam_after > 0 and self.heard >= self.jam_after then
      -- Stuck where it is: no more lever events for this door.
      events.unsubscribe(self.subscription)
      self.entity:set("Door", { open = self.open, listening = false })
      events.emit("jammed", { door = self.entity:get("Name"), pull = data.pull })
      return
    end
    self.pull = data.pull
    self.open = data.on
    self.goal_y = self.closed_y + (data.on and self.lift or 0)
    self.moving = true
  end)
end

function fixed_update(self, dt)
  if not self.moving then
    return
  end
  local e = self.entity
  local p = e:position()
  local gap = self.goal_y - p.y
  local step = self.speed * dt
  if math.abs(gap) <= step then
    e:set_position(p.x, self.goal_y, p.z)
    self.moving = false
    e:set("Door", { open = self.open, listening = true })
    self.lever:send("door_moved", { open = self.open, pull = self.pull })
  else
    e:set_position(p.x, p.y + (gap > 0 and step or -step), p.z)
  end
end
