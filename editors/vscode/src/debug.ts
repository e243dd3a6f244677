//! The debugger: `crescent dap` as the adapter of the `crescent` debug type, the configuration
//! providers (F5 without a launch.json, project paths, the configurations a launch.json is
//! offered), and Crescent: Debug Game.
//
// The configuration logic lives in debug_config.ts (pure, unit-tested); this module only hands
// VS Code's folders, editors and messages to it.

import * as path from 'path';
import * as vscode from 'vscode';
import { DAP_ARGS, locateCli } from './cli';
import { pickProject } from './commands';
import {
  attachConfiguration,
  CrescentDebugConfiguration,
  DEBUG_TYPE,
  finishConfiguration,
  folderConfigurations,
  isEmptyConfiguration,
  launchConfiguration,
  prepareConfiguration,
} from './debug_config';
import { isGameRunning } from './session';

export const DEBUG_GAME_COMMAND = 'crescent.debugGame';

export interface DebugContext {
  /** The Crescent projects of the workspace (folders with a scene.json). */
  projectRoots(): string[];
  /** The `crescent` tool, found as Run Game finds it (main.ts: `crescent.cli.path`, resolved). */
  cliPath(): string;
  log(line: string): void;
}

/** The folder a configuration's relative paths start from: its own, else the first one. */
function baseFolder(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  const f = folder ?? vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  return f?.uri.scheme === 'file' ? f.uri.fsPath : undefined;
}

/** Shows why a configuration cannot start, with a way to fix it; the session is then not started. */
function refuse(ctx: DebugContext, message: string): undefined {
  ctx.log(`debug: ${message}`);
  void vscode.window.showErrorMessage(message, 'Open launch.json').then((choice) => {
    if (choice === 'Open launch.json') {
      void vscode.commands.executeCommand('workbench.action.debug.configure');
    }
  });
  return undefined;
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: DebugContext) {}

  /** A new launch.json: a launch and an attach per project of the folder. */
  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const base = baseFolder(folder);
    return base === undefined ? [] : folderConfigurations(base, this.ctx.projectRoots());
  }

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    let crescent = config as CrescentDebugConfiguration;
    if (isEmptyConfiguration(config)) {
      // F5 with no launch.json: launch the project of the active script (or the only one), as
      // Debug Game does.
      const root = await pickProject(this.ctx, 'should run under the debugger');
      const filled = root === undefined ? undefined : await configurationFor(root);
      if (filled === undefined) {
        return undefined;
      }
      crescent = filled;
    }
    const prepared = prepareConfiguration(crescent, baseFolder(folder));
    return prepared.ok ? prepared.value : refuse(this.ctx, prepared.error);
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const finished = finishConfiguration(config as CrescentDebugConfiguration, { base: baseFolder(folder), isGameRunning });
    if (!finished.ok) {
      return refuse(this.ctx, finished.error);
    }
    this.ctx.log(`debug: ${finished.value.request} ${finished.value.project}`);
    return finished.value;
  }
}

/** The Run and Debug view's "Crescent…" entry: a launch and an attach per project, no launch.json needed. */
class DynamicProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: DebugContext) {}

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const roots = this.ctx.projectRoots();
    const base = baseFolder(folder);
    const mine = base === undefined ? roots : roots.filter((r) => !path.relative(base, r).startsWith('..'));
    return mine.flatMap((r) => [launchConfiguration(r), attachConfiguration(r)]);
  }
}

/** `crescent dap` on stdio, with the same `crescent` Run Game runs. */
class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly ctx: DebugContext) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const cli = this.ctx.cliPath();
    const found = locateCli(cli, process.env);
    if (found === undefined) {
      const message = `Could not find the crescent tool "${cli}" to start the debugger (crescent dap). Set "crescent.cli.path" to it.`;
      this.ctx.log(`debug: ${message}`);
      void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'crescent.cli.path');
        }
      });
      throw new Error(message);
    }
    const project = typeof session.configuration.project === 'string' ? session.configuration.project : undefined;
    this.ctx.log(`debug: ${found} ${DAP_ARGS.join(' ')} (${session.configuration.request} ${project ?? '?'})`);
    return new vscode.DebugAdapterExecutable(found, [...DAP_ARGS], project === undefined ? {} : { cwd: project });
  }
}

/**
 * The configuration for debugging `root` without a launch.json: a launch, or, when its game is
 * already running, an attach if the user says so (a second game on the same project would take
 * over the first one's session file). Undefined when the user dismissed the question.
 */
async function configurationFor(root: string): Promise<CrescentDebugConfiguration | undefined> {
  if (!isGameRunning(root)) {
    return launchConfiguration(root);
  }
  const choice = await vscode.window.showInformationMessage(
    `A game is already running for ${path.basename(root)}. Attach the debugger to it, or launch another one?`,
    'Attach',
    'Launch Another',
  );
  if (choice === undefined) {
    return undefined;
  }
  return choice === 'Attach' ? attachConfiguration(root) : launchConfiguration(root);
}

/** Crescent: Debug Game — a launch session for the project; a running game may be attached to instead. */
export async function debugGame(ctx: DebugContext): Promise<void> {
  const root = await pickProject(ctx, 'should run under the debugger');
  if (root === undefined) {
    return;
  }
  const config = await configurationFor(root);
  if (config === undefined) {
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
  ctx.log(`debug game: ${config.request} ${root}`);
  const started = await vscode.debug.startDebugging(folder, config);
  if (!started) {
    ctx.log(`debug game: the ${config.request} session did not start`);
  }
}

/** Registers the adapter, the providers and Debug Game. */
export function registerDebugger(ctx: DebugContext): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(ctx)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider(ctx)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicProvider(ctx), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.commands.registerCommand(DEBUG_GAME_COMMAND, () => debugGame(ctx)),
  ];
}
