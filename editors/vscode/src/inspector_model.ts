//! The world inspector's tree, as plain data: entities, their components and script instances,
//! and the values inside, with what an edit of a leaf sends to the game.
//
// Pure. A leaf (number, string, boolean, or one element of an array such as a vector) is
// editable: the game writes one top-level field at a time (set_component with `field`, or
// set_self), so an edit deeper inside rebuilds that field's whole value with the leaf replaced.

import type { EntityDetail, EntitySummary, InspectRequest } from './dev_protocol';

/** Where a value lives: a component's field or a script instance's `self` field, then a path inside. */
export type Owner = { kind: 'component'; component: string } | { kind: 'script'; script: string };

export interface EditTarget {
  entity: number;
  owner: Owner;
  /** The top-level field; undefined when the component itself is the value. */
  field: string | undefined;
  /** Keys and indices inside the field's value. */
  path: (string | number)[];
}

export type Node =
  | { kind: 'entity'; id: string; entity: EntitySummary; label: string; description: string }
  | { kind: 'group'; id: string; label: string; description?: string; entity: number; children: Node[] }
  | { kind: 'value'; id: string; label: string; description: string; value: unknown; children: Node[]; edit?: EditTarget };

export function entityLabel(e: EntitySummary): string {
  return e.name !== undefined ? `${e.name} #${e.id}` : `#${e.id}`;
}

export function entityNode(e: EntitySummary): Node {
  const pos = e.position !== undefined ? ` (${e.position.map(formatNumber).join(', ')})` : '';
  return { kind: 'entity', id: `e${e.id}`, entity: e, label: entityLabel(e), description: `${e.scripts.join(', ')}${pos}`.trim() };
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** A value's one-line summary. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number') && value.length <= 4) return `[${value.map((v) => formatNumber(v as number)).join(', ')}]`;
    return `array (${value.length})`;
  }
  const keys = Object.keys(value as object);
  return `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
}

export function isLeaf(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

const VEC_NAMES = ['x', 'y', 'z', 'w'];

function valueNode(idPrefix: string, label: string, value: unknown, target: EditTarget): Node {
  const id = `${idPrefix}/${label}`;
  let children: Node[] = [];
  if (Array.isArray(value)) {
    const vec = value.length <= 4 && value.every((v) => typeof v === 'number');
    children = value.map((v, i) => valueNode(id, vec ? VEC_NAMES[i] : String(i), v, { ...target, path: [...target.path, i] }));
  } else if (typeof value === 'object' && value !== null) {
    children = Object.entries(value).map(([k, v]) => valueNode(id, k, v, { ...target, path: [...target.path, k] }));
  }
  const node: Node = { kind: 'value', id, label, description: describe(value), value, children };
  if (isLeaf(value)) node.edit = target;
  return node;
}

/** An entity's children: one group per component, one per script instance (its `self`). */
export function entityChildren(detail: EntityDetail): Node[] {
  const e = detail.id;
  const groups: Node[] = [];
  for (const [name, value] of Object.entries(detail.components).sort(([a], [b]) => a.localeCompare(b))) {
    const id = `e${e}/c/${name}`;
    const owner: Owner = { kind: 'component', component: name };
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const children = Object.entries(value).map(([f, v]) => valueNode(id, f, v, { entity: e, owner, field: f, path: [] }));
      groups.push({ kind: 'group', id, label: name, description: 'component', entity: e, children });
    } else {
      groups.push(valueNode(`e${e}/c`, name, value, { entity: e, owner, field: undefined, path: [] }));
    }
  }
  detail.scripts.forEach((s, i) => {
    const id = `e${e}/s${i}/${s.path}`;
    const owner: Owner = { kind: 'script', script: s.path };
    const children = Object.entries(s.fields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, v]) => valueNode(id, f, v, { entity: e, owner, field: f, path: [] }));
    groups.push({ kind: 'group', id, label: s.path, description: 'self', entity: e, children });
  });
  return groups;
}

/** The text typed in the edit box as a value of the leaf's type; an error message when it is not one. */
export function parseEdit(text: string, old: unknown): { value: unknown } | { error: string } {
  const t = text.trim();
  if (typeof old === 'number') {
    const n = Number(t);
    return t !== '' && Number.isFinite(n) ? { value: n } : { error: `not a number: ${text}` };
  }
  if (typeof old === 'boolean') {
    if (t === 'true' || t === 'false') return { value: t === 'true' };
    return { error: `not a boolean (true or false): ${text}` };
  }
  return { value: text };
}

/** `root` with the value at `path` replaced by `leaf` (copies on the way down; `root` is unchanged). */
export function replaceAt(root: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = replaceAt(copy[head as number], rest, leaf);
    return copy;
  }
  const copy = { ...(root as Record<string, unknown>) };
  copy[head as string] = replaceAt(copy[head as string], rest, leaf);
  return copy;
}

/** The request that writes `leaf` at `target`, given the entity's current detail. */
export function editRequest(detail: EntityDetail, target: EditTarget, leaf: unknown): InspectRequest {
  if (target.owner.kind === 'component') {
    const component = target.owner.component;
    const current = detail.components[component];
    if (target.field === undefined) {
      return { command: 'set_component', entity: target.entity, component, value: replaceAt(current, target.path, leaf) };
    }
    const fieldValue = (current as Record<string, unknown> | undefined)?.[target.field];
    return { command: 'set_component', entity: target.entity, component, field: target.field, value: replaceAt(fieldValue, target.path, leaf) };
  }
  const script = target.owner.script;
  const fields = detail.scripts.find((s) => s.path === script)?.fields ?? {};
  return { command: 'set_self', entity: target.entity, script, field: target.field as string, value: replaceAt(fields[target.field as string], target.path, leaf) };
}
