-- scripts/pulser.lua: beats: its scale grows and shrinks, quickly out and slowly back.
local tween = require("lib.tween")

properties = { low = 1, high = 1.6, seconds = 0.8 }

function init(self)
  self.beat = tween.new(self.seconds, "out_quad", "ping_pong")
end

function update(self, dt)
  local s = self.low + (self.high - self.low) * tween.step(self.beat, dt)
  self.entity:set_scale(s, s, s)
end
