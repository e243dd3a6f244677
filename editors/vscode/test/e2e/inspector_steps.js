// Steps for the running game's views (run_e2e.sh adds them when CRESCENT_E2E_GAME is set): the
// World inspector lists the fixture's player with its script, an edit of `self.speed` comes back
// from the game, the game panel's top-scripts table lists player.lua and its graph has drawn,
// a click on the player in the scene view selects it in the inspector, and Record trace writes a file.
'use strict';
const fs = require('fs');

/** The inspector's rows (an Explorer section). */
function rows(h, text) {
  return h.page.locator('.pane', { has: h.page.locator('.pane-header', { hasText: 'World Inspector' }) })
    .locator('.monaco-list-row', { hasText: text });
}

/** The game panel's page: a webview inside two iframes. */
function panelFrame(h) {
  return h.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function expand(h, text) {
  const row = rows(h, text).first();
  await row.waitFor({ timeout: 30000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await rows(h, text).and(h.page.locator('[aria-expanded="true"]')).first().waitFor({ timeout: 15000 });
  return rows(h, text).first();
}

module.exports = [
  ['inspector-lists-player', async (h) => {
    await h.runCommand('View: Close All Editors');
    await h.runCommand('Explorer: Focus on World Inspector View');
    // Collapse the file tree: the inspector gets the Explorer's height.
    const files = h.page.locator('.pane-header[aria-expanded="true"]', { hasText: 'project' }).first();
    if (await files.count() > 0) await files.click();
    const player = await expand(h, 'player #');
    h.log('entity:', (await player.innerText()).replace(/\s+/g, ' '));
    if (!/scripts\/player\.lua/.test(await player.innerText())) throw new Error('the player row should name its script');
    // The script instance (its description is "self"; the entity's row names the script too).
    await expand(h, /scripts\/player\.lua\s*self/);
    // The click focused it; the focused row scrolls into view (the list only renders visible rows).
    await h.page.keyboard.press('ArrowDown');
    await rows(h, 'speed').first().waitFor({ timeout: 15000 });
    await h.shot('inspector');
  }],
  ['inspector-edit-self', async (h) => {
    // The tree is refreshed live from the game (`steps` changes every poll), and a click that
    // lands while a row is being rendered again opens nothing: try again, as a user would.
    const input = h.page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      const speed = rows(h, 'speed').first();
      await speed.hover();
      await speed.locator('.action-label[aria-label="Edit Value"]').click();
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        h.log(`the edit box did not open (attempt ${attempt}); clicking again`);
      }
    }
    await input.fill('7.5');
    await h.page.keyboard.press('Enter');
    // The value shown is the game's, read back by the next poll.
    await rows(h, 'speed').filter({ hasText: '7.5' }).first().waitFor({ timeout: 15000 });
    h.log('speed is 7.5 in the game');
    await h.shot('inspector-edited');
  }],
  ['game-panel', async (h) => {
    await h.runCommand('Crescent: Show Game Panel');
    const page = panelFrame(h);
    const row = page.locator('#scripts tbody tr[data-script="scripts/player.lua"]');
    await row.waitFor({ timeout: 30000 });
    h.log('top scripts:', (await row.innerText()).replace(/\s+/g, ' '));
    // Script, instances, calls/frame, ms/frame, ms/call, KiB/frame.
    const cells = await row.locator('td').allInnerTexts();
    if (cells.length !== 6 || !Number.isFinite(Number(cells[5]))) throw new Error(`a top-scripts row has six columns, the last KiB/frame: ${cells}`);
    // Wait until the graph holds a few samples.
    const deadline = Date.now() + 20000;
    let samples = 0;
    while (Date.now() < deadline) {
      samples = Number(await page.locator('#graph').getAttribute('data-samples'));
      if (samples >= 5) break;
      await h.page.waitForTimeout(300);
    }
    if (samples < 5) throw new Error(`the frame-time graph should have drawn samples, has ${samples}`);
    const points = await page.locator('#graph polyline.ms').getAttribute('points');
    if (!points || points.split(' ').length < 5) throw new Error('the frame-time line is empty');
    h.log(`graph: ${samples} samples`);
    await h.shot('game-panel');
  }],
  ['scene-click', async (h) => {
    const page = panelFrame(h);
    const dot = page.locator('#scene circle[data-entity]').first();
    await dot.waitFor({ timeout: 15000 });
    await dot.click();
    // The inspector selects the entity.
    await rows(h, 'player #').and(h.page.locator('.monaco-list-row.selected')).first().waitFor({ timeout: 15000 });
    h.log('the scene click selected the player in the inspector');
    await h.shot('scene-selected');
  }],
  ['record-trace', async (h) => {
    const page = panelFrame(h);
    await page.locator('#record').click();
    const trace = page.locator('#trace[data-state="done"]');
    await trace.waitFor({ timeout: 30000 });
    const text = await trace.innerText();
    h.log(text);
    const file = /Trace recorded: (.*) \(\d+ frames/.exec(text)?.[1];
    if (!file || !fs.existsSync(file)) throw new Error(`the trace file should exist: ${text}`);
    await h.page.locator('.notifications-toasts', { hasText: 'Trace recorded' }).first().waitFor({ timeout: 10000 });
    await h.shot('trace-recorded');
  }],
];
