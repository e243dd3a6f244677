//! package.json contributes what the code uses: commands, settings, snippets, activation, the debugger.

import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { DEBUG_TYPE, folderConfigurations, prepareConfiguration } from '../../src/debug_config';
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
  for (const required of ['crescent.restartServer', 'crescent.runGame', 'crescent.debugGame', 'crescent.openApiReference', 'crescent.newScript']) {
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

test('the crescent debugger: type, Lua breakpoints, launch and attach attributes, activation', () => {
  const debuggers = manifest.contributes.debuggers;
  assert.equal(debuggers.length, 1);
  const d = debuggers[0];
  assert.equal(d.type, DEBUG_TYPE);
  assert.equal(d.label, 'Crescent');
  assert.deepEqual(d.languages, ['lua']);
  assert.deepEqual(manifest.contributes.breakpoints, [{ language: 'lua' }]);
  // The attributes are what crescent dap reads (project, args); debug_config.ts checks the same.
  assert.deepEqual(Object.keys(d.configurationAttributes).sort(), ['attach', 'launch']);
  assert.deepEqual(Object.keys(d.configurationAttributes.launch.properties).sort(), ['args', 'project']);
  assert.deepEqual(Object.keys(d.configurationAttributes.attach.properties), ['project']);
  assert.equal(d.configurationAttributes.launch.properties.project.default, '${workspaceFolder}');
  assert.equal(d.configurationAttributes.launch.properties.args.items.type, 'string');
  // No program or runtime: the descriptor factory (debug.ts) starts `crescent dap`.
  assert.equal(d.program, undefined);
  assert.equal(d.runtime, undefined);
  for (const event of ['onDebugResolve:crescent', 'onDebugDynamicConfigurations:crescent', 'onDebugInitialConfigurations']) {
    assert.ok(manifest.activationEvents.includes(event), event);
  }
  assert.ok(sources.includes('registerDebugAdapterDescriptorFactory(DEBUG_TYPE'));
  assert.ok(sources.includes('registerDebugConfigurationProvider(DEBUG_TYPE'));
});

test('the launch.json configurations and snippets are the ones debug_config.ts offers, and resolve', () => {
  const d = manifest.contributes.debuggers[0];
  // A folder without a project below it gets exactly the manifest's initial configurations.
  assert.deepEqual(d.initialConfigurations, folderConfigurations(path.resolve('/ws'), []));
  assert.deepEqual(d.initialConfigurations.map((c: { request: string }) => c.request), ['launch', 'attach']);
  assert.deepEqual(d.configurationSnippets.map((s: { body: { request: string } }) => s.body.request), ['launch', 'attach']);
  for (const [i, snippet] of d.configurationSnippets.entries()) {
    // In a snippet, `^"…"` is a JSON string and `\$` keeps the variable from being a tab stop.
    assert.equal(snippet.body.project, '^"\\${workspaceFolder}"');
    const body = { ...snippet.body, project: '${workspaceFolder}' };
    assert.deepEqual(body, d.initialConfigurations[i]);
    assert.equal(snippet.label, body.name);
  }
  for (const c of d.initialConfigurations) {
    const r = prepareConfiguration(c, path.resolve('/ws'));
    assert.ok(r.ok && r.value.project === path.resolve('/ws'), JSON.stringify(r));
  }
});

test('Debug Game sits beside Run Game, in the same places', () => {
  const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.equal(commands.indexOf('crescent.debugGame'), commands.indexOf('crescent.runGame') + 1);
  const debugGame = manifest.contributes.commands.find((c: { command: string }) => c.command === 'crescent.debugGame');
  assert.deepEqual(debugGame, { command: 'crescent.debugGame', title: 'Debug Game', category: 'Crescent' });
  // Any menu that shows Run Game shows Debug Game too.
  for (const [menu, items] of Object.entries((manifest.contributes.menus ?? {}) as Record<string, { command: string }[]>)) {
    if (items.some((i) => i.command === 'crescent.runGame')) {
      assert.ok(items.some((i) => i.command === 'crescent.debugGame'), `menu ${menu}`);
    }
  }
});
