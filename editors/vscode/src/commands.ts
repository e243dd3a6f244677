//! The commands that do not concern the language server: Run Game, Open API Reference, New Script
//! (Debug Game is in debug.ts, with the debugger).

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { API_REFERENCE_ARGS, runGameCommandLine } from './cli';
import { projectCandidates } from './debug_config';
import { newScriptArgs, parseNewScriptOutput, TEMPLATES, validateScriptName } from './templates';

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

/** What a run of the `crescent` tool gave: its output, or why it failed (its error output first). */
type CliResult = { ok: true; stdout: string } | { ok: false; message: string; notFound: boolean };

/** Runs the `crescent` tool with `args` in `cwd`, without a shell. */
function runCli(cli: string, args: readonly string[], cwd: string | undefined): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(cli, [...args], { cwd, maxBuffer: 32 * 1024 * 1024, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        const notFound = (err as NodeJS.ErrnoException).code === 'ENOENT';
        resolve({ ok: false, message: stderr.trim() || err.message, notFound });
      } else {
        resolve({ ok: true, stdout });
      }
    });
  });
}

/**
 * Crescent: New Script from Template — `crescent new script NAME --template ID --dir PROJECT`
 * (the templates are the CLI's), then the new file opened.
 */
export async function newScript(ctx: CommandContext): Promise<void> {
  const root = await pickProject(ctx, 'gets the script');
  if (root === undefined) {
    return;
  }
  const template = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, description: t.id, detail: t.about, template: t })),
    { placeHolder: 'Template', matchOnDescription: true, matchOnDetail: true },
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
  const cli = ctx.cliPath();
  const args = newScriptArgs(name, template.template.id, root);
  const result = await runCli(cli, args, root);
  if (!result.ok) {
    ctx.log(`new script: ${cli} ${args.join(' ')} failed: ${result.message}`);
    if (result.notFound) {
      const choice = await vscode.window.showErrorMessage(
        `Could not run "${cli}": ${result.message}. Set "crescent.cli.path" to the crescent tool.`,
        'Open Settings',
      );
      if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'crescent.cli.path');
      }
    } else {
      void vscode.window.showErrorMessage(`crescent new script failed: ${result.message}`);
    }
    return;
  }
  const created = parseNewScriptOutput(result.stdout, root, name);
  ctx.log(`new script: ${cli} ${args.join(' ')}: ${created.file}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(created.file));
  await vscode.window.showTextDocument(doc);
  const relative = path.relative(root, created.file).split(path.sep).join('/');
  const notes = created.notes.length > 0 ? `: ${created.notes.join('; ')}` : '.';
  void vscode.window.showInformationMessage(`Created ${relative} from the ${template.template.id} template${notes}`);
}
