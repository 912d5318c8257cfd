'use strict';
// No webhook key, access token, refresh token or client secret in any error message, stack,
// util.inspect output or string form, for every kind of error — even when the server echoes the
// secret back.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

const KEY = 'topsecretwebhookkey42';
const TOKEN = 'topsecret-access-token-77';
const REFRESH = 'topsecret-refresh-token-31';
const CLIENT_SECRET = 'topsecret-client-secret-19';
const CLIENT_ID = 'local.secrets.app';
const SECRETS = [KEY, TOKEN, REFRESH, CLIENT_SECRET];

/** The test state: the default portal plus a webhook and a renewable token with their secrets. */
async function loadState() {
  const state = await portal.control('GET', 'state');
  state.webhooks.push({ user_id: 1, key: KEY, scopes: ['imopenlines'] });
  state.tokens.push({ access_token: TOKEN, user_id: 1, scopes: ['imopenlines'], refresh_token: REFRESH, client_id: CLIENT_ID });
  state.apps.push({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  await portal.control('PUT', 'state', state);
}

let portal;
before(async () => {
  portal = await startEmulator();
  await loadState();
});
after(() => portal.stop());

function assertClean(text, where) {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret leaked in ${where}: ${text}`);
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
  const webhook = b24kit.Client.fromWebhook(portal.webhookFor(1, KEY), { timeoutMs: 500, rateLimit: null, retry: { maxAttempts: 1 } });
  const renewed = [];
  const refresh = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH, oauthServer: portal.oauthServer, onTokensRefreshed: (t) => renewed.push(t) };
  const oauth = b24kit.Client.fromOAuth(portal.oauthEndpoint, TOKEN, { timeoutMs: 500, rateLimit: null, retry: { maxAttempts: 1 }, refresh });
  assertClean(inspect(webhook, { showHidden: true, depth: 5 }) + inspect(oauth, { showHidden: true, depth: 5 }) + String(webhook), 'client');
  const seen = new Set();
  for (const [client, secret] of [[webhook, KEY], [oauth, `${TOKEN} ${REFRESH} ${CLIENT_SECRET}`]]) {
    for (const fault of faults(secret)) {
      await portal.control('POST', 'reset');
      await loadState();
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
  // The token expires: one renewal, whose pair the callback gets and inspect hides.
  await portal.control('POST', 'reset');
  await loadState();
  await portal.control('POST', 'tokens/expire');
  await oauth.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal(renewed.length, 1);
  assertClean(inspect(renewed[0]) + String(renewed[0]), 'Tokens');
  // Then the OAuth server refuses a renewal (the app's secret was rotated).
  const state = await portal.control('GET', 'state');
  for (const app of state.apps) app.client_secret = 'rotated';
  for (const token of state.tokens) token.expired = true;
  await portal.control('PUT', 'state', state);
  const refused = await oauth.imopenlinesSessionModeSilent({ chatId: 2043 }).then(() => assert.fail('should fail'), (e) => e);
  assert.ok(refused instanceof b24kit.TokenRefreshError, String(refused));
  assert.equal(refused.code, 'invalid_client');
  assertClean(refused.message + String(refused.stack) + inspect(refused, { showHidden: true, depth: 5 }) + JSON.stringify(refused), 'refresh error');
  for (const url of [`http://portal.example.com/rest/1/${KEY}/`, `https://p.example.com/rest/x/${KEY}/m.json`]) {
    assert.throws(() => b24kit.Client.fromWebhook(url), (e) => {
      assertClean(e.message + inspect(e), 'config error');
      return e instanceof b24kit.ConfigError;
    });
  }
  for (const group of ['MethodError', 'AuthError', 'B24kitError', 'TransportError']) assert.ok(seen.has(group), `${group} in ${[...seen]}`);
});
