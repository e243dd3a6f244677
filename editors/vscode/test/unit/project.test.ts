//! Project discovery, New Script's template list and `crescent new script` runs, and the command lines given to the terminal.

import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { runGameCommandLine, shellQuote } from '../../src/cli';
import { findProjectRoots, luaPatterns, projectOf } from '../../src/project';
import { newScriptArgs, parseNewScriptOutput, scriptRelativePath, TEMPLATES, validateScriptName } from '../../src/templates';
import { EXTENSION_DIR, REPO_ROOT, tempDir, writeFile } from './helpers';

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
  assert.equal(scriptRelativePath('scripts/player'), 'scripts/player.lua');
});

test('templates: the CLI\'s ids, each with a label and its --help line, no bodies', () => {
  assert.deepEqual(
    TEMPLATES.map((t) => t.id),
    ['lifecycle', 'mover', 'state-machine', 'spawner', 'hud-counter', 'module'],
  );
  for (const t of TEMPLATES) {
    assert.match(t.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(t.label !== '' && t.about !== '', t.id);
    assert.deepEqual(Object.keys(t).sort(), ['about', 'id', 'label'], `${t.id} is a list entry, not a body`);
  }
});

test('New Script runs crescent new script NAME --template ID --dir PROJECT', () => {
  const root = path.resolve('/games/my game');
  assert.deepEqual(newScriptArgs(' enemies/bat.lua ', 'mover', root), ['new', 'script', 'enemies/bat', '--template', 'mover', '--dir', root]);
  assert.deepEqual(newScriptArgs('scripts/bat', 'module', root), ['new', 'script', 'bat', '--template', 'module', '--dir', root]);
});

test('the created file is read from the CLI\'s first line, else PROJECT/scripts/NAME.lua', () => {
  const root = path.resolve('/games/demo');
  const printed = [
    `created ${path.join(root, 'scripts', 'lib', 'util.lua')} from the \`module\` template: a module for require: a table of shared functions, not attached to an entity`,
    '  use it from any script: local util = require("lib.util")',
    '  (a module is not attached to an entity in scene.json)',
    '',
  ].join('\n');
  assert.deepEqual(parseNewScriptOutput(printed, root, 'lib/util'), {
    file: path.join(root, 'scripts', 'lib', 'util.lua'),
    notes: ['use it from any script: local util = require("lib.util")', '(a module is not attached to an entity in scene.json)'],
  });
  // A relative path is the project's; no such line: where the CLI writes NAME.
  assert.equal(parseNewScriptOutput('created ./scripts/a.lua from the `mover` template: x\n', root, 'a').file, path.join(root, 'scripts', 'a.lua'));
  assert.deepEqual(parseNewScriptOutput('', root, 'enemies/bat.lua'), { file: path.join(root, 'scripts', 'enemies', 'bat.lua'), notes: [] });
});

// The real tool, when it is built (target/debug/crescent, or CRESCENT_CLI): every template of the
// list makes its file where parseNewScriptOutput says.
const CLI = process.env.CRESCENT_CLI ?? path.join(REPO_ROOT, 'target', 'debug', process.platform === 'win32' ? 'crescent.exe' : 'crescent');
test('crescent new script makes each listed template where the extension opens it', { skip: fs.existsSync(CLI) ? false : `no ${CLI}` }, () => {
  const place = tempDir();
  execFileSync(CLI, ['new', 'project', 'game'], { cwd: place });
  const root = path.join(place, 'game');
  for (const t of TEMPLATES) {
    const name = `made/${t.id.replace(/-/g, '_')}`;
    const stdout = execFileSync(CLI, newScriptArgs(name, t.id, root), { cwd: root, encoding: 'utf8' });
    const created = parseNewScriptOutput(stdout, root, name);
    assert.equal(created.file, path.join(root, ...scriptRelativePath(name).split('/')), stdout);
    assert.ok(fs.statSync(created.file).isFile(), t.id);
    assert.ok(created.notes.length > 0, `${t.id}: ${stdout}`);
  }
  const lifecycle = fs.readFileSync(path.join(root, 'scripts', 'made', 'lifecycle.lua'), 'utf8');
  for (const fn of ['init(self)', 'update(self, dt)', 'fixed_update(self, dt)', 'on_event(self, name, data, sender)', 'on_reload(self)', 'destroy(self)']) {
    assert.ok(lifecycle.includes(`function ${fn}`), `the lifecycle template has ${fn}`);
  }
  // An existing file is refused, with the reason on stderr (what the error message shows).
  assert.throws(
    () => execFileSync(CLI, newScriptArgs('made/mover', 'mover', root), { cwd: root, stdio: 'pipe' }),
    (e: { stderr: Buffer }) => e.stderr.toString().includes('already exists'),
  );
});

test('Run Game command lines are quoted for the shell', () => {
  assert.equal(runGameCommandLine('crescent', '/games/demo', 'linux'), 'crescent run /games/demo --watch');
  assert.equal(runGameCommandLine('/opt/my tools/crescent', "/games/it's", 'linux'), `'/opt/my tools/crescent' run '/games/it'\\''s' --watch`);
  assert.equal(runGameCommandLine('C:\\Program Files\\crescent.exe', 'C:\\games\\demo', 'win32'), '& "C:\\Program Files\\crescent.exe" run "C:\\games\\demo" --watch');
  assert.equal(shellQuote('$HOME', 'linux'), `'$HOME'`);
});
