//! The extension's own connection to the running game's dev channel, for the inspector and the
//! game panel (the language server holds another one).
//
// Pure Node (net, fs). Watches the project's `.crescent/session.json` (polled: a killed game
// leaves it behind, a restarted one rewrites it) and reconnects whenever it names a new endpoint
// or the connection drops. Requests carry an id and resolve with the game's reply.

import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as net from 'net';
import { sessionFile } from './session';
import { Endpoint, FromGame, hello, inspect, InspectRequest, InspectResult, LineSplitter, parseEndpoint, parseFromGame, recordTrace, subscribeStats } from './dev_protocol';

const POLL_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;

interface Pending {
  resolve(value: FromGame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Events: `connected`, `disconnected`, `message` (FromGame). */
export class DevClient extends EventEmitter {
  private socket: net.Socket | undefined;
  private endpoint: Endpoint | undefined;
  private connected = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private root: string | undefined;
  private statsWanted = false;

  constructor(private readonly log: (line: string) => void = () => undefined) {
    super();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get project(): string | undefined {
    return this.root;
  }

  /** Follows the game of this project (undefined: none). */
  setProject(root: string | undefined): void {
    if (root === this.root) return;
    this.root = root;
    this.close();
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.check(), POLL_MS);
    }
    this.check();
  }

  /** Asks for the stats stream now and after every reconnection. */
  wantStats(): void {
    this.statsWanted = true;
    if (this.connected) this.send(subscribeStats());
  }

  private check(): void {
    if (this.root === undefined) return;
    let endpoint: Endpoint | undefined;
    try {
      endpoint = parseEndpoint(fs.readFileSync(sessionFile(this.root), 'utf8'));
    } catch {
      endpoint = undefined;
    }
    const same = endpoint !== undefined && this.endpoint !== undefined && endpoint.port === this.endpoint.port && endpoint.token === this.endpoint.token;
    if (same && this.socket !== undefined) return;
    if (endpoint === undefined) return;
    this.close();
    this.open(endpoint);
  }

  private open(endpoint: Endpoint): void {
    this.endpoint = endpoint;
    const socket = net.connect(endpoint.port, '127.0.0.1');
    this.socket = socket;
    const lines = new LineSplitter();
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(hello(endpoint.token)) + '\n'));
    socket.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) {
        const msg = parseFromGame(line);
        if (msg !== undefined) this.receive(msg);
      }
    });
    const gone = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      // Reconnect on the next poll, even to the same endpoint (the game may have come back).
      this.endpoint = undefined;
      this.dropConnection();
    };
    socket.on('error', gone);
    socket.on('close', gone);
  }

  private receive(msg: FromGame): void {
    if (msg.type === 'welcome') {
      this.connected = true;
      this.log(`dev channel: connected to the game on port ${this.endpoint?.port}`);
      if (this.statsWanted) this.send(subscribeStats());
      this.emit('connected');
    }
    const id = msg.type === 'inspect_reply' || msg.type === 'trace_recorded' || msg.type === 'error' ? msg.id : undefined;
    if (id !== undefined) {
      const p = this.pending.get(id);
      if (p !== undefined) {
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.resolve(msg);
      }
    }
    this.emit('message', msg);
  }

  private send(value: unknown): boolean {
    if (this.socket === undefined) return false;
    this.socket.write(JSON.stringify(value) + '\n');
    return true;
  }

  private request(build: (id: number) => unknown, timeoutMs: number): Promise<FromGame> {
    if (!this.connected) return Promise.reject(new Error('no game connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the game did not answer'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send(build(id));
    });
  }

  async inspect(request: InspectRequest): Promise<InspectResult> {
    const reply = await this.request((id) => inspect(id, request), REQUEST_TIMEOUT_MS);
    if (reply.type !== 'inspect_reply') throw new Error('unexpected reply');
    return reply.result;
  }

  /**
   * Records `frames` frames into a trace file; resolves with its path. A game refusing answers with
   * an `error` that carries the request's id.
   */
  async recordTrace(frames: number, timeoutMs = 60000): Promise<{ path: string; frames: number; events: number }> {
    const reply = await this.request((id) => recordTrace(id, frames), timeoutMs);
    if (reply.type === 'trace_recorded') return { path: reply.path, frames: reply.frames, events: reply.events };
    if (reply.type === 'error') throw new Error(reply.message);
    throw new Error('unexpected reply');
  }

  private dropConnection(): void {
    const was = this.connected;
    this.connected = false;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the game disconnected'));
    }
    this.pending.clear();
    if (was) {
      this.log('dev channel: disconnected from the game');
      this.emit('disconnected');
    }
  }

  private close(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.endpoint = undefined;
    socket?.destroy();
    this.dropConnection();
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.root = undefined;
    this.close();
    this.removeAllListeners();
  }
}
