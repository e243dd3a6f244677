-- A ship steers toward the beacon. Its position comes from the engine's physics (copied in
-- before each frame); what the script decides is its Thrust, which the engine reads after.

properties = {
  power = 6, -- thrust per unit of distance, capped at `max`
  max = 40,
}

function init(self)
  self.beacon = world.find("beacon")
end

function update(self)
  local to = self.beacon:position() - self.entity:position()
  local d = to:length()
  local push = math.min(self.power * d, self.max)
  if d > 0 then to = to / d end
  self.entity:set("Thrust", { x = to.x * push, y = to.y * push })
end
