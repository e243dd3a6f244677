// Steps for the debugger, with the game running (`crescent run PROJECT --watch`, started by
// run_e2e.sh when CRESCENT_E2E_GAME is set): a breakpoint on the first line of code inside the
// script's update, an attach session (`crescent dap` through the extension's `crescent` debug
// type, from a launch.json written into the project), VS Code paused on the breakpoint with the
// script's frame and `self` in Variables, then continue and disconnect: the game runs on, which
// the steps after these (live_game_steps.js: reloads and runtime errors) rely on.
// Loaded with --extra-steps; uses the helpers of vscode_e2e.js.
'use strict';
const fs = require('fs');
const path = require('path');

const CONFIG_NAME = 'e2e: attach to the running game';

/** The 1-based line of the first statement inside `function update(...)` of the script's text. */
function updateBodyLine(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*function\s+update\s*\(/.test(l));
  if (start < 0) throw new Error('the script has no function update');
  for (let i = start + 1; i < lines.length; i++) {
    const code = lines[i].replace(/--.*$/, '').trim();
    if (code === 'end') break;
    if (code !== '') return i + 1;
  }
  throw new Error('update has no line with code');
}

/** The game's pid from its session file; the test fails when that process is gone. */
function gamePid(h) {
  const session = JSON.parse(fs.readFileSync(path.join(h.options.project, '.crescent', 'session.json'), 'utf8'));
  process.kill(session.pid, 0);
  return session.pid;
}

/** Waits until one of the elements `locator` matches has text matching `pattern`; returns that text. */
async function waitForText(h, locator, pattern, timeout, what) {
  const deadline = Date.now() + timeout;
  let texts = [];
  while (Date.now() < deadline) {
    texts = (await locator.allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim());
    const hit = texts.find((t) => pattern.test(t));
    if (hit !== undefined) return hit;
    await h.page.waitForTimeout(200);
  }
  throw new Error(`${what}: expected ${pattern}, have ${JSON.stringify(texts)}`);
}

/**
 * Runs the palette command titled exactly `title`: h.runCommand takes the first row, which for
 * some titles is a similar command ranked higher ("Run and Debug: Focus on Breakpoints View").
 */
async function runExactCommand(h, title) {
  await h.page.keyboard.press('F1');
  const input = h.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await h.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
  const seen = [];
  for (let i = 0; i < 12; i++) {
    // A row reads "Title", then on lines of their own the keybinding and "recently used".
    const focused = await h.page.locator('.quick-input-list .monaco-list-row.focused').first().innerText().catch(() => '');
    seen.push(focused.split('\n')[0].trim());
    if (seen[seen.length - 1] === title) {
      await h.page.keyboard.press('Enter');
      return;
    }
    await h.page.keyboard.press('ArrowDown');
  }
  await h.page.keyboard.press('Escape');
  throw new Error(`the command palette has no command titled "${title}" (rows: ${JSON.stringify(seen)})`);
}

/**
 * The session's state in the CALL STACK view: in the view's header when the session has one
 * thread (as crescent dap's sessions do), else on the thread's row.
 */
const callStackState = (h) => h.page.locator('.call-stack-state-message, .debug-call-stack .state.label');

let line;
let launchJson;
let savedLaunchJson;
let madeVscodeDir;

/** The breakpoint glyphs in the active editor (red dots, verified or not, conditional or not). */
const breakpointGlyphs = (h) => h.page.locator('.editor-instance .margin-view-overlays [class*="codicon-debug-breakpoint"], .editor-instance .glyph-margin-widgets [class*="codicon-debug-breakpoint"]');

module.exports = [
  ['debug-breakpoint', async (h) => {
    h.log('status:', await h.waitForStatusBar(/game connected|reloaded/, 30000));
    line = updateBodyLine(fs.readFileSync(path.join(h.options.project, h.options.script), 'utf8'));
    await h.openFile(h.options.script);
    await h.goToLine(line);
    await h.runCommand('Debug: Toggle Breakpoint');
    await breakpointGlyphs(h).first().waitFor({ timeout: 15000 });
    h.log(`breakpoint on ${h.options.script}:${line}`);
  }],
  ['debug-attach', async (h) => {
    // An attach configuration in the project's launch.json (a copy of the fixture; a project of
    // the user's gets its own launch.json back at the end).
    launchJson = path.join(h.options.project, '.vscode', 'launch.json');
    savedLaunchJson = fs.existsSync(launchJson) ? fs.readFileSync(launchJson, 'utf8') : undefined;
    madeVscodeDir = !fs.existsSync(path.dirname(launchJson));
    fs.mkdirSync(path.dirname(launchJson), { recursive: true });
    fs.writeFileSync(launchJson, JSON.stringify({
      version: '0.2.0',
      configurations: [{ type: 'crescent', request: 'attach', name: CONFIG_NAME, project: '${workspaceFolder}' }],
    }, null, 2));
    // VS Code reads the new launch.json on its own time: ask again until it lists the configuration.
    const row = h.page.locator('.quick-input-list .monaco-list-row', { hasText: CONFIG_NAME }).first();
    for (let attempt = 1; ; attempt++) {
      await h.runCommand('Debug: Select and Start Debugging');
      try {
        await row.waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        await h.page.keyboard.press('Escape');
        if (attempt === 4) throw new Error(`"Debug: Select and Start Debugging" does not list "${CONFIG_NAME}"`);
      }
    }
    await row.click();
    // The game stops at the breakpoint in its next frame: VS Code shows the session paused.
    h.log('call stack state:', await waitForText(h, callStackState(h), /paused on breakpoint/i, 30000, 'the CALL STACK view'));
    const frame = h.page.locator('.debug-call-stack .stack-frame', { hasText: path.basename(h.options.script) });
    const frameText = await waitForText(h, frame, new RegExp(`${path.basename(h.options.script).replace('.', '\\.')}\\s*${line}:`), 15000, 'the script\'s frame');
    h.log('top frame:', frameText);
    // Locals (expanded by itself) lists self and dt.
    // `self` is also a scope of its own, whose header row can show before Locals' children do:
    // wait for `dt`, which only Locals holds.
    const dtRow = h.page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*dt\b/ }).first();
    await dtRow.waitFor({ timeout: 15000 });
    const variables = (await h.page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    h.log('variables:', variables.join(' | '));
    if (!variables.some((v) => /^dt\b/.test(v))) throw new Error(`Variables should list dt: ${variables.join(' | ')}`);
    // The editor marks the paused line, and the debug toolbar offers Continue.
    await h.page.locator('.editor-instance .debug-top-stack-frame-line').first().waitFor({ timeout: 15000 });
    await h.page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ timeout: 15000 });
    await h.shot('debugger-paused');
  }],
  ['debug-continue-disconnect', async (h) => {
    // Without the breakpoint the game runs on after Continue (update runs every frame).
    await runExactCommand(h, 'Remove All Breakpoints');
    await breakpointGlyphs(h).first().waitFor({ state: 'detached', timeout: 15000 });
    await runExactCommand(h, 'Debug: Continue');
    await h.page.locator('.debug-toolbar .codicon-debug-pause').first().waitFor({ timeout: 15000 });
    h.log('call stack state:', await waitForText(h, callStackState(h), /running/i, 15000, 'the CALL STACK view'));
    await h.shot('debugger-running');
    // Disconnect (an attach session's Stop): the debugger detaches, the game keeps running.
    const pid = gamePid(h);
    await runExactCommand(h, 'Debug: Disconnect');
    await h.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15000 });
    await h.page.waitForTimeout(500);
    if (gamePid(h) !== pid) throw new Error('the game restarted');
    h.log(`debug session ended; the game (pid ${pid}) runs on`);
    if (savedLaunchJson !== undefined) {
      fs.writeFileSync(launchJson, savedLaunchJson);
    } else {
      fs.rmSync(launchJson, { force: true });
      if (madeVscodeDir) fs.rmdirSync(path.dirname(launchJson));
    }
    await h.runCommand('View: Close All Editors');
    await h.runCommand('View: Show Explorer');
  }],
];
