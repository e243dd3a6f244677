//! What "Crescent: New Script from Template" needs of `crescent new script`: the template list, name checks, its output.

import * as path from 'path';

/**
 * One template of `crescent new script NAME --template ID`. The bodies live in the CLI only
 * (lua/templates/scripts/ID.lua); this is its list for the picker. tests/tests/new.rs fails when
 * the ids and lines here differ from `crescent new script --help`.
 */
export interface ScriptTemplate {
  /** What `--template` takes. */
  id: string;
  /** The picker's label. */
  label: string;
  /** The template's line in `crescent new script --help`. */
  about: string;
}

export const TEMPLATES: readonly ScriptTemplate[] = [
  {
    id: 'lifecycle',
    label: 'Lifecycle',
    about: 'Every lifecycle function (init, update, fixed_update, on_event, on_reload, destroy), each commented',
  },
  {
    id: 'mover',
    label: 'Mover',
    about: 'Moves its entity in a straight line: properties speed and direction, in-place translate',
  },
  {
    id: 'state-machine',
    label: 'State machine',
    about: 'Enemy AI as a table of states (idle, chase, flee) around an entity found with world.find',
  },
  {
    id: 'spawner',
    label: 'Spawner',
    about: 'Spawns entities on a timer around its entity (world.spawn) and despawns the old ones',
  },
  {
    id: 'hud-counter',
    label: 'HUD counter',
    about: 'Counts an event\'s points into a score: a log line and a Score component on each change',
  },
  {
    id: 'module',
    label: 'Module',
    about: 'A module for require: a table of shared functions, not attached to an entity',
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

/** The name as the CLI takes it: without `.lua` and a leading `scripts/` (`scripts/bat.lua` → `bat`). */
function bareName(name: string): string {
  const trimmed = name.trim();
  const noExt = trimmed.endsWith('.lua') ? trimmed.slice(0, -4) : trimmed;
  return noExt.startsWith('scripts/') ? noExt.slice('scripts/'.length) : noExt;
}

/** `enemies/bat` → `scripts/enemies/bat.lua` (project-relative, `/` separators), where the CLI writes it. */
export function scriptRelativePath(name: string): string {
  return `scripts/${bareName(name)}.lua`;
}

/** The arguments of `crescent new script NAME --template ID --dir PROJECT`. */
export function newScriptArgs(name: string, templateId: string, projectRoot: string): string[] {
  return ['new', 'script', bareName(name), '--template', templateId, '--dir', projectRoot];
}

/** What `crescent new script` printed: the file it created and the lines on how to use it. */
export interface NewScriptOutput {
  /** The new file, absolute. */
  file: string;
  /** The lines after the first (how to attach or require it, what it needs), trimmed. */
  notes: string[];
}

/**
 * Reads the output of `crescent new script` run in `projectRoot` (its first line is
 * `created PATH from the \`ID\` template: ...`). When that line is missing, the file is where the
 * CLI writes it: PROJECT/scripts/NAME.lua, a module too.
 */
export function parseNewScriptOutput(stdout: string, projectRoot: string, name: string): NewScriptOutput {
  const lines = stdout.split(/\r?\n/);
  const first = lines.findIndex((l) => /^created .+ from the `[^`]+` template/.test(l));
  const notes = lines
    .slice(first + 1)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (first >= 0) {
    const created = /^created (.+?) from the `[^`]+` template/.exec(lines[first]);
    if (created) {
      return { file: path.resolve(projectRoot, created[1]), notes };
    }
  }
  return { file: path.join(projectRoot, ...scriptRelativePath(name).split('/')), notes };
}
