//! Tells whether a game is running for a project: its `.crescent/session.json` names a live pid.
//
// Pure Node. The runtime writes the file while `crescent run --watch` runs and removes it on a
// clean exit; a killed game leaves a stale file behind, which the pid check sees through.

import * as fs from 'fs';
import * as path from 'path';

export interface Session {
  version: number;
  pid: number;
  port: number;
}

/** The session file of a project root. */
export function sessionFile(projectRoot: string): string {
  return path.join(projectRoot, '.crescent', 'session.json');
}

/** Parses a session file's text; undefined when it is not a version 1 session. */
export function parseSession(text: string): Session | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || !Number.isInteger(v.pid) || !Number.isInteger(v.port)) {
    return undefined;
  }
  if ((v.pid as number) <= 0 || (v.port as number) <= 0 || (v.port as number) > 65535) {
    return undefined;
  }
  return { version: 1, pid: v.pid as number, port: v.port as number };
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the project has a session file whose process is alive. */
export function isGameRunning(projectRoot: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(sessionFile(projectRoot), 'utf8');
  } catch {
    return false;
  }
  const session = parseSession(text);
  return session !== undefined && isProcessAlive(session.pid);
}
