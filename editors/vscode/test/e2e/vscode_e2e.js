// Drives real VS Code (code-server) in Debian's Chromium with playwright-core: one scenario,
// made of named steps, a screenshot after each. Started by run_e2e.sh, which serves code-server.
//
// Usage: node vscode_e2e.js --url URL --project DIR [--out DIR] [--script REL] [--extra-steps FILE.js[:FILE.js...]]
//
// Adding steps: FILE.js exports an array `[[name, async (h) => { ... }], ...]`; its steps run after
// the built-in ones (several modules, separated by ':' as in PATH, run in the order given) and get
// the same helpers `h` (see makeHelpers: openFile, goToLine, typeAtEnd,
// replaceText, save, statusBarText, waitForStatusBar, waitForProblem, revertFile, shot, ...) and
// `h.options` (url, project, out, script). A step fails by throwing; the run stops at the first.
// The module exports the helpers and `defaultSteps` for scripts that build their own scenario.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const args = { out: 'shots', script: 'scripts/player.lua' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    args[key] = argv[i + 1];
  }
  if (!args.url || !args.project) throw new Error('usage: vscode_e2e.js --url URL --project DIR [--out DIR] [--script REL] [--extra-steps FILE[:FILE...]]');
  return args;
}

/** Everything a step needs: the page, the options, and the helpers built on them. */
function makeHelpers(page, options) {
  const t0 = Date.now();
  let shotCount = 0;
  const h = {
    page,
    options,
    log: (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a),

    /** Saves a screenshot NN-name.png into the artifacts folder. */
    async shot(name) {
      shotCount += 1;
      const file = path.join(options.out, `${String(shotCount).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      h.log('screenshot', file);
      return file;
    },

    /** Runs a command from the command palette by its title, e.g. "File: Revert File". */
    async runCommand(title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
    },

    /** Opens a file of the project with Quick Open and waits until its editor is active. */
    async openFile(rel) {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(rel);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first().waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: path.basename(rel) }).waitFor({ timeout: 15000 });
      await page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 15000 });
    },

    /** Moves the cursor of the active editor to the start of line `line` (1-based) with Go to Line. */
    async goToLine(line) {
      await page.locator('.editor-instance .view-lines').first().click();
      await page.keyboard.press('Control+G');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`:${line}`);
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10000 });
    },

    /** Puts the cursor at the end of the active editor (after a click to focus it). */
    async focusEditorEnd() {
      await page.locator('.editor-instance .view-lines').first().click();
      await page.keyboard.press('Control+End');
    },

    /** Types text at the end of the active editor, on a new line. */
    async typeAtEnd(text) {
      await h.focusEditorEnd();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(text, { delay: 20 });
    },

    /** Replaces the whole text of the active editor (without saving). */
    async replaceText(text) {
      await page.locator('.editor-instance .view-lines').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      // Typing would trigger auto-indent and auto-closing; inserting keeps the text exact.
      await page.keyboard.insertText(text);
    },

    async save() {
      await page.keyboard.press('Control+S');
      await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 });
    },

    /** Drops unsaved changes of the active editor. */
    async revertFile() {
      await page.keyboard.press('Escape');
      await h.runCommand('File: Revert File');
      await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 });
    },

    /** The extension's status bar item (its id ends with the item id given in status_bar.ts). */
    statusBarItem() {
      return page.locator('.statusbar-item[id$="crescent.status"]');
    },

    async statusBarText() {
      return (await h.statusBarItem().innerText()).replace(/\s+/g, ' ').trim();
    },

    /** Waits until the status bar item's text matches `pattern`. */
    async waitForStatusBar(pattern, timeout = 30000) {
      const item = h.statusBarItem();
      await item.waitFor({ timeout });
      const deadline = Date.now() + timeout;
      let text = '';
      while (Date.now() < deadline) {
        text = await h.statusBarText().catch(() => '');
        if (pattern.test(text)) return text;
        await page.waitForTimeout(200);
      }
      throw new Error(`status bar: expected ${pattern}, have "${text}"`);
    },

    /** Opens the Problems panel and waits for a row containing `text`; returns the row's text. */
    async waitForProblem(text, timeout = 30000) {
      await h.runCommand('View: Focus Problems');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
      await row.waitFor({ timeout });
      return (await row.innerText()).replace(/\s+/g, ' ').trim();
    },

    /** Opens the suggest widget (typed trigger character, or Ctrl+Space) and returns its labels once `label` shows. */
    async waitForCompletion(label, timeout = 30000) {
      const widget = page.locator('.suggest-widget.visible');
      try {
        await widget.waitFor({ timeout: 3000 });
      } catch {
        await page.keyboard.press('Control+Space');
      }
      const row = page.locator('.suggest-widget .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ timeout });
      return page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts();
    },
  };
  return h;
}

/** The built-in scenario: VS Code starts, the extension activates, the engine API completes. */
const defaultSteps = [
  ['workbench', async (h) => {
    await h.page.goto(h.options.url);
    await h.page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    h.log('workbench loaded');
  }],
  ['extension-active', async (h) => {
    // The item exists once the extension activated (scene.json in the folder), and leaves the
    // "starting" spinner when the language server answered initialize.
    const text = await h.waitForStatusBar(/Crescent: (no game running|game connected)|reloaded|failed to reload/, 60000);
    h.log('status bar:', text);
    await h.shot('status-bar');
  }],
  ['commands', async (h) => {
    await h.page.keyboard.press('F1');
    const input = h.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Crescent: ');
    const wanted = ['Restart Language Server', 'Run Game', 'Debug Game', 'Open API Reference', 'New Script from Template', 'Show Log'];
    for (const title of wanted) {
      await h.page.locator('.quick-input-list .monaco-list-row', { hasText: `Crescent: ${title}` }).first().waitFor({ timeout: 15000 });
    }
    h.log('command palette lists', wanted.length, 'Crescent commands');
    await h.shot('commands');
    await h.page.keyboard.press('Escape');
  }],
  ['open-script', async (h) => {
    await h.openFile(h.options.script);
    h.log('opened', h.options.script);
  }],
  ['completion', async (h) => {
    await h.typeAtEnd('world.');
    const labels = await h.waitForCompletion('spawn');
    h.log('completion items after "world.":', labels.join(', '));
    for (const expected of ['spawn', 'query', 'find']) {
      if (!labels.includes(expected)) throw new Error(`completion after "world." lacks ${expected}: ${labels.join(', ')}`);
    }
    await h.shot('completion');
    await h.revertFile();
  }],
  ['quick-fix', async (h) => {
    // A misspelt engine call gets a diagnostic with a quick fix; applying it fixes the line.
    await h.openFile(h.options.script);
    await h.typeAtEnd('world.spwn({})');
    h.log('problem:', await h.waitForProblem('has no member `spwn`', 30000));
    // Back in the editor, on `spwn`, open the quick fixes (Ctrl+.) and take the fix.
    await h.page.locator('.editor-instance .view-lines').first().click();
    await h.page.keyboard.press('Control+End');
    await h.page.keyboard.press('Home');
    for (let i = 0; i < 'world.sp'.length; i++) await h.page.keyboard.press('ArrowRight');
    await h.page.keyboard.press('Control+.');
    const fix = h.page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Change to `spawn`' }).first();
    await fix.waitFor({ timeout: 15000 });
    await h.shot('quick-fix');
    // The menu takes the keyboard (a pointer block covers the page): move to the fix, Enter.
    for (let i = 0; i < 6; i++) {
      const focused = h.page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Change to `spawn`' });
      if (await focused.count() > 0) break;
      await h.page.keyboard.press('ArrowDown');
    }
    await h.page.keyboard.press('Enter');
    await h.page.locator('.editor-instance .view-line', { hasText: 'world.spawn({})' }).first().waitFor({ timeout: 15000 });
    h.log('the quick fix changed the line to world.spawn({})');
    await h.revertFile();
  }],
  ['inlay-hints', async (h) => {
    // Parameter names show before the arguments of an engine call.
    await h.openFile(h.options.script);
    // (At the top level `self` is nothing; `world.find` gives an Entity anywhere.)
    await h.typeAtEnd('world.find("hero"):translate(vec3(1, 0, 0), 0.5)');
    const line = h.page.locator('.editor-instance .view-line', { hasText: 'translate(' }).last();
    const deadline = Date.now() + 30000;
    let text = '';
    while (Date.now() < deadline) {
      text = (await line.innerText().catch(() => '')).replace(/\s+/g, ' ');
      if (/offset:.*x:.*y:.*z:.*scale:/.test(text)) break;
      await h.page.waitForTimeout(250);
    }
    if (!/offset:.*x:.*y:.*z:.*scale:/.test(text)) throw new Error(`no parameter hints on the line: "${text}"`);
    h.log('line with its hints:', text);
    await h.shot('inlay-hints');
    await h.revertFile();
  }],
  ['restart-server', async (h) => {
    // A restart must stop the old server (which may wait for the end of its input) and serve
    // completions again from the new one.
    await h.runCommand('Crescent: Restart Language Server');
    // The item spins (codicon sync) while the server starts.
    await h.statusBarItem().locator('.codicon-sync').waitFor({ state: 'detached', timeout: 60000 });
    h.log('status bar:', await h.waitForStatusBar(/Crescent: (no game running|game connected)|reloaded|failed to reload/, 60000));
    await h.openFile(h.options.script);
    await h.typeAtEnd('world.');
    await h.waitForCompletion('spawn');
    h.log('completion works after the restart');
    await h.revertFile();
  }],
];

async function run(options, steps) {
  fs.mkdirSync(options.out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const h = makeHelpers(page, options);
  page.on('pageerror', (e) => h.log('pageerror:', e.message));
  h.log('browser', browser.version());
  let failed;
  for (const [name, step] of steps) {
    const started = Date.now();
    try {
      await step(h);
      h.log(`step ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed = `step ${name}: ${e && e.message ? e.message : e}`;
      h.log(failed);
      await h.shot(`FAILED-${name}`).catch(() => undefined);
      break;
    }
  }
  await browser.close();
  const passed = failed ? steps.findIndex(([n]) => failed.startsWith(`step ${n}:`)) : steps.length;
  console.log(`vscode-e2e: ${passed} passed, ${failed ? 1 : 0} failed`);
  return failed === undefined;
}

module.exports = { makeHelpers, defaultSteps, run };

if (require.main === module) {
  (async () => {
    const options = parseArgs(process.argv.slice(2));
    const steps = [...defaultSteps];
    for (const file of (options.extraSteps || '').split(path.delimiter).filter((f) => f !== '')) {
      steps.push(...require(path.resolve(file)));
    }
    process.exit((await run(options, steps)) ? 0 : 1);
  })().catch((e) => {
    console.error('FAIL', e);
    process.exit(1);
  });
}
