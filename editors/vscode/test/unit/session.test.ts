//! Game detection from `.crescent/session.json`: live pid, dead pid, malformed files.

import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { isGameRunning, parseSession, sessionFile } from '../../src/session';
import { EXTENSION_DIR, tempDir, writeFile } from './helpers';

test('a session naming a live process is a running game', () => {
  const root = tempDir();
  assert.equal(isGameRunning(root), false, 'no session file');
  writeFile(sessionFile(root), JSON.stringify({ version: 1, pid: process.pid, port: 51234, token: 'ab' }));
  assert.equal(isGameRunning(root), true);
});

test('a stale session (dead pid) is not a running game', () => {
  const root = tempDir();
  // A process that has exited and been reaped: its pid is free.
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const deadPid = Number(done.stdout.toString());
  writeFile(path.join(root, '.crescent', 'session.json'), JSON.stringify({ version: 1, pid: deadPid, port: 5000, token: 'ab' }));
  assert.equal(isGameRunning(root), false);
});

test('malformed session files are ignored', () => {
  assert.equal(parseSession('not json'), undefined);
  assert.equal(parseSession('null'), undefined);
  assert.equal(parseSession('{"version":2,"pid":1,"port":1}'), undefined);
  assert.equal(parseSession('{"version":1,"pid":"1","port":1}'), undefined);
  assert.equal(parseSession('{"version":1,"pid":1,"port":70000}'), undefined);
  assert.equal(parseSession('{"version":1,"pid":0,"port":80}'), undefined);
  assert.deepEqual(parseSession('{"version":1,"pid":42,"port":80,"token":"x"}'), { version: 1, pid: 42, port: 80 });
  const root = tempDir();
  writeFile(sessionFile(root), '{"version":1,');
  assert.equal(isGameRunning(root), false);
});

test('the session file the runtime writes parses (editors/dev-channel-samples.json, from crescent-api)', () => {
  const samples = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, '..', 'dev-channel-samples.json'), 'utf8')) as {
    session: { version: number; pid: number; port: number; token: string };
  };
  const s = samples.session;
  assert.deepEqual(parseSession(JSON.stringify(s)), { version: s.version, pid: s.pid, port: s.port });
});
