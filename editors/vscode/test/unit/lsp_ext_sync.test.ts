//! The TypeScript mirror (src/lsp_ext.ts) declares exactly the custom messages the server
//! documents in lsp/protocol/custom-messages.json: same methods, same params, same types.

import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { EXTENSION_DIR, REPO_ROOT } from './helpers';

interface DocumentedField {
  name: string;
  type: string;
  optional?: boolean;
}
interface DocumentedMessage {
  method: string;
  kind: 'notification' | 'request';
  direction: string;
  params: DocumentedField[];
}

/** A field as the comparison sees it: `name: type` or `name?: type`. */
type Shape = Record<string, string[]>;

const PROTOCOL_FILE = path.join(REPO_ROOT, 'lsp', 'protocol', 'custom-messages.json');
const MIRROR_FILE = path.join(EXTENSION_DIR, 'src', 'lsp_ext.ts');

/** JSON schema types → the TypeScript type the mirror must use. */
const TS_TYPE: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' };

function documented(): Shape {
  const doc = JSON.parse(fs.readFileSync(PROTOCOL_FILE, 'utf8')) as { messages: DocumentedMessage[] };
  const shape: Shape = {};
  for (const m of doc.messages) {
    assert.ok(['notification', 'request'].includes(m.kind), `${m.method}: kind`);
    assert.ok(['server->client', 'client->server'].includes(m.direction), `${m.method}: direction`);
    assert.equal(shape[m.method], undefined, `${m.method} is documented twice`);
    shape[m.method] = [`kind ${m.kind}`];
    for (const f of m.params) {
      const tsType = TS_TYPE[f.type];
      assert.ok(tsType, `${m.method}.${f.name}: unknown type ${f.type}`);
      shape[m.method].push(`${f.name}${f.optional ? '?' : ''}: ${tsType}`);
    }
    shape[m.method].sort();
  }
  return shape;
}

/** Reads lsp_ext.ts with the TypeScript parser: each `new NotificationType<P>('method')` and P's fields. */
function mirrored(): Shape {
  const source = ts.createSourceFile(MIRROR_FILE, fs.readFileSync(MIRROR_FILE, 'utf8'), ts.ScriptTarget.ES2022, true);
  const interfaces = new Map<string, string[]>();
  const messages: { method: string; kind: string; params: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node)) {
      const fields: string[] = [];
      for (const member of node.members) {
        assert.ok(ts.isPropertySignature(member) && member.type, `${node.name.text}: only plain fields are allowed`);
        fields.push(`${member.name.getText(source)}${member.questionToken ? '?' : ''}: ${member.type.getText(source)}`);
      }
      interfaces.set(node.name.text, fields);
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const kind = { NotificationType: 'notification', RequestType: 'request' }[node.expression.text];
      if (kind !== undefined) {
        const [params] = node.typeArguments ?? [];
        const [method] = node.arguments ?? [];
        assert.ok(params && method && ts.isStringLiteral(method), `${node.getText(source)}: give the params type and the method literally`);
        messages.push({ method: method.text, kind, params: params.getText(source) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const shape: Shape = {};
  for (const m of messages) {
    const fields = interfaces.get(m.params);
    assert.ok(fields, `${m.method}: interface ${m.params} is not declared in lsp_ext.ts`);
    assert.equal(shape[m.method], undefined, `${m.method} is declared twice`);
    shape[m.method] = [`kind ${m.kind}`, ...fields].sort();
  }
  return shape;
}

test('lsp_ext.ts mirrors lsp/protocol/custom-messages.json exactly', () => {
  assert.deepEqual(mirrored(), documented());
});

test('the documented messages include crescent/reloaded {uri, ok, ms, message?}', () => {
  assert.deepEqual(documented()['crescent/reloaded'], ['kind notification', 'message?: string', 'ms: number', 'ok: boolean', 'uri: string']);
});
