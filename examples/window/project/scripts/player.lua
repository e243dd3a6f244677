-- The player: moves with the arrow keys or WASD, fires with space.

properties = {
  speed = 260, -- world units per second
  reload = 0.12, -- seconds between shots
}

function init(self)
  self.cooldown = 0
  self.step = vec3(0, 0, 0) -- reused every frame: moving allocates nothing
end

function update(self, dt)
  self.step:set(input.axis("move_x"), input.axis("move_y"), 0)
  self.entity:translate(self.step, self.speed * dt)

  self.cooldown = self.cooldown - dt
  if input.held("fire") and self.cooldown <= 0 then
    self.cooldown = self.reload
    world.spawn({
      Transform = { position = self.entity:position() },
      Sprite = { shape = "circle", color = { 1, 1, 1 }, size = 4 },
    }, { "scripts/bullet.lua" })
  end
end
