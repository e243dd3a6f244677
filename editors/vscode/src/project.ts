//! Finds the Crescent projects in the workspace: folders with a scene.json, at a workspace folder's
//! root or one level below it (the same places the extension's activation events look).

import * as fs from 'fs';
import * as path from 'path';

export const SCENE_FILE = 'scene.json';

function hasScene(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, SCENE_FILE)).isFile();
  } catch {
    return false;
  }
}

/** The project roots inside the given workspace folders, in folder order, without duplicates. */
export function findProjectRoots(workspaceFolders: readonly string[]): string[] {
  const roots: string[] = [];
  const add = (dir: string) => {
    const normal = path.resolve(dir);
    if (!roots.includes(normal)) {
      roots.push(normal);
    }
  };
  for (const folder of workspaceFolders) {
    if (hasScene(folder)) {
      add(folder);
      continue;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        const dir = path.join(folder, entry.name);
        if (hasScene(dir)) {
          add(dir);
        }
      }
    }
  }
  return roots;
}

/** The project root that contains `file` (the deepest one), if any. */
export function projectOf(file: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel) && (best === undefined || root.length > best.length)) {
      best = root;
    }
  }
  return best;
}

/**
 * The document selector patterns for the language client: Lua files inside each project.
 * Lua files elsewhere in the workspace belong to other tools.
 */
export function luaPatterns(roots: readonly string[]): string[] {
  return roots.map((root) => `${root.split(path.sep).join('/')}/**/*.lua`);
}
