'use strict';
// No webhook key or token in any error message, stack, util.inspect output or string form, for
// every kind of error — even when the server echoes the secret back.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

const KEY = 'topsecretwebhookkey42';
const TOKEN = 'topsecret-access-token-77';

let portal;
before(async () => {
  portal = await startEmulator();
  const state = await portal.control('GET', 'state');
  state.webhooks.push({ user_id: 1, key: KEY, scopes: ['imopenlines'] });
  state.tokens.push({ access_token: TOKEN, user_id: 1, scopes: ['imopenlines'] });
  await portal.control('PUT', 'state', state);
});
after(() => portal.stop());

function assertClean(text, where) {
  assert.ok(!text.includes(KEY) && !text.includes(TOKEN), `secret leaked in ${where}: ${text}`);
}

const faults = (secret) => [
  null,
  { kind: 'error', status: 401, code: 'INVALID_CREDENTIALS', description: `bad ${secret}` },
  { kind: 'error', status: 400, code: 'NEW_CODE', description: `bad ${secret}` },
  { kind: 'raw', status: 502, body: `<html>${secret}</html>` },
  { kind: 'raw', status: 200, body: `not json ${secret}` },
  { kind: 'drop' },
  { kind: 'delay', ms: 2000 },
];

test('no secret in errors, stacks, inspect or strings', async () => {
  const webhook = b24kit.Client.fromWebhook(portal.webhookFor(1, KEY), { timeoutMs: 500 });
  const oauth = b24kit.Client.fromOAuth(portal.oauthEndpoint, TOKEN, { timeoutMs: 500 });
  assertClean(inspect(webhook, { showHidden: true, depth: 5 }) + inspect(oauth, { showHidden: true, depth: 5 }) + String(webhook), 'client');
  const seen = new Set();
  for (const [client, secret] of [[webhook, KEY], [oauth, TOKEN]]) {
    for (const fault of faults(secret)) {
      await portal.control('POST', 'reset');
      const state = await portal.control('GET', 'state');
      state.webhooks.push({ user_id: 1, key: KEY, scopes: ['imopenlines'] });
      state.tokens.push({ access_token: TOKEN, user_id: 1, scopes: ['imopenlines'] });
      await portal.control('PUT', 'state', state);
      if (fault) await portal.fault(fault);
      const e = await client.imopenlinesSessionModeSilent({ chatId: 2044, activate: true }).then(
        () => assert.fail('should fail'),
        (error) => error,
      );
      seen.add(Object.getPrototypeOf(Object.getPrototypeOf(e)).constructor.name);
      assertClean(e.message, 'message');
      assertClean(String(e.stack), 'stack');
      assertClean(inspect(e, { showHidden: true, depth: 5 }), 'inspect');
      assertClean(JSON.stringify(e), 'JSON');
    }
  }
  for (const url of [`http://portal.example.com/rest/1/${KEY}/`, `https://p.example.com/rest/x/${KEY}/m.json`]) {
    assert.throws(() => b24kit.Client.fromWebhook(url), (e) => {
      assertClean(e.message + inspect(e), 'config error');
      return e instanceof b24kit.ConfigError;
    });
  }
  for (const group of ['MethodError', 'AuthError', 'B24kitError', 'TransportError']) assert.ok(seen.has(group), `${group} in ${[...seen]}`);
});
