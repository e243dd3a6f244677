//! Command lines for the `crescent` tool: quoting for the integrated terminal's shell.

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
