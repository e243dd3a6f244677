//! The debugger's configurations: F5 without a launch.json, project paths, attach checks, and
//! the `crescent` command the adapter runs.

import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { DAP_ARGS, locateCli, resolveCliPath } from '../../src/cli';
import {
  attachConfiguration,
  CrescentDebugConfiguration,
  DEBUG_TYPE,
  finishConfiguration,
  folderConfigurations,
  isEmptyConfiguration,
  launchConfiguration,
  prepareConfiguration,
  projectCandidates,
  projectSetting,
  resolveProject,
  substituteWorkspaceFolder,
} from '../../src/debug_config';
import { executable, tempDir, writeFile } from './helpers';

/** A workspace folder holding projects at the given relative paths ('' is the folder itself). */
function workspace(...projects: string[]): string {
  const ws = tempDir();
  for (const p of projects) {
    writeFile(path.join(ws, ...p.split('/').filter((s) => s !== ''), 'scene.json'), '{}');
  }
  return ws;
}

const config = (fields: Partial<CrescentDebugConfiguration>): CrescentDebugConfiguration => ({ type: DEBUG_TYPE, request: 'launch', name: 'x', ...fields });

test('F5 without a launch.json: an empty configuration, filled as a launch of the active script\'s project', () => {
  assert.equal(isEmptyConfiguration({}), true);
  assert.equal(isEmptyConfiguration({ type: '', request: '', name: '' }), true);
  assert.equal(isEmptyConfiguration({ type: 'crescent' }), true, 'VS Code picked the debugger by the language');
  assert.equal(isEmptyConfiguration({ type: 'node' }), false);
  assert.equal(isEmptyConfiguration({ type: 'crescent', request: 'launch' }), false);
  assert.equal(isEmptyConfiguration({ request: 'attach', name: 'mine' }), false);

  const a = path.resolve('/w/a');
  const b = path.resolve('/w/b');
  assert.deepEqual(projectCandidates([a, b], path.join(b, 'scripts', 'p.lua')), [b]);
  assert.deepEqual(projectCandidates([a, b], path.resolve('/elsewhere/p.lua')), [a, b]);
  assert.deepEqual(projectCandidates([a, b], undefined), [a, b]);
  assert.deepEqual(projectCandidates([], path.join(a, 'x.lua')), []);

  assert.deepEqual(launchConfiguration(b), { type: 'crescent', request: 'launch', name: 'Crescent: Launch b', project: b });
  assert.deepEqual(attachConfiguration(b), { type: 'crescent', request: 'attach', name: 'Crescent: Attach to b', project: b });
});

test('prepare: the request is checked, project defaults to cwd then ${workspaceFolder}, which is replaced', () => {
  const ws = path.resolve('/ws');
  const prepared = (c: CrescentDebugConfiguration, folder: string | undefined = ws) => {
    const r = prepareConfiguration(c, folder);
    assert.ok(r.ok, r.ok ? '' : r.error);
    return r.value;
  };
  assert.equal(prepared(config({})).project, ws);
  assert.equal(prepared(config({ project: '  ' })).project, ws);
  assert.equal(prepared(config({ project: '${workspaceFolder}/game' })).project, `${ws}/game`);
  assert.equal(prepared(config({ project: 'game' })).project, 'game', 'relative paths wait for the variables');
  assert.equal(prepared(config({ project: '${workspaceFolder:other}/g' })).project, '${workspaceFolder:other}/g', 'VS Code substitutes the scoped form');
  const noFolder = prepareConfiguration(config({ project: '${workspaceFolder}' }), undefined);
  assert.ok(noFolder.ok && noFolder.value.project === '${workspaceFolder}', 'no folder: left to VS Code');
  // `cwd` (what crescent dap also reads) is taken as the project, and goes.
  const fromCwd = prepared(config({ cwd: '/games/demo' }));
  assert.equal(fromCwd.project, '/games/demo');
  assert.equal('cwd' in fromCwd, false);
  assert.deepEqual(prepared(config({ args: ['--trace', 't.json'] })).args, ['--trace', 't.json']);
  assert.equal(prepared(config({ request: 'attach', extra: 1 })).extra, 1, 'other fields are kept');

  for (const [bad, word] of [
    [config({ request: 'run' }), 'request'],
    [config({ request: undefined as unknown as string }), 'request'],
    [config({ project: 42 as unknown as string }), 'project'],
    [config({ args: '--trace t.json' as unknown as string[] }), 'args'],
    [config({ args: ['--frames', 10 as unknown as string] }), 'args'],
  ] as const) {
    const r = prepareConfiguration(bad, ws);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.includes(`"${word}"`), `${JSON.stringify(bad)}: ${!r.ok && r.error}`);
  }
  assert.equal(substituteWorkspaceFolder('${workspaceFolder}/a/${workspaceFolder}', '/w'), '/w/a//w');
});

test('resolveProject: the folder with scene.json, or the one project below it, relative to the workspace folder', () => {
  const ws = workspace('', 'nested/inner');
  assert.deepEqual(resolveProject(ws, undefined), { ok: true, value: ws });
  assert.deepEqual(resolveProject('nested/inner', ws), { ok: true, value: path.join(ws, 'nested', 'inner') });
  assert.deepEqual(resolveProject('./nested/../nested/inner/', ws), { ok: true, value: path.join(ws, 'nested', 'inner') });
  // A folder without scene.json, with one project below it: that project (the default
  // ${workspaceFolder} then fits a repository whose game is in a sub-folder).
  assert.deepEqual(resolveProject('nested', ws), { ok: true, value: path.join(ws, 'nested', 'inner') });
  const one = workspace('game');
  assert.deepEqual(resolveProject(one, undefined), { ok: true, value: path.join(one, 'game') });
  // `~` is the home folder.
  assert.deepEqual(resolveProject('~/game', undefined, one), { ok: true, value: path.join(one, 'game') });

  const several = workspace('a', 'b');
  const r = resolveProject(several, undefined);
  assert.ok(!r.ok && r.error.includes('several') && r.error.includes('a, b'), JSON.stringify(r));
  const none = workspace();
  const n = resolveProject(none, undefined);
  assert.ok(!n.ok && n.error.includes('no scene.json'), JSON.stringify(n));
  const missing = resolveProject('nowhere', none);
  assert.ok(!missing.ok && missing.error.includes(path.join(none, 'nowhere')) && missing.error.includes('does not exist'), JSON.stringify(missing));
  const relative = resolveProject('game', undefined);
  assert.ok(!relative.ok && relative.error.includes('no workspace folder'), JSON.stringify(relative));
  // A file is not a project folder.
  const file = writeFile(path.join(none, 'scene.txt'), '');
  assert.equal(resolveProject(file, undefined).ok, false);
});

test('finish: project becomes the absolute project folder; attach needs a running game', () => {
  const ws = workspace('game');
  const game = path.join(ws, 'game');
  const running = new Set<string>();
  const ctx = { base: ws, isGameRunning: (root: string) => running.has(root) };

  const launch = finishConfiguration(config({ project: '${workspaceFolder}', args: ['--trace', 't.json'] }), ctx);
  assert.deepEqual(launch, { ok: true, value: { type: 'crescent', request: 'launch', name: 'x', project: game, args: ['--trace', 't.json'] } });
  assert.deepEqual(finishConfiguration(config({ project: 'game' }), ctx), { ok: true, value: { type: 'crescent', request: 'launch', name: 'x', project: game } });

  const attach = config({ request: 'attach', project: game });
  const refused = finishConfiguration(attach, ctx);
  assert.ok(!refused.ok && refused.error.includes('No game is running') && refused.error.includes('Crescent: Run Game'), JSON.stringify(refused));
  running.add(game);
  assert.deepEqual(finishConfiguration(attach, ctx), { ok: true, value: { ...attach, project: game } });

  const bad = finishConfiguration(config({ request: 'launch', project: path.join(ws, 'missing') }), ctx);
  assert.equal(bad.ok, false);
});

test('the configurations offered for a launch.json: a launch and an attach per project, ${workspaceFolder}-relative', () => {
  const ws = path.resolve('/ws');
  assert.equal(projectSetting(ws, ws), '${workspaceFolder}');
  assert.equal(projectSetting(path.join(ws, 'games', 'demo'), ws), '${workspaceFolder}/games/demo');
  assert.equal(projectSetting(path.resolve('/other/demo'), ws), path.resolve('/other/demo'));
  assert.equal(projectSetting(path.resolve('/other/demo'), undefined), path.resolve('/other/demo'));

  assert.deepEqual(folderConfigurations(ws, []), [
    { type: 'crescent', request: 'launch', name: 'Crescent: Launch game', project: '${workspaceFolder}' },
    { type: 'crescent', request: 'attach', name: 'Crescent: Attach to the running game', project: '${workspaceFolder}' },
  ]);
  assert.deepEqual(folderConfigurations(ws, [path.join(ws, 'game'), path.resolve('/other/x')]), [
    { type: 'crescent', request: 'launch', name: 'Crescent: Launch game', project: '${workspaceFolder}/game' },
    { type: 'crescent', request: 'attach', name: 'Crescent: Attach to the running game', project: '${workspaceFolder}/game' },
  ]);
  const two = folderConfigurations(ws, [path.join(ws, 'a'), path.join(ws, 'b')]);
  assert.deepEqual(two.map((c) => c.name), ['Crescent: Launch a', 'Crescent: Attach to a', 'Crescent: Launch b', 'Crescent: Attach to b']);
  // What is offered resolves to the projects it names.
  const real = workspace('a', 'b');
  for (const c of folderConfigurations(real, [path.join(real, 'a'), path.join(real, 'b')])) {
    const r = finishConfiguration(c, { base: real, isGameRunning: () => true });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(path.dirname(r.value.project as string), real);
  }
});

test('the adapter is `crescent dap`, with crescent.cli.path resolved as Run Game resolves it', () => {
  assert.deepEqual(DAP_ARGS, ['dap']);
  const home = path.resolve('/home/me');
  const ws = path.resolve('/ws');
  assert.equal(resolveCliPath('crescent', ws, home), 'crescent', 'a bare name stays for PATH');
  assert.equal(resolveCliPath('~/bin/crescent', ws, home), path.join(home, 'bin', 'crescent'));
  assert.equal(resolveCliPath('target/debug/crescent', ws, home), path.join(ws, 'target', 'debug', 'crescent'));
  assert.equal(resolveCliPath('/opt/crescent/crescent', ws, home), path.resolve('/opt/crescent/crescent'));

  const bin = tempDir();
  const cli = executable(path.join(bin, 'crescent'));
  const env = { PATH: ['/nonexistent', bin].join(path.delimiter) };
  assert.equal(locateCli('crescent', env, 'linux'), cli);
  assert.equal(locateCli(cli, {}, 'linux'), cli);
  assert.equal(locateCli('crescent-missing', env, 'linux'), undefined);
  assert.equal(locateCli(path.join(bin, 'missing'), env, 'linux'), undefined);
  assert.equal(locateCli('crescent', {}, 'linux'), undefined);
  // Windows: `crescent` finds crescent.exe on Path.
  const winBin = tempDir();
  const exe = writeFile(path.join(winBin, 'crescent.exe'), '');
  assert.equal(locateCli('crescent', { Path: winBin }, 'win32'), exe);
});
