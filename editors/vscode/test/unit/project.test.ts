//! Project discovery, script templates, and the command lines given to the terminal.

import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { runGameCommandLine, shellQuote } from '../../src/cli';
import { findProjectRoots, luaPatterns, projectOf } from '../../src/project';
import { renderTemplate, scriptRelativePath, TEMPLATES, validateScriptName } from '../../src/templates';
import { tempDir, writeFile } from './helpers';

test('projects: a workspace folder with scene.json, or its direct sub-folders with one', () => {
  const ws = tempDir();
  writeFile(path.join(ws, 'b-game', 'scene.json'), '{}');
  writeFile(path.join(ws, 'a-game', 'scene.json'), '{}');
  writeFile(path.join(ws, 'deep', 'er', 'scene.json'), '{}');
  writeFile(path.join(ws, '.hidden', 'scene.json'), '{}');
  writeFile(path.join(ws, 'notes.txt'), '');
  assert.deepEqual(findProjectRoots([ws]), [path.join(ws, 'a-game'), path.join(ws, 'b-game')]);

  const single = tempDir();
  writeFile(path.join(single, 'scene.json'), '{}');
  writeFile(path.join(single, 'other', 'scene.json'), '{}');
  assert.deepEqual(findProjectRoots([single, single, path.join(single, 'missing')]), [single]);
});

test('the project of a file is the deepest root containing it', () => {
  const roots = [path.resolve('/w'), path.resolve('/w/inner')];
  assert.equal(projectOf(path.resolve('/w/inner/scripts/a.lua'), roots), path.resolve('/w/inner'));
  assert.equal(projectOf(path.resolve('/w/scripts/a.lua'), roots), path.resolve('/w'));
  assert.equal(projectOf(path.resolve('/elsewhere/a.lua'), roots), undefined);
  assert.deepEqual(luaPatterns([path.resolve('/w')]), [`${path.resolve('/w').split(path.sep).join('/')}/**/*.lua`]);
});

test('script names: identifiers with / between folders, optional .lua', () => {
  assert.equal(validateScriptName('player'), undefined);
  assert.equal(validateScriptName('enemies/bat.lua'), undefined);
  assert.equal(validateScriptName('_x9'), undefined);
  assert.ok(validateScriptName(''));
  assert.ok(validateScriptName('9lives'));
  assert.ok(validateScriptName('../escape'));
  assert.ok(validateScriptName('a//b'));
  assert.ok(validateScriptName('/abs'));
  assert.ok(validateScriptName('with space'));
  assert.equal(scriptRelativePath('enemies/bat'), 'scripts/enemies/bat.lua');
  assert.equal(scriptRelativePath(' player.lua '), 'scripts/player.lua');
});

test('templates name the script and the full one has every lifecycle function', () => {
  for (const t of TEMPLATES) {
    const text = renderTemplate(t, 'enemies/bat.lua');
    assert.ok(text.includes('enemies/bat'), `${t.id} names the script`);
    assert.ok(!text.includes('$NAME'), `${t.id} has no placeholder left`);
  }
  const full = TEMPLATES.find((t) => t.id === 'full');
  assert.ok(full);
  for (const fn of ['init(self)', 'update(self, dt)', 'fixed_update(self, dt)', 'on_event(self, name, data, sender)', 'on_reload(self)', 'destroy(self)']) {
    assert.ok(full.body.includes(`function ${fn}`), `full template has ${fn}`);
  }
});

test('Run Game command lines are quoted for the shell', () => {
  assert.equal(runGameCommandLine('crescent', '/games/demo', 'linux'), 'crescent run /games/demo --watch');
  assert.equal(runGameCommandLine('/opt/my tools/crescent', "/games/it's", 'linux'), `'/opt/my tools/crescent' run '/games/it'\\''s' --watch`);
  assert.equal(runGameCommandLine('C:\\Program Files\\crescent.exe', 'C:\\games\\demo', 'win32'), '& "C:\\Program Files\\crescent.exe" run "C:\\games\\demo" --watch');
  assert.equal(shellQuote('$HOME', 'linux'), `'$HOME'`);
});
