//! Finds the Crescent projects in the workspace: folders with a scene.json, a workspace folder
//! itself or one at most two levels below it, not inside hidden folders, node_modules or target.
//! The language server finds the same ones: both run the cases in editors/project-cases.json.

import * as fs from 'fs';
import * as path from 'path';

export const SCENE_FILE = 'scene.json';

/** How far below a workspace folder projects are looked for. */
export const PROJECT_DEPTH = 2;

function hasScene(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, SCENE_FILE)).isFile();
  } catch {
    return false;
  }
}

function walk(dir: string, depth: number, out: string[]): void {
  if (hasScene(dir)) {
    out.push(dir);
  }
  if (depth === PROJECT_DEPTH) {
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && entry.name !== 'target') {
      walk(path.join(dir, entry.name), depth + 1, out);
    }
  }
}

/** Orders paths as the server does: component by component. */
function byComponents(a: string, b: string): number {
  const pa = a.split(path.sep);
  const pb = b.split(path.sep);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** The project roots inside the given workspace folders, in folder order, without duplicates. */
export function findProjectRoots(workspaceFolders: readonly string[]): string[] {
  const roots: string[] = [];
  for (const folder of workspaceFolders) {
    const found: string[] = [];
    walk(path.resolve(folder), 0, found);
    found.sort(byComponents);
    for (const dir of found) {
      if (!roots.includes(dir)) {
        roots.push(dir);
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
