-- scripts/enemy.lua: waits its turn (`Enemy.delay`), walks to the hero and is defeated there.
properties = { speed = 5 }

function init(self)
  self.hero = world.find("hero")
  self.velocity = vec3()
  self.ready = false
  task.spawn(function()
    task.wait(self.entity:get("Enemy").delay)
    self.ready = true
  end)
end

function fixed_update(self, dt)
  if not self.ready then
    return
  end
  local e = self.entity
  local to_hero = self.hero:position():sub(e:position())
  if to_hero:length() < 0.5 then
    e:despawn()
    return
  end
  self.velocity:set(to_hero):normalize():scale(self.speed)
  e:translate(self.velocity, dt)
end
