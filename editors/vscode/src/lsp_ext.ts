//! The TypeScript mirror of the language server's custom protocol messages.
//
// The server documents each custom message once, in lsp/protocol/custom-messages.json; the unit
// test test/unit/lsp_ext_sync.test.ts parses this file and fails when the two disagree. Keep one
// `*Params` interface per message and declare each message as a `new NotificationType<…>(method)`.

import { NotificationType } from 'vscode-languageserver-protocol';

/**
 * Sent by the server after the running game reloaded a script, or failed to.
 * Direction: server → client.
 */
export interface ReloadedParams {
  /** The script's file URI. */
  uri: string;
  /** True when the new code is running; false when it failed and the old code keeps running. */
  ok: boolean;
  /** Time from the save being seen to the new code running, in milliseconds. */
  ms: number;
  /** Why the reload failed (present when `ok` is false). */
  message?: string;
}

export const reloaded = new NotificationType<ReloadedParams>('crescent/reloaded');

/**
 * Checks that an incoming `crescent/reloaded` payload has the documented shape. The server is
 * ours, but a version mismatch between the extension and the server must not break the status bar.
 */
export function isReloadedParams(value: unknown): value is ReloadedParams {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    typeof v.uri === 'string' &&
    typeof v.ok === 'boolean' &&
    typeof v.ms === 'number' &&
    Number.isFinite(v.ms) &&
    (v.message === undefined || v.message === null || typeof v.message === 'string')
  );
}
