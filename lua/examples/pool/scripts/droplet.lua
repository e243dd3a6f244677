-- scripts/droplet.lua: one pooled droplet. `launch` puts it in the air; when it falls back to
-- the ground it parks itself (no Transform, so nothing draws it) and tells the fountain.
properties = { gravity = 9.8 }

local DOWN = vec3(0, -1, 0)

function init(self)
  self.velocity = vec3()
  self.flying = false
  self.flights = 0
end

function on_event(self, name, data, sender)
  if name ~= "launch" then
    return
  end
  self.home = sender
  self.flying = true
  self.flights = self.flights + 1
  self.velocity:set(data.vx, data.vy, 0)
  self.entity:set_position(data.x, data.y, data.z)  -- inserts the Transform again
  self.entity:set("Droplet", { flying = true })
end

function fixed_update(self, dt)
  if not self.flying then
    return
  end
  local e = self.entity
  self.velocity:add_scaled(DOWN, self.gravity * dt)
  e:translate(self.velocity, dt)
  if self.velocity.y < 0 and e:position().y <= 0 then
    self.flying = false
    e:remove("Transform")
    e:set("Droplet", { flying = false })
    self.home:send("landed")
  end
end
