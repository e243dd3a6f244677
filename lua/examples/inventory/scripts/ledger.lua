-- scripts/ledger.lua: a system script with no entity of its own to move: every few seconds it
-- looks at every `Inventory` in the world, and every `Item` still on the ground.
local inventory = require("lib.inventory")

properties = { every = 4 }

function init(self)
  task.spawn(function()
    while true do
      task.wait(self.every)
      local parts = {}
      for e, inv in world.query("Inventory") do
        parts[#parts + 1] = string.format("%s %d items (%d) %d gold",
          e:get("Name"), #inv.items, inventory.worth(inv), inv.gold)
      end
      local on_ground = 0
      for _ in world.query("Item") do
        on_ground = on_ground + 1
      end
      log.info(string.format("t=%.0fs %s | %d on the ground", time.elapsed, table.concat(parts, " | "), on_ground))
    end
  end)
end
