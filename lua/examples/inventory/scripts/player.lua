-- scripts/player.lua: walks a route, picks up the items it walks over (entities with an `Item`
-- component, found with `world.query`), loots the chest and sells to the merchant. Its bag is
-- its `Inventory` component: any script can read it, and the world hash covers it.
local inventory = require("lib.inventory")

properties = {
  route = { { 0, 0 } }, -- waypoints, [x, y]
  speed = 3,
  reach = 0.6,           -- picks up and trades this close
}

function init(self)
  self.waypoints = {}
  for i, p in ipairs(self.route) do
    self.waypoints[i] = vec3(p[1], p[2], 0)
  end
  self.next = 1
  self.velocity = vec3()
  self.near = 0        -- id of the chest or shop in reach, dealt with on arrival only
  self.told_full = false
end

local function walk(self, dt)
  local goal = self.waypoints[self.next]
  if not goal then
    return
  end
  local e = self.entity
  local v = self.velocity:set(goal):sub(e:position())
  if v:length() < 0.05 then
    self.next = self.next + 1
    return
  end
  v:normalize():scale(self.speed)
  e:translate(v, dt)
end

local function pick_up(self, here)
  local bag = self.entity:get("Inventory")
  local changed = false
  for e, item, t in world.query("Item", "Transform") do
    if vec3.distance(here, t.position) < self.reach then
      if inventory.add(bag, item) then
        e:despawn()
        changed = true
      elseif not self.told_full then
        self.told_full = true
        log.info(string.format("bag full (%d items), left the %s on the ground", #bag.items, item.kind))
      end
    end
  end
  if changed then
    self.entity:set("Inventory", bag)
  end
end

local function trade(self, here)
  local near = 0
  for e, other, t in world.query("Inventory", "Transform") do
    if e ~= self.entity and vec3.distance(here, t.position) < self.reach then
      near = e:id()
      if near ~= self.near then
        local bag = self.entity:get("Inventory")
        local name = e:get("Name")
        local shop = e:get("Shop")
        if shop then
          local sold, paid = inventory.sell(bag, other, shop)
          log.info(string.format("sold %d items to the %s for %d gold", sold, name, paid))
        else
          local moved = inventory.take_all(other, bag)
          log.info(string.format("looted the %s: %d items, %d gold in the bag", name, moved, bag.gold))
        end
        self.told_full = false
        self.entity:set("Inventory", bag)
        e:set("Inventory", other)
      end
    end
  end
  self.near = near
end

function fixed_update(self, dt)
  walk(self, dt)
  local here = self.entity:position()
  pick_up(self, here)
  trade(self, here)
end
