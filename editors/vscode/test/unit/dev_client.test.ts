//! The views' dev channel connection against a fake game: hello with the session's token,
//! requests answered by id (lines split across packets), the stats subscription, and following the
//! game when it goes away and comes back.

import assert from 'node:assert/strict';
import * as net from 'net';
import { test } from 'node:test';
import { DevClient } from '../../src/dev_client';
import { sessionFile } from '../../src/session';
import { tempDir, writeFile } from './helpers';

interface FakeGame {
  server: net.Server;
  port: number;
  got: Record<string, unknown>[];
  /** Closes every connection and stops listening, as a game that exits. */
  stop(): Promise<void>;
}

/**
 * A game that answers hello (with `token`), `entities` and record_trace, and records what it got.
 * `port` 0 picks a free one; message types in `ignore` are recorded but never answered.
 */
function fakeGame(options: { token?: string; port?: number; ignore?: string[] } = {}): Promise<FakeGame> {
  const token = options.token ?? 'tok';
  const ignore = new Set(options.ignore ?? []);
  const got: Record<string, unknown>[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        got.push(msg);
        if (ignore.has(msg.type)) {
          continue;
        } else if (msg.type === 'hello') {
          socket.write(msg.token === token ? '{"type":"welcome","version":1,"project":"/p"}\n' : '{"type":"error","message":"bad token"}\n');
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
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, got, stop })));
}

const once = (c: DevClient, event: string) => new Promise<void>((resolve) => c.once(event, () => resolve()));

/** `promise`, or a failure naming `what` after `ms` (the timer does not outlive it). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on (bound once by the OS, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const session = (root: string, port: number, token: string) =>
  writeFile(sessionFile(root), JSON.stringify({ version: 1, pid: process.pid, port, token }));

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

test('a game that exits disconnects the client and fails its pending requests', async () => {
  const root = tempDir();
  const game = await fakeGame({ ignore: ['inspect'] });
  session(root, game.port, 'tok');
  const client = new DevClient();
  try {
    const connected = once(client, 'connected');
    client.setProject(root);
    await within(connected, 3000, 'connected');
    assert.equal(client.isConnected, true);

    // The game never answers this one; it must fail when the game goes, not after its timeout.
    const pending = client.inspect({ command: 'entities' });
    const rejected = assert.rejects(pending, /the game disconnected/);
    while (!game.got.some((m) => m.type === 'inspect')) await sleep(5);
    const disconnected = once(client, 'disconnected');
    await game.stop();
    await within(disconnected, 500, 'disconnected');
    await within(rejected, 500, 'the pending request to fail');
    assert.equal(client.isConnected, false);
    await assert.rejects(client.inspect({ command: 'entities' }), /no game connected/);
  } finally {
    client.dispose();
    await game.stop();
  }
});

test('a restarted game on a new port and token is followed without recreating the client', async () => {
  const root = tempDir();
  const first = await fakeGame({ token: 'tok' });
  session(root, first.port, 'tok');
  const client = new DevClient();
  let second: FakeGame | undefined;
  try {
    let connections = 0;
    client.on('connected', () => connections++);
    const connected = once(client, 'connected');
    client.setProject(root);
    await within(connected, 3000, 'connected');

    const disconnected = once(client, 'disconnected');
    await first.stop();
    await within(disconnected, 500, 'disconnected');

    second = await fakeGame({ token: 'tok2' });
    assert.notEqual(second.port, first.port);
    const reconnected = once(client, 'connected');
    session(root, second.port, 'tok2');
    await within(reconnected, 3000, 'the second connected');
    assert.equal(connections, 2);
    assert.equal(client.isConnected, true);
    assert.deepEqual(second.got[0], { type: 'hello', token: 'tok2', client: 'vscode' });

    assert.deepEqual(await client.inspect({ command: 'entities' }), { kind: 'entities', entities: [{ id: 1, name: 'player', scripts: ['scripts/player.lua'] }] });
    assert.deepEqual(await client.recordTrace(2), { path: '/t.json', frames: 2, events: 3 });
    assert.deepEqual(second.got.map((m) => m.type), ['hello', 'inspect', 'record_trace']);
    assert.deepEqual(first.got.map((m) => m.type), ['hello']);
  } finally {
    client.dispose();
    await first.stop();
    await second?.stop();
  }
});

test('a session naming a port nothing listens on waits, without spinning, until the game appears', async () => {
  const root = tempDir();
  const port = await freePort();
  session(root, port, 'tok');
  // Every connection attempt (the client's only: the test makes none while this counts).
  const connect = net.Socket.prototype.connect;
  let attempts = 0;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts++;
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  const client = new DevClient();
  let game: FakeGame | undefined;
  try {
    const events: string[] = [];
    client.on('connected', () => events.push('connected'));
    client.on('disconnected', () => events.push('disconnected'));
    assert.doesNotThrow(() => client.setProject(root));
    await sleep(1500);
    // One attempt at once, then one a poll: a couple in 1.5 s, not a busy loop.
    assert.ok(attempts >= 1 && attempts <= 3, `connection attempts in 1.5 s: ${attempts}`);
    assert.equal(client.isConnected, false);
    assert.deepEqual(events, []);
    await assert.rejects(client.inspect({ command: 'entities' }), /no game connected/);

    net.Socket.prototype.connect = connect;
    const connected = once(client, 'connected');
    game = await fakeGame({ port });
    await within(connected, 3000, 'connected');
    assert.equal(client.isConnected, true);
    assert.deepEqual(await client.recordTrace(1), { path: '/t.json', frames: 1, events: 3 });
    assert.deepEqual(events, ['connected']);
  } finally {
    net.Socket.prototype.connect = connect;
    client.dispose();
    await game?.stop();
  }
});
