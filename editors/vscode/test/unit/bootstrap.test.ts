//! Server discovery: the order (environment, setting, bundled, PATH) and the errors that name the setting.

import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { findServer, resolveUserPath, searchPath, serverBinaryName, ServerNotFoundError } from '../../src/bootstrap';
import { executable, tempDir, writeFile } from './helpers';

function layout() {
  const root = tempDir();
  return {
    root,
    envBin: executable(path.join(root, 'env', 'crescent-lsp')),
    settingBin: executable(path.join(root, 'setting', 'crescent-lsp')),
    extension: path.join(root, 'ext'),
    bundled: path.join(root, 'ext', 'server', 'crescent-lsp'),
    pathDir: path.join(root, 'bin'),
  };
}

test('the environment variable wins over everything', () => {
  const l = layout();
  executable(l.bundled);
  executable(path.join(l.pathDir, 'crescent-lsp'));
  const found = findServer({
    env: { CRESCENT_LSP_PATH: l.envBin, PATH: l.pathDir },
    settingPath: l.settingBin,
    extensionPath: l.extension,
  });
  assert.deepEqual(found, { path: l.envBin, source: 'environment' });
});

test('the setting comes second', () => {
  const l = layout();
  executable(l.bundled);
  const found = findServer({ env: { PATH: l.pathDir }, settingPath: l.settingBin, extensionPath: l.extension });
  assert.deepEqual(found, { path: l.settingBin, source: 'setting' });
});

test('the bundled binary comes third, PATH last', () => {
  const l = layout();
  const onPath = executable(path.join(l.pathDir, 'crescent-lsp'));
  assert.deepEqual(findServer({ env: { PATH: l.pathDir }, settingPath: undefined, extensionPath: l.extension }), {
    path: onPath,
    source: 'path',
  });
  executable(l.bundled);
  assert.deepEqual(findServer({ env: { PATH: l.pathDir }, settingPath: undefined, extensionPath: l.extension }), {
    path: l.bundled,
    source: 'bundled',
  });
});

test('nothing found: the error names the setting', () => {
  const l = layout();
  assert.throws(
    () => findServer({ env: { PATH: l.pathDir }, settingPath: undefined, extensionPath: l.extension }),
    (e: unknown) => e instanceof ServerNotFoundError && e.message.includes('"crescent.server.path"') && e.message.includes('PATH'),
  );
});

test('a setting that points nowhere is an error naming the setting, not a fall-through to PATH', () => {
  const l = layout();
  executable(path.join(l.pathDir, 'crescent-lsp'));
  const missing = path.join(l.root, 'nope', 'crescent-lsp');
  assert.throws(
    () => findServer({ env: { PATH: l.pathDir }, settingPath: missing, extensionPath: l.extension }),
    (e: unknown) => e instanceof ServerNotFoundError && e.message.includes('"crescent.server.path"') && e.message.includes(missing),
  );
});

test('an environment variable that points nowhere is an error naming the variable', () => {
  const l = layout();
  assert.throws(
    () => findServer({ env: { CRESCENT_LSP_PATH: path.join(l.root, 'gone') }, settingPath: l.settingBin, extensionPath: l.extension }),
    (e: unknown) => e instanceof ServerNotFoundError && e.message.includes('CRESCENT_LSP_PATH'),
  );
});

test('a blank environment variable is ignored', () => {
  const l = layout();
  const found = findServer({ env: { CRESCENT_LSP_PATH: '  ' }, settingPath: l.settingBin, extensionPath: l.extension });
  assert.equal(found.source, 'setting');
});

test('a file without the execute bit is not a server (POSIX)', { skip: process.platform === 'win32' }, () => {
  const l = layout();
  const plain = writeFile(path.join(l.root, 'plain', 'crescent-lsp'), 'not a program', 0o644);
  assert.throws(() => findServer({ env: {}, settingPath: plain, extensionPath: l.extension }), ServerNotFoundError);
  assert.equal(searchPath('crescent-lsp', { PATH: path.dirname(plain) }), undefined);
});

test('a folder named like the server is not a server', () => {
  const l = layout();
  const dir = path.join(l.root, 'dironly');
  executable(path.join(dir, 'crescent-lsp', 'inner'));
  assert.equal(searchPath('crescent-lsp', { PATH: dir }), undefined);
});

test('PATH is searched in order and skips empty entries', () => {
  const l = layout();
  const first = path.join(l.root, 'a');
  const second = executable(path.join(l.root, 'b', 'crescent-lsp'));
  executable(path.join(l.root, 'c', 'crescent-lsp'));
  const env = { PATH: ['', first, path.dirname(second), path.join(l.root, 'c')].join(':') };
  assert.equal(searchPath('crescent-lsp', env, 'linux'), second);
});

test('the setting expands ~ and resolves relative paths against the workspace folder', () => {
  const l = layout();
  const inHome = executable(path.join(l.root, 'home', 'bin', 'crescent-lsp'));
  assert.deepEqual(
    findServer({ env: {}, settingPath: '~/bin/crescent-lsp', extensionPath: l.extension, home: path.join(l.root, 'home') }),
    { path: inHome, source: 'setting' },
  );
  const inWorkspace = executable(path.join(l.root, 'ws', 'target', 'debug', 'crescent-lsp'));
  assert.deepEqual(
    findServer({ env: {}, settingPath: 'target/debug/crescent-lsp', extensionPath: l.extension, workspaceFolder: path.join(l.root, 'ws') }),
    { path: inWorkspace, source: 'setting' },
  );
  assert.equal(resolveUserPath('/abs/x', '/ws', '/home/u'), path.normalize('/abs/x'));
});

test('the Windows binary name has .exe', () => {
  assert.equal(serverBinaryName('win32'), 'crescent-lsp.exe');
  assert.equal(serverBinaryName('linux'), 'crescent-lsp');
  assert.equal(serverBinaryName('darwin'), 'crescent-lsp');
});
