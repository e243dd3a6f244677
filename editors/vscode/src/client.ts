//! Creates the language client for a found server: how it is started, which files it serves.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { FoundServer } from './bootstrap';
import { CrescentConfig, serverEnvironment } from './config';
import { luaPatterns } from './project';

/** The client id: vscode-languageclient reads `crescent.trace.server` because of it. */
export const CLIENT_ID = 'crescent';

export function createClient(
  server: FoundServer,
  config: CrescentConfig,
  projectRoots: readonly string[],
  outputChannel: vscode.OutputChannel,
  traceOutputChannel: vscode.OutputChannel,
  /** Lua and scene file changes for the server; owned by the caller, which outlives restarts. */
  fileEvents: vscode.FileSystemWatcher,
): LanguageClient {
  // No `transport`: the client would append `--stdio` to the arguments, and the server speaks
  // stdio without being asked.
  const serverOptions: ServerOptions = {
    command: server.path,
    args: [],
    options: {
      env: serverEnvironment(process.env, config.extraEnv),
      cwd: projectRoots[0],
    },
  };
  const patterns = luaPatterns(projectRoots);
  const clientOptions: LanguageClientOptions = {
    documentSelector:
      patterns.length > 0
        ? patterns.map((pattern) => ({ scheme: 'file', language: 'lua', pattern }))
        : [{ scheme: 'file', language: 'lua' }],
    synchronize: {
      fileEvents,
    },
    outputChannel,
    traceOutputChannel,
  };
  return new LanguageClient(CLIENT_ID, 'Crescent Language Server', serverOptions, clientOptions);
}
