'use strict';
// The call from Node against the emulator: both modes and their side effect, the wire form,
// OAuth, the typed result, 500 calls at once, closing, and idle connections the portal closed.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

let portal;
let client;
before(async () => {
  portal = await startEmulator();
});
after(() => portal.stop());
beforeEach(async () => {
  await portal.reset();
  client = b24kit.Client.fromWebhook(portal.webhookUrl, { timeoutMs: 10_000, rateLimit: null, retry: { maxAttempts: 1 } });
});

test('switching on and off changes the chat', async () => {
  const on = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
  assert.equal(on.result, true);
  assert.equal((await portal.chat(2043)).silent, true);
  const off = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: false });
  assert.equal(off.result, true);
  assert.equal((await portal.chat(2043)).silent, false);
});

test('activate defaults to off and is always sent', async () => {
  await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal((await portal.chat(2043)).silent, false);
  assert.deepEqual((await portal.lastCall()).params, { CHAT_ID: 2043, ACTIVATE: 'N' });
});

test('an OAuth client sends its token as auth', async () => {
  const oauth = b24kit.Client.fromOAuth(portal.oauthEndpoint, portal.accessToken, { rateLimit: null, retry: { maxAttempts: 1 } });
  assert.equal((await oauth.imopenlinesSessionModeSilent({ chatId: 2043, activate: true })).result, true);
  assert.equal((await portal.chat(2043)).silent, true);
  assert.equal((await portal.lastCall()).params.auth, '***');
});

test('the result is typed and readable', async () => {
  const answer = await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.ok(answer instanceof b24kit.Response);
  assert.ok(answer.time instanceof b24kit.Time);
  const t = answer.time;
  assert.equal(typeof t.start, 'number');
  assert.ok(t.finish >= t.start && Math.abs(t.duration - (t.finish - t.start)) < 1e-6);
  assert.match(t.dateStart, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.equal(t.operatingResetAt, Math.floor(t.start) + 600);
  assert.equal(t.operating, 0);
  assert.ok(Object.isFrozen(answer) && Object.isFrozen(t));
  assert.match(inspect(answer), /Response \{\s+result: true,\s+time: Time \{/);
});

test('500 concurrent calls through Promise.all all succeed', async () => {
  const answers = await Promise.all(
    Array.from({ length: 500 }, (_, i) => client.imopenlinesSessionModeSilent({ chatId: 2043, activate: i % 2 === 0 })),
  );
  assert.equal(answers.length, 500);
  assert.ok(answers.every((a) => a.result === true));
  assert.equal((await portal.stats()).rest_requests, 500);
});

test('a closed client rejects', async () => {
  const c = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, retry: { maxAttempts: 1 } });
  await c.imopenlinesSessionModeSilent({ chatId: 2043 });
  c.close();
  await assert.rejects(c.imopenlinesSessionModeSilent({ chatId: 2043 }), /closed/);
  assert.match(String(c), /closed/);
});

test('idle connections closed by the portal are replaced', async () => {
  const idle = await startEmulator(['--idle-timeout-ms', '150']);
  try {
    const c = b24kit.Client.fromWebhook(idle.webhookUrl, { timeoutMs: 5000, rateLimit: null, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 3; i++) {
      assert.equal((await c.imopenlinesSessionModeSilent({ chatId: 2043 })).result, true);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  } finally {
    idle.stop();
  }
});

test('an idle client does not keep the process alive', async () => {
  const { spawnSync } = require('node:child_process');
  const script = `
    const { Client } = require('b24kit');
    const c = Client.fromWebhook(${JSON.stringify(portal.webhookUrl)});
    c.imopenlinesSessionModeSilent({ chatId: 2043 }).then((r) => console.log('done', r.result));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000, cwd: __dirname });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'done true');
});

test('loading the addon never asks for a diagnostic report where ldd names the C library', () => {
  const { spawnSync } = require('node:child_process');
  // process.report.getReport() has frozen require for minutes on some hosts (its network section).
  const script = `
    process.report.getReport = () => { throw new Error('getReport was called'); };
    const { Client } = require('b24kit');
    console.log(typeof Client);`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000, cwd: __dirname });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'function');
});

test('the installed package carries both licence texts', () => {
  const { readFileSync } = require('node:fs');
  const { dirname, join } = require('node:path');
  const root = dirname(require.resolve('b24kit/package.json'));
  assert.match(readFileSync(join(root, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(root, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
});

test('ES modules get the same objects by import', async () => {
  const esm = await import('b24kit');
  assert.equal(esm.Client, b24kit.Client);
  assert.equal(esm.default.Client, b24kit.Client);
  assert.equal(esm.ChatTypeError, b24kit.ChatTypeError);
  const c = esm.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, retry: { maxAttempts: 1 } });
  assert.equal((await c.imopenlinesSessionModeSilent({ chatId: 2043 })).result, true);
});
