//! The views' dev channel connection against a fake game: hello with the session's token,
//! requests answered by id (lines split across packets), the stats subscription.

import assert from 'node:assert/strict';
import * as net from 'net';
import { test } from 'node:test';
import { DevClient } from '../../src/dev_client';
import { sessionFile } from '../../src/session';
import { tempDir, writeFile } from './helpers';

/** A game that answers hello, `entities` and record_trace, and records what it got. */
function fakeGame(): Promise<{ server: net.Server; port: number; got: Record<string, unknown>[] }> {
  const got: Record<string, unknown>[] = [];
  const server = net.createServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        got.push(msg);
        if (msg.type === 'hello') {
          socket.write(msg.token === 'tok' ? '{"type":"welcome","version":1,"project":"/p"}\n' : '{"type":"error","message":"bad token"}\n');
        } else if (msg.type === 'inspect') {
          // Split in two writes: the client must reassemble the line.
          const line = JSON.stringify({ type: 'inspect_reply', id: msg.id, result: { kind: 'entities', entities: [{ id: 1, name: 'player', scripts: ['scripts/player.lua'] }] } });
          socket.write(line.slice(0, 10));
          setTimeout(() => socket.write(line.slice(10) + '\n{"type":"log","level":"info","message":"x"}\n'), 5);
        } else if (msg.type === 'record_trace' && msg.frames > 3600) {
          // A refusal names the request; an unrelated error first must not fail it.
          socket.write('{"type":"error","message":"something else"}\n');
          socket.write(JSON.stringify({ type: 'error', id: msg.id, message: 'record_trace: frames must be 1 to 3600' }) + '\n');
        } else if (msg.type === 'record_trace') {
          socket.write(JSON.stringify({ type: 'trace_recorded', id: msg.id, path: '/t.json', frames: msg.frames, events: 3 }) + '\n');
        }
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, got })));
}

const once = (c: DevClient, event: string) => new Promise<void>((resolve) => c.once(event, () => resolve()));

test('connects from the session file, asks, subscribes, and records a trace', async () => {
  const root = tempDir();
  const game = await fakeGame();
  writeFile(sessionFile(root), JSON.stringify({ version: 1, pid: process.pid, port: game.port, token: 'tok' }));
  const client = new DevClient();
  try {
    const connected = once(client, 'connected');
    client.wantStats();
    client.setProject(root);
    await connected;
    const result = await client.inspect({ command: 'entities' });
    assert.deepEqual(result, { kind: 'entities', entities: [{ id: 1, name: 'player', scripts: ['scripts/player.lua'] }] });
    assert.deepEqual(await client.recordTrace(7), { path: '/t.json', frames: 7, events: 3 });
    await assert.rejects(client.recordTrace(5000), /frames must be 1 to 3600/);
    assert.deepEqual(game.got.map((m) => m.type), ['hello', 'subscribe', 'inspect', 'record_trace', 'record_trace']);
    assert.deepEqual(game.got[0], { type: 'hello', token: 'tok', client: 'vscode' });

    game.server.close();
  } finally {
    client.dispose();
  }
});

test('requests fail without a game', async () => {
  const client = new DevClient();
  await assert.rejects(client.inspect({ command: 'entities' }), /no game connected/);
  client.dispose();
});
