//! Settings parsing: defaults, good values, and bad values that fall back with a warning.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, serverEnvironment } from '../../src/config';

const settings = (values: Record<string, unknown>) => (key: string) => values[key];

test('defaults when nothing is set', () => {
  const { config, warnings } = parseConfig(settings({}));
  assert.deepEqual(config, { serverPath: undefined, extraEnv: {}, trace: 'off', cliPath: 'crescent' });
  assert.deepEqual(warnings, []);
});

test('the defaults package.json declares parse without warnings', () => {
  const { config, warnings } = parseConfig(
    settings({ 'crescent.server.path': null, 'crescent.server.extraEnv': null, 'crescent.trace.server': 'off', 'crescent.cli.path': 'crescent' }),
  );
  assert.deepEqual(warnings, []);
  assert.equal(config.serverPath, undefined);
});

test('good values are read as given', () => {
  const { config, warnings } = parseConfig(
    settings({
      'crescent.server.path': '  /opt/crescent/crescent-lsp ',
      'crescent.server.extraEnv': { RUST_LOG: 'debug', PORT: 8080, VERBOSE: true },
      'crescent.trace.server': 'verbose',
      'crescent.cli.path': '/opt/crescent/crescent',
    }),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(config, {
    serverPath: '/opt/crescent/crescent-lsp',
    extraEnv: { RUST_LOG: 'debug', PORT: '8080', VERBOSE: 'true' },
    trace: 'verbose',
    cliPath: '/opt/crescent/crescent',
  });
});

test('a blank server path means unset', () => {
  assert.equal(parseConfig(settings({ 'crescent.server.path': '   ' })).config.serverPath, undefined);
});

test('bad values fall back to the defaults, each with a warning naming the setting', () => {
  const { config, warnings } = parseConfig(
    settings({
      'crescent.server.path': 42,
      'crescent.server.extraEnv': ['RUST_LOG=debug'],
      'crescent.trace.server': 'loud',
      'crescent.cli.path': { path: 'x' },
    }),
  );
  assert.deepEqual(config, { serverPath: undefined, extraEnv: {}, trace: 'off', cliPath: 'crescent' });
  assert.equal(warnings.length, 4);
  for (const [i, name] of ['crescent.server.path', 'crescent.server.extraEnv', 'crescent.trace.server', 'crescent.cli.path'].entries()) {
    assert.ok(warnings[i].includes(name), `${warnings[i]} should name ${name}`);
  }
});

test('extraEnv keeps the good entries and drops the bad ones', () => {
  const { config, warnings } = parseConfig(
    settings({ 'crescent.server.extraEnv': { GOOD: 'yes', NESTED: { a: 1 }, 'A=B': 'x', '': 'y', NULL: null } }),
  );
  assert.deepEqual(config.extraEnv, { GOOD: 'yes' });
  assert.equal(warnings.length, 4);
});

test('the server environment is the editor environment plus the extra variables, which win', () => {
  const env = serverEnvironment({ PATH: '/bin', RUST_LOG: 'info' }, { RUST_LOG: 'debug', EXTRA: '1' });
  assert.deepEqual(env, { PATH: '/bin', RUST_LOG: 'debug', EXTRA: '1' });
});
