//! The `crescent` debug configurations: what F5 without a launch.json launches, which project a
//! configuration's `project` names, and the configurations offered for a new launch.json.
//
// Pure Node (no `vscode` import): debug.ts hands VS Code's configurations and folders in as plain
// values, and the unit tests check the same functions against real temporary folders.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveUserPath } from './bootstrap';
import { findProjectRoots, projectOf, SCENE_FILE } from './project';

/** The debugger type in package.json (`contributes.debuggers`) and in launch.json. */
export const DEBUG_TYPE = 'crescent';

export type DebugRequestKind = 'launch' | 'attach';

/** A launch.json entry of type `crescent`; `crescent dap` reads `project` (or `cwd`) and `args`. */
export interface CrescentDebugConfiguration {
  type: string;
  request: string;
  name: string;
  /** The project folder (holding scene.json); `${workspaceFolder}` by default. */
  project?: string;
  /** Extra `crescent run` arguments for a launch. */
  args?: string[];
  /** What `crescent dap` accepts instead of `project`. */
  cwd?: string;
  [key: string]: unknown;
}

/** The variable a configuration's `project` starts from. */
export const WORKSPACE_FOLDER_VAR = '${workspaceFolder}';

/** The one project a configuration resolved to, or why it has none. */
export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Resolved<T> => ({ ok: true, value });
const fail = <T>(error: string): Resolved<T> => ({ ok: false, error });

/**
 * F5 with no launch.json gives VS Code's empty configuration: no request or name (and no type,
 * or ours when VS Code picked the debugger from the editor's language).
 */
export function isEmptyConfiguration(config: { type?: unknown; request?: unknown; name?: unknown }): boolean {
  return (!config.type || config.type === DEBUG_TYPE) && !config.request && !config.name;
}

/** The projects F5 (or Debug Game) may mean: the active file's, else every one. */
export function projectCandidates(roots: readonly string[], activeFile: string | undefined): string[] {
  if (activeFile !== undefined) {
    const own = projectOf(activeFile, roots);
    if (own !== undefined) {
      return [own];
    }
  }
  return [...roots];
}

/** How a configuration names a project: through `${workspaceFolder}` when the project is inside it. */
export function projectSetting(projectRoot: string, folder: string | undefined): string {
  if (folder === undefined) {
    return projectRoot;
  }
  const rel = path.relative(folder, projectRoot);
  if (rel === '') {
    return WORKSPACE_FOLDER_VAR;
  }
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    return projectRoot;
  }
  return `${WORKSPACE_FOLDER_VAR}/${rel.split(path.sep).join('/')}`;
}

/** A configuration that launches `crescent run PROJECT --wait-for-debugger` under the debugger. */
export function launchConfiguration(project: string, label = path.basename(project)): CrescentDebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Crescent: Launch ${label}`, project };
}

/** A configuration that attaches to the game running `crescent run PROJECT --watch`. */
export function attachConfiguration(project: string, label = path.basename(project)): CrescentDebugConfiguration {
  return { type: DEBUG_TYPE, request: 'attach', name: `Crescent: Attach to ${label}`, project };
}

/**
 * The configurations offered for a workspace folder (a new launch.json, the Run and Debug
 * view's list): a launch and an attach per project inside it, `${workspaceFolder}`-relative.
 * A folder without a project gets the two defaults, which point at the folder itself.
 */
export function folderConfigurations(folder: string, roots: readonly string[]): CrescentDebugConfiguration[] {
  const inside = roots.filter((r) => {
    const rel = path.relative(folder, r);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  if (inside.length === 0) {
    return [launchConfiguration(WORKSPACE_FOLDER_VAR, 'game'), attachConfiguration(WORKSPACE_FOLDER_VAR, 'the running game')];
  }
  // Names only need the project's folder name when there is more than one project to tell apart.
  const label = (r: string) => (inside.length === 1 ? undefined : path.basename(r));
  return inside.flatMap((r) => [
    launchConfiguration(projectSetting(r, folder), label(r) ?? 'game'),
    attachConfiguration(projectSetting(r, folder), label(r) ?? 'the running game'),
  ]);
}

/** Replaces `${workspaceFolder}` (the unscoped form only: VS Code substitutes the rest). */
export function substituteWorkspaceFolder(value: string, folder: string | undefined): string {
  return folder === undefined ? value : value.split(WORKSPACE_FOLDER_VAR).join(folder);
}

/**
 * Before VS Code substitutes variables: checks the request, and makes `project` explicit
 * (`cwd`, then `${workspaceFolder}`), with `${workspaceFolder}` replaced by `folder` (the
 * configuration's workspace folder, else the first) so that it works in multi-root workspaces too.
 */
export function prepareConfiguration(config: CrescentDebugConfiguration, folder: string | undefined): Resolved<CrescentDebugConfiguration> {
  if (config.request !== 'launch' && config.request !== 'attach') {
    return fail(`A Crescent debug configuration's "request" must be "launch" or "attach", not ${JSON.stringify(config.request)}.`);
  }
  const given = config.project ?? config.cwd;
  if (given !== undefined && typeof given !== 'string') {
    return fail(`"project" must be the path of a folder holding ${SCENE_FILE}, not ${JSON.stringify(given)}.`);
  }
  if (config.args !== undefined && (!Array.isArray(config.args) || config.args.some((a) => typeof a !== 'string'))) {
    return fail(`"args" must be a list of strings (extra arguments of crescent run), not ${JSON.stringify(config.args)}.`);
  }
  const project = substituteWorkspaceFolder(given === undefined || given.trim() === '' ? WORKSPACE_FOLDER_VAR : given.trim(), folder);
  const next: CrescentDebugConfiguration = { ...config, project };
  delete next.cwd;
  return ok(next);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The project folder a `project` value names: resolved against `base` (`~` and relative paths),
 * the folder itself when it holds scene.json, else the one project found below it (as the
 * workspace's projects are found), so the default `${workspaceFolder}` also fits a workspace
 * whose game sits in a sub-folder.
 */
export function resolveProject(value: string, base: string | undefined, home: string = os.homedir()): Resolved<string> {
  // `path.resolve` drops a trailing separator, which the adapter would keep in its messages.
  const given = resolveUserPath(value, base, home);
  const dir = path.isAbsolute(given) ? path.resolve(given) : given;
  if (!path.isAbsolute(dir)) {
    return fail(`The project "${value}" is a relative path, and there is no workspace folder to resolve it against.`);
  }
  if (!isDirectory(dir)) {
    return fail(`The project folder ${dir} does not exist. Set "project" to the folder holding ${SCENE_FILE}.`);
  }
  if (fs.existsSync(path.join(dir, SCENE_FILE))) {
    return ok(dir);
  }
  const below = findProjectRoots([dir]);
  if (below.length === 1) {
    return ok(below[0]);
  }
  if (below.length === 0) {
    return fail(`${dir} is not a Crescent project: it has no ${SCENE_FILE}, nor has any folder below it. Set "project" to the folder holding ${SCENE_FILE}.`);
  }
  return fail(`${dir} holds several Crescent projects (${below.map((r) => path.relative(dir, r)).join(', ')}): set "project" to one of them.`);
}

export interface FinishContext {
  /** The configuration's workspace folder, else the first one: relative paths start there. */
  base: string | undefined;
  /** Whether a game runs for a project (session.ts's `isGameRunning`), for attach. */
  isGameRunning(projectRoot: string): boolean;
  home?: string;
}

/**
 * After VS Code substituted variables: `project` becomes the absolute project folder that
 * `crescent dap` gets, and an attach with no game running fails here with a message that says
 * how to start one (the adapter would only say it cannot connect).
 */
export function finishConfiguration(config: CrescentDebugConfiguration, ctx: FinishContext): Resolved<CrescentDebugConfiguration> {
  const prepared = prepareConfiguration(config, ctx.base);
  if (!prepared.ok) {
    return prepared;
  }
  const project = resolveProject(prepared.value.project as string, ctx.base, ctx.home);
  if (!project.ok) {
    return project;
  }
  if (config.request === 'attach' && !ctx.isGameRunning(project.value)) {
    return fail(
      `No game is running for ${project.value} to attach to. Start it with "Crescent: Run Game" ` +
        `(crescent run ${project.value} --watch), or debug it with a launch configuration ("Crescent: Debug Game").`,
    );
  }
  return ok({ ...prepared.value, project: project.value });
}
