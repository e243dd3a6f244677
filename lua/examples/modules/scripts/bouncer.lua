-- scripts/bouncer.lua: goes right and back, with the easing the scene names. The three bouncers
-- differ only in that property; the motion is in the shared modules.
local tween = require("lib.tween")

properties = { easing = "linear", distance = 8, seconds = 1.5 }

function init(self)
  self.from = self.entity:position()
  self.to = self.from + vec3(self.distance, 0, 0)
  self.at = vec3()
  self.motion = tween.new(self.seconds, self.easing, "ping_pong")
end

function update(self, dt)
  local k = tween.step(self.motion, dt)
  self.entity:set_position(tween.lerp_into(self.at, self.from, self.to, k))
end
