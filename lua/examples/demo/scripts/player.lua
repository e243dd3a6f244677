-- scripts/player.lua: flies in a circle around the arena's centre, facing where it goes.
local steer = require("lib.steer")

properties = { orbit_radius = 5, angular_speed = 0.4 }

function init(self)
  self.angle = 0
end

function update(self, dt)
  self.angle = self.angle + self.angular_speed * dt
  local e = self.entity
  local next_pos = steer.ring_point(self.orbit_radius, self.angle)
  -- The Transform methods read and write the component in place (no copy of it is made).
  e:set_rotation(steer.facing(next_pos - e:position()))
  e:set_position(next_pos)
end

function on_event(self, name, data)
  if name == "player_hit" then
    local p = self.entity:get("Player")
    p.hits = p.hits + 1
    self.entity:set("Player", p)
  elseif name == "game_over" then
    self.entity:set("Player", { hits = 0 })
  end
end
