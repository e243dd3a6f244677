-- scripts/shop.lua: makes its entity a shop. The `Shop` component (what it buys, at which share
-- of an item's value) is what the player's script looks for; its gold and stock are its
-- `Inventory`, set in the scene.
properties = { buys = { "apple" }, rate = 0.5 }

function init(self)
  self.entity:set("Shop", { buys = self.buys, rate = self.rate })
end
