//! Finds the `crescent-lsp` binary: the environment variable, the setting, the bundled copy, PATH.
//
// This module is pure Node (no `vscode` import) so that the unit tests can run it against real
// temporary folders without an editor.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The name of the environment variable that overrides every other way of finding the server. */
export const SERVER_ENV_VAR = 'CRESCENT_LSP_PATH';
/** The setting that names the server binary. */
export const SERVER_PATH_SETTING = 'crescent.server.path';

/** Where the server binary came from, shown in the log so a user knows which one runs. */
export type ServerSource = 'environment' | 'setting' | 'bundled' | 'path';

export interface FoundServer {
  path: string;
  source: ServerSource;
}

export interface DiscoveryInput {
  /** The process environment (for the override variable and PATH). */
  env: NodeJS.ProcessEnv;
  /** The value of `crescent.server.path`, already trimmed; undefined when unset or empty. */
  settingPath: string | undefined;
  /** The extension's install folder; its `server/` sub-folder may hold a bundled binary. */
  extensionPath: string;
  /** The first workspace folder, against which a relative setting is resolved. */
  workspaceFolder?: string;
  /** `process.platform` by default; tests pass another to check the Windows names. */
  platform?: NodeJS.Platform;
  /** The home folder for `~` expansion; `os.homedir()` by default. */
  home?: string;
}

/** Raised when no server can be found; its message names the setting that fixes it. */
export class ServerNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerNotFoundError';
  }
}

/** The binary's file name on this platform. */
export function serverBinaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'crescent-lsp.exe' : 'crescent-lsp';
}

/** Expands a leading `~` and resolves a relative path against the workspace folder. */
export function resolveUserPath(value: string, workspaceFolder: string | undefined, home: string): string {
  let p = value;
  if (p === '~') {
    p = home;
  } else if (p.startsWith('~/') || p.startsWith('~\\')) {
    p = path.join(home, p.slice(2));
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) {
    p = path.join(workspaceFolder, p);
  }
  return path.normalize(p);
}

/** True when `p` is a regular file we may execute (on Windows: any regular file). */
export function isExecutableFile(p: string, platform: NodeJS.Platform = process.platform): boolean {
  try {
    const stat = fs.statSync(p);
    if (!stat.isFile()) {
      return false;
    }
    if (platform === 'win32') {
      return true;
    }
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks `name` up in a PATH-style list, as a shell would: the first executable match wins. */
export function searchPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  // Windows spells it `Path` and is case-insensitive about it.
  const key = Object.keys(env).find((k) => (platform === 'win32' ? k.toUpperCase() === 'PATH' : k === 'PATH'));
  const value = key === undefined ? undefined : env[key];
  if (value === undefined || value === '') {
    return undefined;
  }
  const separator = platform === 'win32' ? ';' : ':';
  for (const dir of value.split(separator)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate, platform)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Finds the language server, in this order:
 * 1. `CRESCENT_LSP_PATH` (for development and tests),
 * 2. the `crescent.server.path` setting,
 * 3. `server/crescent-lsp` inside the extension (a platform-specific .vsix bundles one),
 * 4. `crescent-lsp` on PATH.
 *
 * A path that is given explicitly (1 or 2) but does not exist is an error rather than a reason
 * to fall through: silently running some other binary than the one asked for hides mistakes.
 *
 * @throws ServerNotFoundError with a message that names the setting to change.
 */
export function findServer(input: DiscoveryInput): FoundServer {
  const platform = input.platform ?? process.platform;
  const home = input.home ?? os.homedir();

  const fromEnv = input.env[SERVER_ENV_VAR]?.trim();
  if (fromEnv) {
    const p = resolveUserPath(fromEnv, input.workspaceFolder, home);
    if (isExecutableFile(p, platform)) {
      return { path: p, source: 'environment' };
    }
    throw new ServerNotFoundError(
      `The environment variable ${SERVER_ENV_VAR} is set to "${fromEnv}", but there is no executable file at ${p}. ` +
        `Unset it to use the "${SERVER_PATH_SETTING}" setting instead.`,
    );
  }

  if (input.settingPath) {
    const p = resolveUserPath(input.settingPath, input.workspaceFolder, home);
    if (isExecutableFile(p, platform)) {
      return { path: p, source: 'setting' };
    }
    throw new ServerNotFoundError(
      `The setting "${SERVER_PATH_SETTING}" is "${input.settingPath}", but there is no executable file at ${p}. ` +
        `Point "${SERVER_PATH_SETTING}" at the crescent-lsp binary, or clear it to look in the extension and on PATH.`,
    );
  }

  const name = serverBinaryName(platform);
  const bundled = path.join(input.extensionPath, 'server', name);
  if (isExecutableFile(bundled, platform)) {
    return { path: bundled, source: 'bundled' };
  }

  const onPath = searchPath(name, input.env, platform);
  if (onPath !== undefined) {
    return { path: onPath, source: 'path' };
  }

  throw new ServerNotFoundError(
    `Could not find the Crescent language server (${name}). Set "${SERVER_PATH_SETTING}" to its path, ` +
      `or put ${name} on PATH (cargo install --path lsp, from the Crescent repository).`,
  );
}
