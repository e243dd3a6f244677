//! Command lines for the `crescent` tool: where it is (`crescent.cli.path`), its arguments, and
//! quoting for the integrated terminal's shell.

import * as os from 'os';
import { isExecutableFile, resolveUserPath, searchPath } from './bootstrap';

/**
 * The `crescent` command every feature runs (Run Game, Open API Reference, New Script, the debugger), from
 * the `crescent.cli.path` value: a bare name stays bare (PATH finds it); a path gets `~`
 * expanded and, when relative, is resolved against the first workspace folder.
 */
export function resolveCliPath(value: string, workspaceFolder: string | undefined, home: string = os.homedir()): string {
  if (!/[\\/]/.test(value)) {
    return value;
  }
  return resolveUserPath(value, workspaceFolder, home);
}

/**
 * The executable a resolved `crescent` command runs: a path must be an executable file, a bare
 * name is looked up on PATH (on Windows also with `.exe`). Undefined when there is none.
 */
export function locateCli(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (/[\\/]/.test(command)) {
    return isExecutableFile(command, platform) ? command : undefined;
  }
  const names = platform === 'win32' && !command.toLowerCase().endsWith('.exe') ? [command, `${command}.exe`] : [command];
  for (const name of names) {
    const found = searchPath(name, env, platform);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** The arguments of `crescent dap`: the Debug Adapter Protocol on stdio. */
export const DAP_ARGS: readonly string[] = ['dap'];

/** Quotes one argument for the terminal's shell: POSIX shells, or PowerShell/cmd on Windows. */
export function shellQuote(arg: string, platform: NodeJS.Platform = process.platform): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg)) {
    return arg;
  }
  if (platform === 'win32') {
    return `"${arg.replace(/"/g, '""')}"`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The arguments of `crescent run DIR --watch`. */
export function runGameArgs(projectRoot: string): string[] {
  return ['run', projectRoot, '--watch'];
}

/** What Run Game types into its terminal. */
export function runGameCommandLine(cliPath: string, projectRoot: string, platform: NodeJS.Platform = process.platform): string {
  const words = [cliPath, ...runGameArgs(projectRoot)].map((w) => shellQuote(w, platform));
  // PowerShell runs a quoted path only behind the call operator.
  return (platform === 'win32' && words[0].startsWith('"') ? '& ' : '') + words.join(' ');
}

/** The arguments of `crescent api --format markdown`. */
export const API_REFERENCE_ARGS: readonly string[] = ['api', '--format', 'markdown'];
