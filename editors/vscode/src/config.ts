//! Reads and validates the extension's settings (`crescent.*`) into one plain object.
//
// Pure: it takes a getter instead of `vscode.WorkspaceConfiguration`, so the unit tests check
// the parsing without an editor, and main.ts passes `(key) => config.get(key)`.

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface CrescentConfig {
  /** `crescent.server.path`, trimmed; undefined when unset, null or blank. */
  serverPath: string | undefined;
  /** `crescent.server.extraEnv`, every value turned into a string. */
  extraEnv: Record<string, string>;
  /** `crescent.trace.server`. */
  trace: TraceLevel;
  /** `crescent.cli.path`: the `crescent` command line tool. */
  cliPath: string;
}

/** Settings whose change needs the language server to restart. */
export const RESTART_SETTINGS = ['crescent.server.path', 'crescent.server.extraEnv'] as const;

const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];

/** What the settings parser read, and what it had to ignore (shown to the user once). */
export interface ParsedConfig {
  config: CrescentConfig;
  warnings: string[];
}

/** Looks a setting up by its full name, e.g. `crescent.server.path`. */
export type SettingGetter = (key: string) => unknown;

/** Parses the settings; never throws, a bad value falls back to the default with a warning. */
export function parseConfig(get: SettingGetter): ParsedConfig {
  const warnings: string[] = [];

  const rawPath = get('crescent.server.path');
  let serverPath: string | undefined;
  if (typeof rawPath === 'string') {
    serverPath = rawPath.trim() === '' ? undefined : rawPath.trim();
  } else if (rawPath !== undefined && rawPath !== null) {
    warnings.push(`"crescent.server.path" must be a string; ignoring ${JSON.stringify(rawPath)}`);
  }

  const extraEnv: Record<string, string> = {};
  const rawEnv = get('crescent.server.extraEnv');
  if (rawEnv !== undefined && rawEnv !== null) {
    if (typeof rawEnv !== 'object' || Array.isArray(rawEnv)) {
      warnings.push(`"crescent.server.extraEnv" must be an object of names to values; ignoring ${JSON.stringify(rawEnv)}`);
    } else {
      for (const [name, value] of Object.entries(rawEnv as Record<string, unknown>)) {
        if (name === '' || name.includes('=')) {
          warnings.push(`"crescent.server.extraEnv": "${name}" is not a valid variable name; ignoring it`);
        } else if (typeof value === 'string') {
          extraEnv[name] = value;
        } else if (typeof value === 'number' || typeof value === 'boolean') {
          extraEnv[name] = String(value);
        } else {
          warnings.push(`"crescent.server.extraEnv": the value of ${name} must be a string, number or boolean; ignoring it`);
        }
      }
    }
  }

  let trace: TraceLevel = 'off';
  const rawTrace = get('crescent.trace.server');
  if (typeof rawTrace === 'string' && (TRACE_LEVELS as readonly string[]).includes(rawTrace)) {
    trace = rawTrace as TraceLevel;
  } else if (rawTrace !== undefined && rawTrace !== null) {
    warnings.push(`"crescent.trace.server" must be one of ${TRACE_LEVELS.join(', ')}; using "off"`);
  }

  let cliPath = 'crescent';
  const rawCli = get('crescent.cli.path');
  if (typeof rawCli === 'string' && rawCli.trim() !== '') {
    cliPath = rawCli.trim();
  } else if (rawCli !== undefined && rawCli !== null && rawCli !== '') {
    warnings.push(`"crescent.cli.path" must be a string; using "crescent"`);
  }

  return { config: { serverPath, extraEnv, trace, cliPath }, warnings };
}

/** The environment the server runs with: the editor's own, then the user's extra variables. */
export function serverEnvironment(base: NodeJS.ProcessEnv, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return { ...base, ...extraEnv };
}
