//! package.json contributes what the code uses: commands, settings, snippets, activation.

import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { EXTENSION_DIR } from './helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'package.json'), 'utf8'));
const sources = fs
  .readdirSync(path.join(EXTENSION_DIR, 'src'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => fs.readFileSync(path.join(EXTENSION_DIR, 'src', f), 'utf8'))
  .join('\n');

test('every contributed command is registered, and every registered command is contributed', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  const registered = [...sources.matchAll(/registerCommand\(\s*(?:'([^']+)'|([A-Z_]+))/g)].map((m) => {
    if (m[1] !== undefined) {
      return m[1];
    }
    const constant = new RegExp(`export const ${m[2]} = '([^']+)'`).exec(sources);
    assert.ok(constant, `constant ${m[2]} not found`);
    return constant[1];
  });
  assert.deepEqual(registered.sort(), contributed);
  for (const required of ['crescent.restartServer', 'crescent.runGame', 'crescent.openApiReference', 'crescent.newScript']) {
    assert.ok(contributed.includes(required), required);
  }
});

test('the settings config.ts reads are exactly the ones package.json declares', () => {
  const declared = Object.keys(manifest.contributes.configuration.properties).sort();
  const read = [...new Set([...sources.matchAll(/get\('(crescent\.[a-zA-Z.]+)'\)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(read, declared);
  assert.deepEqual(manifest.contributes.configuration.properties['crescent.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('snippets: one per lifecycle function, each a valid function skeleton', () => {
  const snippets = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, manifest.contributes.snippets[0].path), 'utf8'));
  for (const name of ['init', 'update', 'fixed_update', 'on_event', 'on_reload', 'destroy']) {
    const s = snippets[name];
    assert.ok(s, `snippet ${name}`);
    assert.ok(s.body[0].startsWith(`function ${name}(self`), `${name} starts its function`);
    assert.equal(s.body[s.body.length - 1], 'end');
  }
});

test('activation: Lua projects (a scene.json), and the bundle the manifest points at is what esbuild writes', () => {
  assert.ok(manifest.activationEvents.includes('workspaceContains:scene.json'));
  assert.equal(manifest.main, './dist/main.js');
  assert.ok(fs.readFileSync(path.join(EXTENSION_DIR, 'esbuild.mjs'), 'utf8').includes("outfile: 'dist/main.js'"));
  assert.ok(manifest.engines.vscode.startsWith('^1.'));
});
