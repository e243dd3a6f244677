//! Project discovery, script templates, and the command lines given to the terminal.

import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { runGameCommandLine, shellQuote } from '../../src/cli';
import { findProjectRoots, luaPatterns, projectOf } from '../../src/project';
import { renderTemplate, scriptRelativePath, TEMPLATES, validateScriptName } from '../../src/templates';
import { EXTENSION_DIR, tempDir, writeFile } from './helpers';

test('projects: the cases the language server runs too (editors/project-cases.json)', () => {
  const file = path.join(EXTENSION_DIR, '..', 'project-cases.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: { name: string; files: string[]; projects: string[] }[] };
  assert.ok(doc.cases.length >= 5);
  for (const c of doc.cases) {
    const ws = tempDir();
    for (const f of c.files) {
      writeFile(path.join(ws, ...f.split('/')), '{}');
    }
    const found = findProjectRoots([ws]).map((p) => path.relative(ws, p).split(path.sep).join('/'));
    assert.deepEqual(found, c.projects, c.name);
  }
  // The same folder twice, and one that does not exist.
  const single = tempDir();
  writeFile(path.join(single, 'scene.json'), '{}');
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
