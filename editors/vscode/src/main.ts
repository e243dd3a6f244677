//! The extension's entry point: starts the language server, wires the status bar, the commands
//! and the debugger.

import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';
import { findServer, ServerNotFoundError, SERVER_PATH_SETTING } from './bootstrap';
import { resolveCliPath } from './cli';
import { createClient } from './client';
import { disposeGameTerminal, newScript, openApiReference, runGame } from './commands';
import { parseConfig, RESTART_SETTINGS } from './config';
import { registerDebugger } from './debug';
import { DevClient } from './dev_client';
import { EDIT_VALUE_COMMAND, Inspector, REFRESH_INSPECTOR_COMMAND } from './inspector';
import { GamePanel, SHOW_PANEL_COMMAND } from './panel';
import { isReloadedParams, reloaded } from './lsp_ext';
import { findProjectRoots } from './project';
import { isGameRunning } from './session';
import { applyReloaded, countRuntimeErrors, reloadLogLine, withGame, withRuntimeErrors, withServer } from './status';
import { SHOW_LOG_COMMAND, StatusBar } from './status_bar';

/** How often the session files are re-checked: a killed game leaves its file behind. */
const GAME_POLL_MS = 3000;

class Extension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly log: vscode.OutputChannel;
  private readonly trace: vscode.OutputChannel;
  private readonly status: StatusBar;
  private readonly fileEvents: vscode.FileSystemWatcher;
  private roots: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private starting: Promise<void> | undefined;
  private restarts: Promise<void> = Promise.resolve();
  /** The views' own dev channel connection (the language server has another). */
  private readonly dev: DevClient;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Crescent');
    this.trace = vscode.window.createOutputChannel('Crescent Language Server Trace');
    this.status = new StatusBar();
    this.fileEvents = vscode.workspace.createFileSystemWatcher('**/{scene.json,*.lua}');
    this.dev = new DevClient((line) => this.write(line));
    this.refreshRoots();
  }

  private write(line: string): void {
    this.log.appendLine(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
  }

  private refreshRoots(): void {
    this.roots = findProjectRoots((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath));
  }

  /** Reads the settings; `report` shows what was wrong with them (once per server start). */
  private readConfig(report: boolean) {
    const settings = vscode.workspace.getConfiguration();
    const { config, warnings } = parseConfig((key) => settings.get(key));
    if (report) {
      for (const warning of warnings) {
        this.write(`settings: ${warning}`);
        void vscode.window.showWarningMessage(`Crescent: ${warning}`);
      }
    }
    return config;
  }

  private refreshGame(): void {
    const runningRoot = this.roots.find((root) => isGameRunning(root));
    // The inspector and the game panel follow the running game, else the first project's.
    this.dev.setProject(runningRoot ?? this.roots[0]);
    const running = runningRoot !== undefined;
    if (running !== this.status.state.gameRunning) {
      this.write(running ? 'game running' : 'no game running');
      this.status.update((s) => withGame(s, running));
    }
  }

  /** Counts the running game's errors that the server published as diagnostics (source `crescent`). */
  private refreshRuntimeErrors(): void {
    const sources = vscode.languages.getDiagnostics().flatMap(([, diagnostics]) => diagnostics.map((d) => d.source));
    const count = countRuntimeErrors(sources);
    if (count !== this.status.state.runtimeErrors) {
      this.status.update((s) => withRuntimeErrors(s, count));
    }
  }

  /** The `crescent` tool every feature runs: Run Game, Open API Reference, New Script and the debugger. */
  private cliPath(): string {
    return resolveCliPath(this.readConfig(false).cliPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  }

  activate(): void {
    const ctx = {
      projectRoots: () => this.roots,
      cliPath: () => this.cliPath(),
      storageDir: () => this.context.globalStorageUri.fsPath,
      log: (line: string) => this.write(line),
    };
    const inspector = new Inspector(this.dev);
    const panel = new GamePanel(this.dev, (entity) => inspector.reveal(entity), (line) => this.write(line));
    this.disposables.push(
      this.log,
      { dispose: () => this.dev.dispose() },
      inspector,
      panel,
      vscode.commands.registerCommand(EDIT_VALUE_COMMAND, (node) => inspector.edit(node)),
      vscode.commands.registerCommand(REFRESH_INSPECTOR_COMMAND, () => inspector.poll()),
      vscode.commands.registerCommand(SHOW_PANEL_COMMAND, () => panel.show()),
      this.trace,
      this.status,
      this.fileEvents,
      vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => this.log.show(true)),
      vscode.commands.registerCommand('crescent.restartServer', () => this.restart()),
      vscode.commands.registerCommand('crescent.runGame', () => runGame(ctx)),
      vscode.commands.registerCommand('crescent.openApiReference', () => openApiReference(ctx)),
      vscode.commands.registerCommand('crescent.newScript', () => newScript(ctx)),
      ...registerDebugger(ctx),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
          this.write('server settings changed: restarting the language server');
          void this.restart();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.refreshRoots();
        this.write(`workspace folders changed; projects: ${this.roots.join(', ') || '(none)'}`);
        void this.restart();
      }),
    );

    this.disposables.push(vscode.languages.onDidChangeDiagnostics(() => this.refreshRuntimeErrors()));

    // A project created or removed while the editor is open changes which Lua files the server serves.
    const scenes = vscode.workspace.createFileSystemWatcher('**/scene.json', false, true, false);
    const rescan = () => {
      const before = this.roots.join('\n');
      this.refreshRoots();
      if (this.roots.join('\n') !== before) {
        this.write(`projects changed: ${this.roots.join(', ') || '(none)'}`);
        void this.restart();
      }
    };
    scenes.onDidCreate(rescan);
    scenes.onDidDelete(rescan);
    this.disposables.push(scenes);

    const sessions = vscode.workspace.createFileSystemWatcher('**/.crescent/session.json');
    sessions.onDidCreate(() => this.refreshGame());
    sessions.onDidChange(() => this.refreshGame());
    sessions.onDidDelete(() => this.refreshGame());
    const timer = setInterval(() => this.refreshGame(), GAME_POLL_MS);
    this.disposables.push(sessions, { dispose: () => clearInterval(timer) });
    this.refreshGame();

    this.write(`projects: ${this.roots.length > 0 ? this.roots.join(', ') : '(none: no scene.json found)'}`);
    void this.start();
  }

  private start(): Promise<void> {
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const config = this.readConfig(true);
    this.status.update((s) => withServer(s, 'starting'));
    let server;
    try {
      server = findServer({
        env: process.env,
        settingPath: config.serverPath,
        extensionPath: this.context.extensionPath,
        workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.write(message);
      this.status.update((s) => withServer(s, 'failed', message));
      if (e instanceof ServerNotFoundError) {
        // Not awaited: a restart must not wait for the user to dismiss the message.
        void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
          if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
          }
        });
      }
      return;
    }
    this.write(`language server: ${server.path} (from ${server.source})`);

    const client = createClient(server, config, this.roots, this.log, this.trace, this.fileEvents);
    client.onNotification(reloaded, (params: unknown) => {
      if (!isReloadedParams(params)) {
        this.write(`ignored a malformed crescent/reloaded notification: ${JSON.stringify(params)}`);
        return;
      }
      this.write(reloadLogLine(params, this.roots));
      this.status.update((s) => applyReloaded(s, params, this.roots));
    });
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.status.update((s) => withServer(s, 'running'));
      } else if (e.newState === State.Stopped && this.client === client) {
        // A server that failed to start also ends up stopped: keep the reason on screen.
        this.status.update((s) => (s.server === 'failed' ? s : withServer(s, 'stopped')));
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      const message = `the language server ${server.path} failed to start: ${e instanceof Error ? e.message : String(e)}`;
      this.write(message);
      this.status.update((s) => withServer(s, 'failed', message));
    }
  }

  async stop(): Promise<void> {
    if (this.starting !== undefined) {
      await this.starting;
    }
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.stop(2000);
      } catch (e) {
        this.write(`stopping the language server: ${e instanceof Error ? e.message : String(e)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  /** Restarts one at a time: settings, folders and scene files can ask for several at once. */
  restart(): Promise<void> {
    this.restarts = this.restarts.then(async () => {
      this.write('restarting the language server');
      await this.stop();
      await this.start();
    }).catch((e) => this.write(`restart failed: ${e instanceof Error ? e.message : String(e)}`));
    return this.restarts;
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
    disposeGameTerminal();
  }
}

let extension: Extension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new Extension(context);
  context.subscriptions.push(extension);
  extension.activate();
}

export async function deactivate(): Promise<void> {
  if (extension !== undefined) {
    await extension.stop();
    extension = undefined;
  }
}
