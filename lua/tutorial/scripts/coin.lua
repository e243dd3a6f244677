-- scripts/coin.lua: a coin the spawner puts out; touching it collects it.
local util = require("lib.util")

properties = {
  points = 10, -- what the coin is worth
  reach = 0.8, -- how close the player must come
}

function init(self)
  self.player = world.find("player")
end

function update(self)
  if self.player and util.near(self.entity, self.player, self.reach) then
    events.emit("coin_collected", { points = self.points })
    self.entity:despawn()
  end
end
