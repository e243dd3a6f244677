//! The dev channel's wire format as the extension's views use it: the session file's token, the
//! line framing, the messages read from the game and the requests sent to it.
//
// Pure: no vscode, no sockets. The typed definitions are crescent-api's api/src/dev.rs; one of
// each message is in editors/dev-channel-samples.json (the unit tests parse those).

/** Where and how to connect: the session file's port and token. */
export interface Endpoint {
  port: number;
  token: string;
}

/** The port and token of a session file's text; undefined when it is not a version 1 session. */
export function parseEndpoint(text: string): Endpoint | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  if (s.version !== 1 || !Number.isInteger(s.port) || typeof s.token !== 'string') return undefined;
  const port = s.port as number;
  if (port <= 0 || port > 65535) return undefined;
  return { port, token: s.token };
}

/** Splits a byte stream into lines; keeps the unfinished tail for the next chunk. */
export class LineSplitter {
  private tail = '';
  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split('\n');
    this.tail = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  }
}

export type Vec = number[];

export interface EntitySummary {
  id: number;
  name?: string;
  position?: Vec;
  scripts: string[];
}

export interface ScriptInstance {
  path: string;
  fields: Record<string, unknown>;
}

export interface EntityDetail {
  id: number;
  name?: string;
  components: Record<string, unknown>;
  scripts: ScriptInstance[];
}

export type InspectResult =
  | { kind: 'ok' }
  | { kind: 'error'; message: string }
  | { kind: 'entities'; entities: EntitySummary[] }
  | { kind: 'entity'; entity: EntityDetail };

export interface ScriptStats {
  path: string;
  instances: number;
  calls: Record<string, number>;
  ms: number;
  /** Memory the callbacks allocated so far, KiB; 0 from a game older than the field. */
  alloc_kib: number;
}

export interface Stats {
  frame: number;
  frames: number;
  frame_ms: number;
  frame_ms_max: number;
  entities: number;
  instances: number;
  faulted: number;
  lua_kib: number;
  errors: number;
  scripts: ScriptStats[];
}

/** What the views read from the game; any other line is `other`. */
export type FromGame =
  | { type: 'welcome' }
  | { type: 'error'; message: string; id?: number }
  | { type: 'stats'; stats: Stats }
  | { type: 'inspect_reply'; id: number; result: InspectResult }
  | { type: 'trace_recorded'; id: number; path: string; frames: number; events: number }
  | { type: 'other'; name: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseScriptStats(v: unknown): ScriptStats | undefined {
  if (!isObj(v) || typeof v.path !== 'string' || !isNum(v.instances) || !isNum(v.ms) || !isObj(v.calls)) return undefined;
  const calls: Record<string, number> = {};
  for (const [k, n] of Object.entries(v.calls)) if (isNum(n)) calls[k] = n;
  return { path: v.path, instances: v.instances, calls, ms: v.ms, alloc_kib: isNum(v.alloc_kib) ? v.alloc_kib : 0 };
}

function parseStats(v: Record<string, unknown>): Stats | undefined {
  const keys = ['frame', 'frames', 'frame_ms', 'frame_ms_max', 'entities', 'instances', 'faulted', 'lua_kib', 'errors'] as const;
  for (const k of keys) if (!isNum(v[k])) return undefined;
  const scripts = Array.isArray(v.scripts) ? v.scripts.map(parseScriptStats).filter((s): s is ScriptStats => s !== undefined) : [];
  const out = { scripts } as Stats;
  for (const k of keys) out[k] = v[k] as number;
  return out;
}

function parseEntitySummary(v: unknown): EntitySummary | undefined {
  if (!isObj(v) || !isNum(v.id)) return undefined;
  const e: EntitySummary = { id: v.id, scripts: Array.isArray(v.scripts) ? v.scripts.filter((s): s is string => typeof s === 'string') : [] };
  if (typeof v.name === 'string') e.name = v.name;
  if (Array.isArray(v.position) && v.position.every(isNum)) e.position = v.position as number[];
  return e;
}

function parseResult(v: unknown): InspectResult | undefined {
  if (!isObj(v)) return undefined;
  switch (v.kind) {
    case 'ok':
      return { kind: 'ok' };
    case 'error':
      return { kind: 'error', message: typeof v.message === 'string' ? v.message : 'refused' };
    case 'entities':
      if (!Array.isArray(v.entities)) return undefined;
      return { kind: 'entities', entities: v.entities.map(parseEntitySummary).filter((e): e is EntitySummary => e !== undefined) };
    case 'entity': {
      const e = v.entity;
      if (!isObj(e) || !isNum(e.id)) return undefined;
      const scripts = Array.isArray(e.scripts)
        ? e.scripts.filter((s): s is Record<string, unknown> => isObj(s) && typeof s.path === 'string')
            .map((s) => ({ path: s.path as string, fields: isObj(s.fields) ? s.fields : {} }))
        : [];
      const detail: EntityDetail = { id: e.id, components: isObj(e.components) ? e.components : {}, scripts };
      if (typeof e.name === 'string') detail.name = e.name;
      return { kind: 'entity', entity: detail };
    }
    default:
      return undefined;
  }
}

/** One line from the game; undefined when it is not a JSON object with a type. */
export function parseFromGame(line: string): FromGame | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObj(v) || typeof v.type !== 'string') return undefined;
  switch (v.type) {
    case 'welcome':
      return { type: 'welcome' };
    case 'error':
      return isNum(v.id)
        ? { type: 'error', message: typeof v.message === 'string' ? v.message : 'error', id: v.id }
        : { type: 'error', message: typeof v.message === 'string' ? v.message : 'error' };
    case 'stats': {
      const stats = parseStats(v);
      return stats === undefined ? undefined : { type: 'stats', stats };
    }
    case 'inspect_reply': {
      const result = parseResult(v.result);
      return !isNum(v.id) || result === undefined ? undefined : { type: 'inspect_reply', id: v.id, result };
    }
    case 'trace_recorded':
      if (!isNum(v.id) || typeof v.path !== 'string') return undefined;
      return { type: 'trace_recorded', id: v.id, path: v.path, frames: isNum(v.frames) ? v.frames : 0, events: isNum(v.events) ? v.events : 0 };
    default:
      return { type: 'other', name: v.type };
  }
}

/** An inspect request's body (the `request` of `{"type":"inspect"}`). */
export type InspectRequest =
  | { command: 'entities' }
  | { command: 'entity'; entity: number }
  | { command: 'set_component'; entity: number; component: string; field?: string; value: unknown }
  | { command: 'set_self'; entity: number; script: string; field: string; value: unknown };

export const hello = (token: string) => ({ type: 'hello', token, client: 'vscode' });
export const subscribeStats = () => ({ type: 'subscribe', stats: true });
export const inspect = (id: number, request: InspectRequest) => ({ type: 'inspect', id, request });
export const recordTrace = (id: number, frames: number) => ({ type: 'record_trace', id, frames });
