//! The dev channel's messages as the views read them: every sample of crescent-api parses.

import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { hello, inspect, LineSplitter, parseEndpoint, parseFromGame, recordTrace, subscribeStats } from '../../src/dev_protocol';
import { EXTENSION_DIR } from './helpers';

const samples = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, '..', 'dev-channel-samples.json'), 'utf8')) as {
  session: unknown;
  to_game: Record<string, unknown>[];
  from_game: Record<string, unknown>[];
};
const sample = (type: string) => samples.from_game.find((m) => m.type === type) as Record<string, unknown>;

test('the session sample gives port and token; other files do not', () => {
  const s = samples.session as { port: number; token: string };
  assert.deepEqual(parseEndpoint(JSON.stringify(samples.session)), { port: s.port, token: s.token });
  assert.equal(parseEndpoint('{"version":1,"pid":1,"port":80}'), undefined, 'no token');
  assert.equal(parseEndpoint('{"version":2,"pid":1,"port":80,"token":"a"}'), undefined);
  assert.equal(parseEndpoint('{"version":1,"pid":1,"port":0,"token":"a"}'), undefined);
  assert.equal(parseEndpoint('garbage'), undefined);
});

test('lines are split across chunks; blank lines and CR are dropped', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\r\n\n'), ['{"b":2}']);
  assert.deepEqual(s.push('x'), []);
});

test('stats, inspect replies and trace_recorded samples parse; other types are "other"', () => {
  const stats = parseFromGame(JSON.stringify(sample('stats')));
  assert.equal(stats?.type, 'stats');
  if (stats?.type === 'stats') {
    assert.equal(stats.stats.frames, 6);
    assert.deepEqual(stats.stats.scripts[0], { path: 'scripts/enemy.lua', instances: 8, calls: { init: 8, update: 4800 }, ms: 35.2, alloc_kib: 96.5 });
  }
  const entities = parseFromGame(JSON.stringify(sample('inspect_reply')));
  assert.deepEqual(entities, {
    type: 'inspect_reply',
    id: 2,
    result: { kind: 'entities', entities: [{ id: 12, name: 'enemy', position: [1, 0, -3.5], scripts: ['scripts/enemy.lua'] }] },
  });
  assert.deepEqual(parseFromGame(JSON.stringify(sample('trace_recorded'))), {
    type: 'trace_recorded', id: 4, path: '/home/me/game/.crescent/traces/trace-600.json', frames: 120, events: 2890,
  });
  assert.deepEqual(parseFromGame(JSON.stringify(sample('error'))), { type: 'error', message: 'bad token' });
  const answering = samples.from_game.find((m) => m.type === 'error' && m.id !== undefined);
  assert.deepEqual(parseFromGame(JSON.stringify(answering)), {
    type: 'error', message: 'record_trace: a trace is being recorded already', id: 7,
  });
  assert.deepEqual(parseFromGame('{"type":"pong"}'), { type: 'other', name: 'pong' });
  assert.equal(parseFromGame('{"type":"stats"}'), undefined, 'a stats line without numbers');
  assert.equal(parseFromGame('[1]'), undefined);
});

test('entity details and write results parse', () => {
  const line = JSON.stringify({
    type: 'inspect_reply', id: 5,
    result: { kind: 'entity', entity: { id: 1, name: 'player', components: { Transform: { position: [1, 2, 3] } }, scripts: [{ path: 'scripts/player.lua', fields: { speed: 2 } }] } },
  });
  assert.deepEqual(parseFromGame(line), {
    type: 'inspect_reply', id: 5,
    result: { kind: 'entity', entity: { id: 1, name: 'player', components: { Transform: { position: [1, 2, 3] } }, scripts: [{ path: 'scripts/player.lua', fields: { speed: 2 } }] } },
  });
  assert.deepEqual(parseFromGame('{"type":"inspect_reply","id":1,"result":{"kind":"ok"}}'), { type: 'inspect_reply', id: 1, result: { kind: 'ok' } });
  assert.deepEqual(parseFromGame('{"type":"inspect_reply","id":1,"result":{"kind":"error","message":"no such field"}}'),
    { type: 'inspect_reply', id: 1, result: { kind: 'error', message: 'no such field' } });
});

test('the requests have the shape of the crescent-api samples', () => {
  const to = (type: string) => samples.to_game.find((m) => m.type === type && (type !== 'inspect' || (m.request as { command: string }).command === 'set_self'));
  assert.deepEqual(subscribeStats(), to('subscribe'));
  assert.deepEqual(recordTrace(4, 120), to('record_trace'));
  assert.deepEqual(inspect(3, { command: 'set_self', entity: 12, script: 'scripts/enemy.lua', field: 'speed', value: 2.5 }), to('inspect'));
  const h = to('hello') as { token: string };
  assert.deepEqual(hello(h.token), { ...h, client: 'vscode' });
});
