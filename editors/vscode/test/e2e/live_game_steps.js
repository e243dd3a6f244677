// Steps that need the `crescent` tool (crescent.cli.path) and a project whose game is running
// (`crescent run PROJECT --watch`, started by run_e2e.sh when CRESCENT_E2E_GAME is set): New
// Script from Template writes a script with `crescent new script`, Open API Reference renders the
// reference; then break the script with a runtime error, see the runtime's diagnostic in the
// Problems panel and the status bar, fix it, see "reloaded" and the diagnostic gone. Loaded with
// --extra-steps; uses the helpers of vscode_e2e.js.
'use strict';
const fs = require('fs');
const path = require('path');

const MARK = 'e2e: the script broke';

/** The script's text with a runtime error inside update (the reload succeeds, update then fails). */
function broken(original) {
  return `${original.trimEnd()}\n\nfunction update(self, dt)\n  error("${MARK}")\nend\n`;
}

let original;

/** The editor must have saved exactly the text the step meant, or the rest proves nothing. */
function expectOnDisk(h, text) {
  const onDisk = fs.readFileSync(path.join(h.options.project, h.options.script), 'utf8');
  if (onDisk !== text) throw new Error(`the saved script differs from the intended text:\n${onDisk}`);
}

module.exports = [
  ['new-script', async (h) => {
    // New Script from Template: a template, a name, `crescent new script` (crescent.cli.path)
    // writes the file and it opens; then it goes again.
    const rel = 'scripts/e2e_new_script.lua';
    const file = path.join(h.options.project, rel);
    if (fs.existsSync(file)) throw new Error(`${rel} exists before the test`);
    await h.runCommand('Crescent: New Script from Template');
    await h.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Lifecycle' }).first().click();
    const input = h.page.locator('.quick-input-widget input');
    await h.page.locator('.quick-input-widget', { hasText: 'Script name' }).waitFor({ timeout: 15000 });
    await input.fill('e2e_new_script');
    await h.page.keyboard.press('Enter');
    await h.page.locator('.tab.active', { hasText: 'e2e_new_script.lua' }).waitFor({ timeout: 15000 });
    const text = fs.readFileSync(file, 'utf8');
    for (const fn of ['init', 'update', 'fixed_update', 'on_event', 'on_reload', 'destroy']) {
      if (!text.includes(`function ${fn}(`)) throw new Error(`the new script lacks ${fn}`);
    }
    await h.shot('new-script');
    await h.runCommand('View: Close All Editors');
    fs.unlinkSync(file);
  }],
  ['api-reference', async (h) => {
    // `crescent api --format markdown` (crescent.cli.path) opened in a Markdown preview.
    await h.runCommand('Crescent: Open API Reference');
    await h.page.locator('.tab', { hasText: 'Preview crescent-api-reference.md' }).first().waitFor({ timeout: 30000 });
    // The preview is a webview: an iframe holding the rendered page in another iframe.
    await h.page
      .frameLocator('iframe.webview.ready')
      .frameLocator('iframe#active-frame')
      .locator('h1', { hasText: 'Crescent scripting API reference' })
      .waitFor({ timeout: 30000 });
    await h.shot('api-reference');
    await h.runCommand('View: Close All Editors');
  }],
  ['game-connected', async (h) => {
    h.log('status:', await h.waitForStatusBar(/game connected|reloaded/, 30000));
  }],
  ['break-script', async (h) => {
    original = fs.readFileSync(path.join(h.options.project, h.options.script), 'utf8');
    await h.openFile(h.options.script);
    await h.replaceText(broken(original));
    await h.save();
    expectOnDisk(h, broken(original));
    const row = await h.waitForProblem(MARK, 30000);
    h.log('problem:', row);
    if (!/crescent/.test(row)) throw new Error(`the runtime diagnostic should have source crescent: ${row}`);
    // The diagnostic sits on the line of the error() call.
    const expectedLine = broken(original).split('\n').findIndex((l) => l.includes(MARK)) + 1;
    if (!row.includes(`[Ln ${expectedLine},`)) throw new Error(`the runtime diagnostic should be on line ${expectedLine}: ${row}`);
    // The status bar shows the reload of the broken code and counts the runtime error.
    h.log('status:', await h.waitForStatusBar(/(reloaded .*player\.lua|failed to reload).*1 runtime error/, 30000));
    await h.shot('runtime-error');
  }],
  ['fix-script', async (h) => {
    await h.openFile(h.options.script);
    await h.replaceText(original);
    await h.save();
    expectOnDisk(h, original);
    // Only a clean reload clears the runtime diagnostic, so its going proves the reload happened
    // (the status bar may already read "reloaded" from the reload that brought the error in).
    const rows = h.page.locator('.markers-panel .monaco-list-row', { hasText: MARK });
    await rows.first().waitFor({ state: 'detached', timeout: 30000 });
    h.log('the runtime diagnostic is gone');
    h.log('status:', await h.waitForStatusBar(/^(?!.*runtime error).*reloaded .*player\.lua in/, 30000));
    await h.shot('reloaded');
  }],
];
