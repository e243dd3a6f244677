-- {{path}}
-- Every lifecycle function, each with a comment on when it runs.
-- Attach it to an entity in scene.json: "scripts": ["{{path}}"].
-- Every function below is optional: delete the ones you do not need (a missing one costs nothing).

-- Tunable values: copied into `self` before `init`; the scene may override them per entity with
-- { "path": "{{path}}", "properties": { "speed": 3 } }.
properties = {
  speed = 1.0,
}

-- Once, before the first update of this instance. `self` is this instance's own table;
-- `self.entity` is the entity it is attached to.
function init(self)
end

-- Every frame; `dt` is the time since the last frame, in seconds. To move the entity, change
-- its Transform in place: `self.entity:translate(self.velocity, dt)`, `self.entity:set_position(p)`.
function update(self, dt)
end

-- Every fixed step (60 per second by default): put physics-like, frame-rate independent code here.
function fixed_update(self, dt)
end

-- An event sent to this entity (`entity:send(name, data)`) or broadcast (`events.emit(name, data)`).
-- `sender` is the entity that sent it, when a script did.
function on_event(self, name, data, sender)
end

-- After hot reload swapped this script's code. `self` kept its values; the top level ran again.
function on_reload(self)
end

-- When the entity despawns, the script is removed, or the world ends.
function destroy(self)
end
