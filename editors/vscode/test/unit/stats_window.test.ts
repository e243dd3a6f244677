//! The game panel's numbers: frame history and per-script rates from cumulative counters.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stats } from '../../src/dev_protocol';
import { StatsWindow } from '../../src/stats_window';

function stats(frame: number, frames: number, calls: number, ms: number, extra: Partial<Stats> = {}, kib = 0): Stats {
  return {
    frame, frames, frame_ms: 1, frame_ms_max: 2, entities: 1, instances: 1, faulted: 0, lua_kib: 100, errors: 0,
    scripts: [{ path: 'scripts/a.lua', instances: 2, calls: { init: 2, update: calls }, ms, alloc_kib: kib }],
    ...extra,
  };
}

test('rates are differences across the window, per frame and per call', () => {
  const w = new StatsWindow(2000);
  w.push(stats(100, 6, 200, 10), 0);
  assert.equal(w.topScripts()[0].callsPerFrame, 0, 'one sample: no rate yet');
  w.push(stats(160, 60, 320, 16, {}, 30), 1000);
  const [row] = w.topScripts();
  assert.equal(row.path, 'scripts/a.lua');
  assert.equal(row.instances, 2);
  assert.equal(row.callsPerFrame, 2); // 120 calls over 60 frames
  assert.equal(row.msPerFrame, 0.1); // 6 ms over 60 frames
  assert.equal(row.msPerCall, 0.05);
  assert.equal(row.kibPerFrame, 0.5); // 30 KiB over 60 frames
});

test('the window keeps about windowMs of samples, and the history its last N points', () => {
  const w = new StatsWindow(2000, 5);
  for (let i = 0; i <= 10; i++) w.push(stats(100 + i * 10, 10, 100 + i * 20, i), i * 500);
  // Samples 6..10 fall within 2 s of 5000 ms plus the one before them (at 3000 ms).
  const [row] = w.topScripts();
  assert.equal(row.callsPerFrame, 2);
  assert.equal(row.msPerFrame, 0.1);
  assert.equal(w.history.length, 5);
  assert.deepEqual(w.history[4], { frame: 200, ms: 1, max: 2 });
});

test('heaviest scripts first; a restarted game (frame going back) starts over', () => {
  const w = new StatsWindow();
  const two = (frame: number, a: number, b: number): Stats => ({
    ...stats(frame, 10, 0, 0),
    scripts: [
      { path: 'scripts/a.lua', instances: 1, calls: { update: frame }, ms: a, alloc_kib: 0 },
      { path: 'scripts/b.lua', instances: 1, calls: { update: frame }, ms: b, alloc_kib: 0 },
    ],
  });
  w.push(two(10, 0, 0), 0);
  w.push(two(20, 1, 5), 100);
  assert.deepEqual(w.topScripts().map((r) => r.path), ['scripts/b.lua', 'scripts/a.lua']);
  w.push(two(5, 0, 0), 200);
  assert.equal(w.history.length, 1);
  assert.equal(w.topScripts()[0].msPerFrame, 0);
  assert.equal(w.topScripts()[0].msPerCall, undefined);
});
