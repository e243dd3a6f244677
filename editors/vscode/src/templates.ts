//! The script templates behind "Crescent: New Script from Template", and script name checks.

export interface ScriptTemplate {
  id: string;
  label: string;
  description: string;
  /** The script's text; `$NAME` is replaced by the script's name. */
  body: string;
}

export const TEMPLATES: readonly ScriptTemplate[] = [
  {
    id: 'behaviour',
    label: 'Behaviour',
    description: 'properties, init and update',
    body: `-- $NAME: what this script does.

properties = {
  speed = 1.0,
}

function init(self)
end

function update(self, dt)
end
`,
  },
  {
    id: 'full',
    label: 'All lifecycle functions',
    description: 'init, update, fixed_update, on_event, on_reload, destroy',
    body: `-- $NAME: what this script does.

properties = {}

-- Once, before the first update of this instance.
function init(self)
end

-- Every frame; dt is the frame time in seconds.
function update(self, dt)
end

-- Every fixed step (60 per second by default).
function fixed_update(self, dt)
end

-- An event sent to this entity, or broadcast with events.emit.
function on_event(self, name, data, sender)
end

-- After a hot reload swapped this script's code; self survives the reload.
function on_reload(self)
end

-- When the entity despawns, the script is removed, or the world ends.
function destroy(self)
end
`,
  },
  {
    id: 'mover',
    label: 'Mover',
    description: 'moves its entity along x every frame',
    body: `-- $NAME: moves its entity along the x axis.

properties = { speed = 2.0 }

function init(self)
  self.velocity = vec3(self.speed, 0, 0)
end

function update(self, dt)
  -- Moves the Transform in place: no copy of the component, no new vector.
  self.entity:translate(self.velocity, dt)
end
`,
  },
  {
    id: 'module',
    label: 'Module',
    description: 'a library for require("…")',
    body: `-- $NAME: a module; other scripts use it with require.

local M = {}

function M.hello(name)
  return "hello, " .. name
end

return M
`,
  },
];

/**
 * Checks a script name typed by the user: a path relative to scripts/, made of Lua identifier
 * characters, `/` between folders, an optional `.lua`. Returns an error message, or undefined.
 */
export function validateScriptName(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') {
    return 'Enter a name, e.g. player or enemies/bat';
  }
  const bare = trimmed.endsWith('.lua') ? trimmed.slice(0, -4) : trimmed;
  for (const part of bare.split('/')) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) {
      return `"${part}" is not a valid name: use letters, digits and _ (not starting with a digit), and / between folders`;
    }
  }
  return undefined;
}

/** `enemies/bat` → `scripts/enemies/bat.lua` (project-relative, `/` separators). */
export function scriptRelativePath(name: string): string {
  const trimmed = name.trim();
  const bare = trimmed.endsWith('.lua') ? trimmed.slice(0, -4) : trimmed;
  return `scripts/${bare}.lua`;
}

export function renderTemplate(template: ScriptTemplate, name: string): string {
  const trimmed = name.trim();
  const bare = trimmed.endsWith('.lua') ? trimmed.slice(0, -4) : trimmed;
  return template.body.split('$NAME').join(bare);
}
