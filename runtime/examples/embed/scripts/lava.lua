-- scripts/lava.lua: burns the hero at a fixed rhythm, through the host's `Health` component.
properties = { damage = 10, every = 1.0 }

function init(self)
  task.spawn(function()
    local hero = world.find("hero")
    while hero:alive() do
      task.wait(self.every)
      local health = hero:get("Health")
      health.hp = math.max(0, health.hp - self.damage)
      hero:set("Health", health)
      hero:send("burned", { damage = self.damage })
    end
  end)
end
