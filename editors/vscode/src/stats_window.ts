//! The game panel's numbers from the `stats` stream: the frame-time history for the graph and the
//! top-scripts table over a window of about two seconds.
//
// Pure. A sample's `frames`/`frame_ms`/`frame_ms_max` cover the frames since the previous sample;
// `scripts[].calls`, `ms` and `alloc_kib` are cumulative, so rates are differences between the window's first
// and last samples (ms is sampled one frame in 16 in update loops: a short window is noisy).

import type { Stats } from './dev_protocol';

export interface FramePoint {
  frame: number;
  ms: number;
  max: number;
}

export interface ScriptRow {
  path: string;
  instances: number;
  callsPerFrame: number;
  msPerFrame: number;
  /** Undefined when the window holds no call. */
  msPerCall: number | undefined;
  /** Memory the callbacks allocated per frame, KiB. */
  kibPerFrame: number;
}

interface Timed {
  at: number;
  stats: Stats;
}

export class StatsWindow {
  private readonly samples: Timed[] = [];
  readonly history: FramePoint[] = [];

  constructor(private readonly windowMs = 2000, private readonly historyLength = 300) {}

  get latest(): Stats | undefined {
    return this.samples[this.samples.length - 1]?.stats;
  }

  push(stats: Stats, at: number): void {
    // A restarted game counts from zero again: its old samples say nothing about it.
    const last = this.latest;
    if (last !== undefined && stats.frame < last.frame) this.clear();
    this.samples.push({ at, stats });
    // Keep one sample older than the window, so that the window spans it fully.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
    if (stats.frames > 0) {
      this.history.push({ frame: stats.frame, ms: stats.frame_ms, max: stats.frame_ms_max });
      if (this.history.length > this.historyLength) this.history.splice(0, this.history.length - this.historyLength);
    }
  }

  clear(): void {
    this.samples.length = 0;
    this.history.length = 0;
  }

  /** One row per script of the latest sample, the heaviest (ms per frame) first. */
  topScripts(): ScriptRow[] {
    if (this.samples.length === 0) return [];
    const first = this.samples[0].stats;
    const last = this.latest as Stats;
    const single = this.samples.length === 1;
    // Frames elapsed between the first and the last sample (the first's own frames came before it).
    const frames = single ? last.frames : last.frame - first.frame;
    const before = new Map(first.scripts.map((s) => [s.path, s]));
    const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const rows = last.scripts.map((s): ScriptRow => {
      const b = single ? undefined : before.get(s.path);
      const calls = total(s.calls) - (b === undefined ? (single ? 0 : 0) : total(b.calls));
      const ms = s.ms - (b?.ms ?? 0);
      const kib = s.alloc_kib - (b?.alloc_kib ?? 0);
      const n = frames > 0 ? frames : 1;
      return {
        path: s.path,
        instances: s.instances,
        callsPerFrame: single ? 0 : Math.max(0, calls) / n,
        msPerFrame: single ? 0 : Math.max(0, ms) / n,
        msPerCall: !single && calls > 0 ? Math.max(0, ms) / calls : undefined,
        kibPerFrame: single ? 0 : Math.max(0, kib) / n,
      };
    });
    return rows.sort((a, b) => b.msPerFrame - a.msPerFrame || a.path.localeCompare(b.path));
  }
}
