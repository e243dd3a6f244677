-- scripts/banner.lua: drops in from above once, overshooting a little, then stops updating.
local tween = require("lib.tween")

properties = { landing_y = 5, seconds = 1.2 }

function init(self)
  self.from = self.entity:position()
  self.to = vec3(self.from.x, self.landing_y, self.from.z)
  self.at = vec3()
  self.drop = tween.new(self.seconds, "out_back")
end

function update(self, dt)
  if self.drop.done then
    return
  end
  local k = tween.step(self.drop, dt)
  self.entity:set_position(tween.lerp_into(self.at, self.from, self.to, k))
  if self.drop.done then
    log.info(string.format("banner landed at y=%.1f after %.1f s", self.entity:position().y, time.elapsed))
  end
end
