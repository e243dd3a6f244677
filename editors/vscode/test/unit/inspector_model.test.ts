//! The World inspector's tree model: labels, nesting, which leaves are editable, what an edit sends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntityDetail } from '../../src/dev_protocol';
import { describe, editRequest, entityChildren, entityNode, Node, parseEdit, replaceAt } from '../../src/inspector_model';

const detail: EntityDetail = {
  id: 7,
  name: 'player',
  components: { Transform: { position: [1, 2, 3], scale: 1 }, Health: { hp: 10 }, Tag: 'hero' },
  scripts: [{ path: 'scripts/player.lua', fields: { speed: 2, name: 'p', alive: true, bag: { coins: [1, 2] } } }],
};

const find = (nodes: Node[], ...labels: string[]): Node => {
  let node: Node | undefined;
  let list = nodes;
  for (const l of labels) {
    node = list.find((n) => n.label === l);
    assert.ok(node, `no node ${l} in ${list.map((n) => n.label).join(', ')}`);
    list = node.kind === 'entity' ? [] : node.children;
  }
  return node as Node;
};

test('entities read as name #id with their scripts and position', () => {
  const n = entityNode({ id: 7, name: 'player', position: [1, 0, 2.5], scripts: ['scripts/player.lua'] });
  assert.equal(n.label, 'player #7');
  assert.equal(n.description, 'scripts/player.lua (1, 0, 2.5)');
  assert.equal(entityNode({ id: 3, scripts: [] }).label, '#3');
});

test('components and script instances nest down to editable leaves', () => {
  const tree = entityChildren(detail);
  assert.deepEqual(tree.map((n) => n.label), ['Health', 'Tag', 'Transform', 'scripts/player.lua']);
  const y = find(tree, 'Transform', 'position', 'y');
  assert.equal(y.kind === 'value' && y.value, 2);
  assert.deepEqual(y.kind === 'value' && y.edit, { entity: 7, owner: { kind: 'component', component: 'Transform' }, field: 'position', path: [1] });
  const position = find(tree, 'Transform', 'position');
  assert.equal(position.kind === 'value' && position.edit, undefined, 'a vector is not a leaf');
  assert.equal(position.description, '[1, 2, 3]');
  const coin = find(tree, 'scripts/player.lua', 'bag', 'coins', 'y');
  assert.deepEqual(coin.kind === 'value' && coin.edit, { entity: 7, owner: { kind: 'script', script: 'scripts/player.lua' }, field: 'bag', path: ['coins', 1] });
  const tag = find(tree, 'Tag');
  assert.deepEqual(tag.kind === 'value' && tag.edit, { entity: 7, owner: { kind: 'component', component: 'Tag' }, field: undefined, path: [] });
});

test('an edit writes the whole top-level field with the leaf replaced', () => {
  const tree = entityChildren(detail);
  const edit = (n: Node) => (n.kind === 'value' ? n.edit : undefined)!;
  assert.deepEqual(editRequest(detail, edit(find(tree, 'Transform', 'position', 'y')), 5),
    { command: 'set_component', entity: 7, component: 'Transform', field: 'position', value: [1, 5, 3] });
  assert.deepEqual(editRequest(detail, edit(find(tree, 'Health', 'hp')), 3),
    { command: 'set_component', entity: 7, component: 'Health', field: 'hp', value: 3 });
  assert.deepEqual(editRequest(detail, edit(find(tree, 'scripts/player.lua', 'speed')), 2.5),
    { command: 'set_self', entity: 7, script: 'scripts/player.lua', field: 'speed', value: 2.5 });
  assert.deepEqual(editRequest(detail, edit(find(tree, 'scripts/player.lua', 'bag', 'coins', 'x')), 9),
    { command: 'set_self', entity: 7, script: 'scripts/player.lua', field: 'bag', value: { coins: [9, 2] } });
  assert.deepEqual(editRequest(detail, edit(find(tree, 'Tag')), 'x'), { command: 'set_component', entity: 7, component: 'Tag', value: 'x' });
  assert.deepEqual(detail.scripts[0].fields.bag, { coins: [1, 2] }, 'the detail is unchanged');
});

test('typed text becomes a value of the leaf type', () => {
  assert.deepEqual(parseEdit(' 4.5 ', 1), { value: 4.5 });
  assert.ok('error' in parseEdit('fast', 1));
  assert.ok('error' in parseEdit('', 1));
  assert.deepEqual(parseEdit('false', true), { value: false });
  assert.ok('error' in parseEdit('yes', true));
  assert.deepEqual(parseEdit(' hi ', 'x'), { value: ' hi ' });
  assert.deepEqual(replaceAt([1, [2, 3]], [1, 0], 9), [1, [9, 3]]);
  assert.equal(describe(null), 'nil');
  assert.equal(describe({ a: 1, b: 2, c: 3, d: 4, e: 5 }), '{a, b, c, d, …}');
  assert.equal(describe([1, 2, 3, 4, 5]), 'array (5)');
});
