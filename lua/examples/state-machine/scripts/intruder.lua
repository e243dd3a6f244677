-- scripts/intruder.lua: wanders on a fixed figure (a Lissajous curve), in and out of the
-- guard's sight; it fights back when the guard is close (the guard's script counts that).
function init(self)
  self.t = 0
end

function fixed_update(self, dt)
  self.t = self.t + dt
  local t = self.t
  self.entity:set_position(5 * math.sin(0.4 * t), 4 * math.cos(0.6 * t), 0)
end
