//! The status bar's state and how it reads: the server, the running game, the last reload.
//
// Pure: events go in (`applyReloaded`, `withGame`, `withServer`), text comes out (`renderStatus`);
// status_bar.ts puts the result on screen. The unit tests drive it with real payloads.

import * as path from 'path';
import { fileURLToPath } from 'url';
import type { ReloadedParams } from './lsp_ext';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export interface LastReload {
  /** The script, relative to its project when the project is known. */
  file: string;
  ok: boolean;
  ms: number;
  message?: string;
}

export interface StatusState {
  server: ServerState;
  /** Why the server is not running (`failed`), e.g. "Could not find crescent-lsp…". */
  serverError?: string;
  /** Whether a game (`crescent run --watch`) is running for one of the workspace's projects. */
  gameRunning: boolean;
  lastReload?: LastReload;
  /** Diagnostics the running game reported (source `crescent`) that are still open. */
  runtimeErrors: number;
}

export const INITIAL_STATUS: StatusState = { server: 'starting', gameRunning: false, runtimeErrors: 0 };

/** The `source` of the diagnostics the language server makes from the running game's errors. */
export const RUNTIME_DIAGNOSTIC_SOURCE = 'crescent';

/** What the status bar item shows. */
export interface StatusView {
  text: string;
  tooltip: string;
  /** `error` paints the item with the theme's error background. */
  severity: 'normal' | 'warning' | 'error';
}

/** `4 ms`, `0.6 ms`, `1250 ms`: whole numbers from 10 ms up, one decimal below. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '? ms';
  }
  if (ms >= 10) {
    return `${Math.round(ms)} ms`;
  }
  const oneDecimal = ms.toFixed(1);
  return `${oneDecimal.endsWith('.0') ? oneDecimal.slice(0, -2) : oneDecimal} ms`;
}

/**
 * The path to show for a script URI: relative to the deepest project root that contains it,
 * with `/` separators; the URI itself when it is not a file URI.
 */
export function displayPath(uri: string, projectRoots: readonly string[]): string {
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return uri;
  }
  let best: string | undefined;
  for (const root of projectRoots) {
    const rel = path.relative(root, file);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      if (best === undefined || rel.length < best.length) {
        best = rel;
      }
    }
  }
  return (best ?? file).split(path.sep).join('/');
}

/** A `crescent/reloaded` notification arrived: it becomes the last reload, and the game is live. */
export function applyReloaded(state: StatusState, params: ReloadedParams, projectRoots: readonly string[]): StatusState {
  const lastReload: LastReload = { file: displayPath(params.uri, projectRoots), ok: params.ok, ms: params.ms };
  if (params.message !== undefined && params.message !== null && params.message !== '') {
    lastReload.message = params.message;
  }
  // A reload can only come from a running game, whatever the session file said.
  return { ...state, gameRunning: true, lastReload };
}

/** The game started or stopped. A stopped game's last reload is history: the item forgets it. */
export function withGame(state: StatusState, gameRunning: boolean): StatusState {
  const next: StatusState = { ...state, gameRunning };
  if (!gameRunning) {
    delete next.lastReload;
  }
  return next;
}

export function withServer(state: StatusState, server: ServerState, serverError?: string): StatusState {
  const next: StatusState = { ...state, server };
  if (server === 'failed' && serverError !== undefined) {
    next.serverError = serverError;
  } else {
    delete next.serverError;
  }
  return next;
}

/** The line written to the Crescent output channel for each reload. */
export function reloadLogLine(params: ReloadedParams, projectRoots: readonly string[]): string {
  const file = displayPath(params.uri, projectRoots);
  if (params.ok) {
    return `reloaded ${file} in ${formatMs(params.ms)}`;
  }
  return `reload of ${file} failed: ${params.message ?? 'no message'} (the old code keeps running)`;
}

const CLICK_HINT = 'Click to show the Crescent log.';

/** The number of the running game's errors still shown as diagnostics changed. */
export function withRuntimeErrors(state: StatusState, runtimeErrors: number): StatusState {
  return { ...state, runtimeErrors: Math.max(0, Math.floor(runtimeErrors)) };
}

/** Counts the runtime diagnostics among the sources of a set of diagnostics. */
export function countRuntimeErrors(sources: Iterable<string | undefined>): number {
  let n = 0;
  for (const source of sources) {
    if (source === RUNTIME_DIAGNOSTIC_SOURCE) {
      n += 1;
    }
  }
  return n;
}

export function renderStatus(state: StatusState): StatusView {
  const view = renderServerAndReload(state);
  if (state.runtimeErrors === 0 || state.server === 'failed' || state.server === 'stopped') {
    return view;
  }
  const errors = `${state.runtimeErrors} runtime error${state.runtimeErrors === 1 ? '' : 's'}`;
  return {
    text: `${view.text} · $(bug) ${errors}`,
    tooltip: `${errors} from the running game: see the Problems panel.\n${view.tooltip}`,
    severity: 'error',
  };
}

function renderServerAndReload(state: StatusState): StatusView {
  if (state.server === 'failed') {
    return {
      text: '$(error) Crescent',
      tooltip: `The Crescent language server is not running: ${state.serverError ?? 'it stopped'}\n${CLICK_HINT}`,
      severity: 'error',
    };
  }
  if (state.server === 'stopped') {
    return { text: '$(circle-slash) Crescent', tooltip: `The Crescent language server is stopped.\n${CLICK_HINT}`, severity: 'warning' };
  }
  const spin = state.server === 'starting' ? '$(sync~spin) ' : '';
  const game = state.gameRunning ? 'game connected' : 'no game running';
  const gameIcon = state.gameRunning ? '$(plug)' : '$(debug-disconnect)';
  const reload = state.lastReload;
  if (reload === undefined) {
    return {
      text: `${spin}${gameIcon} Crescent: ${game}`,
      tooltip: state.gameRunning
        ? `A Crescent game is running; saved scripts reload live.\n${CLICK_HINT}`
        : `No Crescent game is running. Run "Crescent: Run Game" to start one with hot reload.\n${CLICK_HINT}`,
      severity: 'normal',
    };
  }
  if (reload.ok) {
    return {
      text: `${spin}$(check) reloaded ${reload.file} in ${formatMs(reload.ms)}`,
      tooltip: `Crescent: ${game}. Last reload: ${reload.file} in ${formatMs(reload.ms)}.\n${CLICK_HINT}`,
      severity: 'normal',
    };
  }
  return {
    text: `${spin}$(error) ${reload.file} failed to reload`,
    tooltip: `Crescent: ${game}. Reload of ${reload.file} failed: ${reload.message ?? 'no message'}\nThe old code keeps running.\n${CLICK_HINT}`,
    severity: 'error',
  };
}
