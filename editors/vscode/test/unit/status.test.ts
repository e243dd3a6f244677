//! Notification handling: `crescent/reloaded` payloads in, status bar text and log lines out.

import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { pathToFileURL } from 'url';
import { isReloadedParams } from '../../src/lsp_ext';
import {
  applyReloaded,
  displayPath,
  formatMs,
  INITIAL_STATUS,
  reloadLogLine,
  renderStatus,
  StatusState,
  countRuntimeErrors,
  withGame,
  withRuntimeErrors,
  withServer,
} from '../../src/status';

const root = path.resolve('/games/demo');
const uri = (rel: string) => pathToFileURL(path.join(root, rel)).href;
const running: StatusState = withServer(INITIAL_STATUS, 'running');

test('a successful reload reads "reloaded FILE in N ms"', () => {
  const state = applyReloaded(running, { uri: uri('scripts/player.lua'), ok: true, ms: 4.2 }, [root]);
  const view = renderStatus(state);
  assert.equal(view.text, '$(check) reloaded scripts/player.lua in 4.2 ms');
  assert.equal(view.severity, 'normal');
  assert.match(view.tooltip, /game connected/);
  assert.match(view.tooltip, /Click to show the Crescent log/);
  assert.equal(state.gameRunning, true, 'a reload proves the game is running');
});

test('a failed reload is an error with the message in the tooltip', () => {
  const state = applyReloaded(running, { uri: uri('scripts/enemy.lua'), ok: false, ms: 1, message: "3:7: '=' expected near 'end'" }, [root]);
  const view = renderStatus(state);
  assert.equal(view.text, '$(error) scripts/enemy.lua failed to reload');
  assert.equal(view.severity, 'error');
  assert.ok(view.tooltip.includes("'=' expected near 'end'"));
  assert.ok(view.tooltip.includes('old code keeps running'));
});

test('a clean reload after a failed one clears the error', () => {
  let state = applyReloaded(running, { uri: uri('scripts/enemy.lua'), ok: false, ms: 1, message: 'boom' }, [root]);
  state = applyReloaded(state, { uri: uri('scripts/enemy.lua'), ok: true, ms: 12.6 }, [root]);
  const view = renderStatus(state);
  assert.equal(view.text, '$(check) reloaded scripts/enemy.lua in 13 ms');
  assert.equal(view.severity, 'normal');
  assert.equal(state.lastReload?.message, undefined);
});

test('game connected or not, before any reload', () => {
  assert.equal(renderStatus(running).text, '$(debug-disconnect) Crescent: no game running');
  assert.equal(renderStatus(withGame(running, true)).text, '$(plug) Crescent: game connected');
  assert.match(renderStatus(running).tooltip, /Run Game/);
});

test('server states: starting spins, failed shows the reason, stopped warns', () => {
  assert.ok(renderStatus(INITIAL_STATUS).text.startsWith('$(sync~spin) '));
  const failed = renderStatus(withServer(running, 'failed', 'Could not find the Crescent language server'));
  assert.equal(failed.text, '$(error) Crescent');
  assert.equal(failed.severity, 'error');
  assert.ok(failed.tooltip.includes('Could not find the Crescent language server'));
  assert.equal(renderStatus(withServer(running, 'stopped')).severity, 'warning');
  // Running again forgets the old failure.
  assert.equal(withServer(withServer(running, 'failed', 'x'), 'running').serverError, undefined);
});

test('log lines for the output channel', () => {
  assert.equal(reloadLogLine({ uri: uri('scripts/player.lua'), ok: true, ms: 4 }, [root]), 'reloaded scripts/player.lua in 4 ms');
  assert.equal(
    reloadLogLine({ uri: uri('scripts/player.lua'), ok: false, ms: 4, message: 'oops' }, [root]),
    'reload of scripts/player.lua failed: oops (the old code keeps running)',
  );
});

test('milliseconds: one decimal below 10, whole numbers above', () => {
  assert.equal(formatMs(4), '4 ms');
  assert.equal(formatMs(0.64), '0.6 ms');
  assert.equal(formatMs(9.96), '10 ms');
  assert.equal(formatMs(1250.4), '1250 ms');
  assert.equal(formatMs(-1), '? ms');
  assert.equal(formatMs(Number.NaN), '? ms');
});

test('paths: relative to the deepest project, percent-decoded; other URIs unchanged', () => {
  const nested = path.join(root, 'sub');
  assert.equal(displayPath(pathToFileURL(path.join(nested, 'scripts', 'a b.lua')).href, [root, nested]), 'scripts/a b.lua');
  assert.equal(displayPath(uri('scripts/x.lua'), []), path.join(root, 'scripts', 'x.lua').split(path.sep).join('/'));
  assert.equal(displayPath('untitled:Untitled-1', [root]), 'untitled:Untitled-1');
});

test('payload validation: the documented shape passes, anything else does not', () => {
  assert.ok(isReloadedParams({ uri: 'file:///a.lua', ok: true, ms: 3 }));
  assert.ok(isReloadedParams({ uri: 'file:///a.lua', ok: false, ms: 3, message: 'x' }));
  assert.ok(isReloadedParams({ uri: 'file:///a.lua', ok: true, ms: 3, message: null }));
  assert.ok(!isReloadedParams(null));
  assert.ok(!isReloadedParams({ uri: 'file:///a.lua', ok: 'yes', ms: 3 }));
  assert.ok(!isReloadedParams({ uri: 'file:///a.lua', ok: true }));
  assert.ok(!isReloadedParams({ uri: 'file:///a.lua', ok: true, ms: Number.POSITIVE_INFINITY }));
  assert.ok(!isReloadedParams({ uri: 7, ok: true, ms: 1 }));
  assert.ok(!isReloadedParams({ uri: 'file:///a.lua', ok: true, ms: 1, message: 5 }));
});

test('when the game stops, the status bar forgets its last reload', () => {
  const state = applyReloaded(running, { uri: uri('scripts/player.lua'), ok: true, ms: 4 }, [root]);
  const stopped = withGame(state, false);
  assert.equal(stopped.lastReload, undefined);
  assert.equal(renderStatus(stopped).text, '$(debug-disconnect) Crescent: no game running');
  assert.equal(withGame(state, true).lastReload?.file, 'scripts/player.lua');
});

test('runtime errors still on screen turn the item red and are counted', () => {
  let state = applyReloaded(running, { uri: uri('scripts/player.lua'), ok: true, ms: 4 }, [root]);
  state = withRuntimeErrors(state, countRuntimeErrors(['crescent', 'crescent-lsp', undefined, 'crescent']));
  const view = renderStatus(state);
  assert.equal(view.text, '$(check) reloaded scripts/player.lua in 4 ms · $(bug) 2 runtime errors');
  assert.equal(view.severity, 'error');
  assert.match(view.tooltip, /^2 runtime errors from the running game/);
  assert.equal(renderStatus(withRuntimeErrors(withGame(running, true), 1)).text, '$(plug) Crescent: game connected · $(bug) 1 runtime error');
  // Cleared by the clean reload: back to normal.
  assert.equal(renderStatus(withRuntimeErrors(state, 0)).severity, 'normal');
  // A failed server says only that.
  assert.equal(renderStatus(withServer(state, 'failed', 'gone')).text, '$(error) Crescent');
});
