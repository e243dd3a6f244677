-- scripts/player.lua: the player, moved by the move_x / move_y axes.
properties = {
  speed = 4, -- units per second
}

function init(self)
  self.velocity = vec3() -- made once, reused every frame
end

function update(self, dt)
  -- The axes go from -1 to 1; the host feeds them (keys, a stick, or a recorded track).
  self.velocity:set(input.axis("move_x"), input.axis("move_y"), 0)
  if self.velocity:length_squared() > 1 then
    self.velocity:normalize() -- diagonals are no faster
  end
  self.velocity:scale(self.sped)
  self.entity:translate(self.velocity, dt)
end

-- After a hot reload: `self` is kept, so state a newer `init` makes is made here for the
-- instances that started under the older one.
function on_reload(self)
  self.velocity = self.velocity or vec3()
end
