-- scripts/drops.lua: puts the items of its `items` property on the ground, as entities made of
-- a Transform and an `Item` component (no script: the player's script finds them by query).
properties = {
  items = { { kind = "apple", value = 1, at = { 0, 0 } } }, -- { kind, value, at = [x, y] }
}

function init(self)
  for _, item in ipairs(self.items) do
    world.spawn({
      Transform = { position = vec3(item.at[1], item.at[2], 0) },
      Item = { kind = item.kind, value = item.value },
    })
  end
end
