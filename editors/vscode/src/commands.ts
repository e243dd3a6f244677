//! The commands that do not concern the language server: Run Game, Open API Reference, New Script
//! (Debug Game is in debug.ts, with the debugger).

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { API_REFERENCE_ARGS, runGameCommandLine } from './cli';
import { projectCandidates } from './debug_config';
import { renderTemplate, scriptRelativePath, TEMPLATES, validateScriptName } from './templates';

export interface CommandContext {
  /** The Crescent projects of the workspace (folders with a scene.json). */
  projectRoots(): string[];
  /** The `crescent` tool (`crescent.cli.path`, resolved by cli.ts's `resolveCliPath`). */
  cliPath(): string;
  /** A folder the extension owns, for generated files such as the API reference. */
  storageDir(): string;
  log(line: string): void;
}

/** Picks the project a command acts on: the active editor's, the only one, or the user's choice. */
export async function pickProject(ctx: Pick<CommandContext, 'projectRoots'>, purpose: string): Promise<string | undefined> {
  const roots = ctx.projectRoots();
  if (roots.length === 0) {
    void vscode.window.showErrorMessage('No Crescent project in this workspace: a project is a folder with a scene.json.');
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const candidates = projectCandidates(roots, active?.scheme === 'file' ? active.fsPath : undefined);
  if (candidates.length === 1) {
    return candidates[0];
  }
  const choice = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: path.basename(r), description: r, root: r })),
    { placeHolder: `Which project ${purpose}?` },
  );
  return choice?.root;
}

let gameTerminal: vscode.Terminal | undefined;

/** Crescent: Run Game — a terminal running `crescent run DIR --watch`. */
export async function runGame(ctx: CommandContext): Promise<void> {
  const root = await pickProject(ctx, 'should run');
  if (root === undefined) {
    return;
  }
  // One game at a time: a second run of the command restarts it.
  if (gameTerminal !== undefined && gameTerminal.exitStatus === undefined) {
    gameTerminal.dispose();
  }
  gameTerminal = vscode.window.createTerminal({ name: `Crescent: ${path.basename(root)}`, cwd: root });
  const line = runGameCommandLine(ctx.cliPath(), root);
  ctx.log(`run game: ${line}`);
  gameTerminal.show();
  gameTerminal.sendText(line, true);
}

export function disposeGameTerminal(): void {
  gameTerminal?.dispose();
  gameTerminal = undefined;
}

/** Crescent: Open API Reference — `crescent api --format markdown` in a Markdown preview. */
export async function openApiReference(ctx: CommandContext): Promise<void> {
  const roots = ctx.projectRoots();
  const cwd = roots[0];
  const cli = ctx.cliPath();
  const markdown = await new Promise<string | Error>((resolve) => {
    execFile(cli, [...API_REFERENCE_ARGS], { cwd, maxBuffer: 32 * 1024 * 1024, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr.trim() || err.message;
        resolve(new Error(detail));
      } else {
        resolve(stdout);
      }
    });
  });
  if (markdown instanceof Error) {
    ctx.log(`api reference: ${cli} ${API_REFERENCE_ARGS.join(' ')} failed: ${markdown.message}`);
    const choice = await vscode.window.showErrorMessage(
      `Could not run "${cli} ${API_REFERENCE_ARGS.join(' ')}": ${markdown.message}. Set "crescent.cli.path" to the crescent tool.`,
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'crescent.cli.path');
    }
    return;
  }
  // A file rather than an untitled document: nothing asks to be saved when the preview closes.
  const dir = ctx.storageDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'crescent-api-reference.md');
  fs.writeFileSync(file, markdown);
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
}

/** Crescent: New Script from Template — scripts/NAME.lua from a template, opened. */
export async function newScript(ctx: CommandContext): Promise<void> {
  const root = await pickProject(ctx, 'gets the script');
  if (root === undefined) {
    return;
  }
  const template = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, description: t.description, template: t })),
    { placeHolder: 'Template' },
  );
  if (template === undefined) {
    return;
  }
  const name = await vscode.window.showInputBox({
    prompt: 'Script name, relative to scripts/ (e.g. player or enemies/bat)',
    validateInput: (value) => validateScriptName(value) ?? null,
  });
  if (name === undefined) {
    return;
  }
  const relative = scriptRelativePath(name);
  const file = path.join(root, ...relative.split('/'));
  if (fs.existsSync(file)) {
    void vscode.window.showErrorMessage(`${relative} already exists.`);
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderTemplate(template.template, name), { flag: 'wx' });
  ctx.log(`new script: ${file}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  void vscode.window.showInformationMessage(`Created ${relative}. Attach it to an entity in scene.json: "scripts": ["${relative}"].`);
}
