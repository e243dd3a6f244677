-- scripts/lib/inventory.lua: the rules of an `Inventory` component, `{ capacity, gold, items }`
-- with `items` a list of `{ kind, value }`. Plain functions on plain tables: get the component,
-- change the copy with these, set it back.
local inventory = {}

--- Whether `inv` can take one more item.
function inventory.has_room(inv)
  return #inv.items < inv.capacity
end

--- Adds a copy of `item` to `inv`; false when it is full.
function inventory.add(inv, item)
  if not inventory.has_room(inv) then
    return false
  end
  inv.items[#inv.items + 1] = { kind = item.kind, value = item.value }
  return true
end

--- Moves all the gold, and the items while `to` has room, from `from` to `to`; returns the
--- number of items moved.
function inventory.take_all(from, to)
  to.gold = to.gold + from.gold
  from.gold = 0
  local moved = 0
  while #from.items > 0 and inventory.has_room(to) do
    inventory.add(to, table.remove(from.items, 1))
    moved = moved + 1
  end
  return moved
end

--- The total value of the items in `inv`.
function inventory.worth(inv)
  local sum = 0
  for _, item in ipairs(inv.items) do
    sum = sum + item.value
  end
  return sum
end

--- Sells to `shop` (the merchant's Shop component, with inventory `buyer`) every item of `seller`
--- it buys and can pay for; returns the number of items and the gold paid.
function inventory.sell(seller, buyer, shop)
  local wanted = {}
  for _, kind in ipairs(shop.buys) do
    wanted[kind] = true
  end
  local kept, sold, paid = {}, 0, 0
  for _, item in ipairs(seller.items) do
    local price = math.floor(item.value * shop.rate)
    if wanted[item.kind] and buyer.gold >= price and inventory.add(buyer, item) then
      buyer.gold = buyer.gold - price
      seller.gold = seller.gold + price
      sold, paid = sold + 1, paid + price
    else
      kept[#kept + 1] = item
    end
  end
  seller.items = kept
  return sold, paid
end

return inventory
