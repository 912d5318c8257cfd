'use strict';
// The time model and cancellation from Node: `timeoutMs` bounds each attempt, `deadlineMs` the
// whole call (waits for the rate limiter included), per client and per call; an `AbortSignal`
// rejects a call at once with `AbortError`, drops its request and gives its limiter slot back.
// Waits are a second or more so the bounds hold with both cores busy.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

let portal;
before(async () => {
  portal = await startEmulator();
});
after(() => portal.stop());
beforeEach(() => portal.reset());

/** One request at once, then one a second: a second call waits about a second. */
function onePerSecond() {
  return b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: new b24kit.RateLimit(2, 1), retry: { maxAttempts: 1 } });
}

test('a call that would wait past its deadline rejects at once and gives its slot back', async () => {
  const client = onePerSecond();
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  const started = performance.now();
  const error = await client.imopenlinesSessionModeSilent({ chatId: 2043 }, { deadlineMs: 300 }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(error instanceof b24kit.RequestTimeoutError, String(error));
  assert.equal(error.mayHaveReachedServer, false);
  assert.match(error.message, /rate limiter/);
  assert.ok(performance.now() - started < 900, 'refused without waiting');
  assert.equal((await portal.stats()).rest_requests, 1);
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.ok(performance.now() - started < 1700, "the refused call's slot was reused");
  client.close();
});

test('a per-call timeout bounds one attempt; bad bounds are refused', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { timeoutMs: 30_000, rateLimit: null, retry: { maxAttempts: 1 } });
  await portal.fault({ kind: 'delay', ms: 5000 });
  const started = performance.now();
  await assert.rejects(
    client.call('imopenlines.session.mode.silent', { CHAT_ID: 2043, ACTIVATE: 'Y' }, { timeoutMs: 300 }),
    (e) => e instanceof b24kit.RequestTimeoutError && e.mayHaveReachedServer === true,
  );
  assert.ok(performance.now() - started < 3000);
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { deadlineMs: 0 }), b24kit.ConfigError);
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { timeoutMs: -1 }), b24kit.ConfigError);
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { deadlineMs: '5' }), TypeError);
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { signal: {} }), TypeError);
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { dedline: 5 }), /unknown call option "dedline"/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { deadlineMs: 0 }), b24kit.ConfigError);
  client.close();
});

test('an aborted call rejects at once, sends nothing and gives its slot back', async () => {
  const client = onePerSecond();
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  const started = performance.now();
  const controller = new AbortController();
  const waiting = client.imopenlinesSessionModeSilent({ chatId: 2043 }, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const reason = new Error('user left');
  const abortedAt = performance.now();
  controller.abort(reason);
  const error = await waiting.then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  const latency = performance.now() - abortedAt;
  console.log(`Node abort: rejected ${latency.toFixed(2)} ms after abort()`);
  assert.ok(error instanceof b24kit.AbortError, String(error));
  assert.equal(error.name, 'AbortError');
  assert.equal(error.code, 'ABORT_ERR');
  assert.equal(error.cause, reason);
  assert.ok(latency < 100, `${latency} ms`);
  // The promise rejects once the call has been dropped: the next call, started at once, takes the
  // slot the aborted one gave back (behind it, it would wait another second).
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.ok(performance.now() - started < 1700, "the aborted call's slot was reused");
  assert.equal((await portal.stats()).rest_requests, 2, 'the aborted call sent nothing');

  // Already aborted: rejected before anything starts.
  await assert.rejects(client.call('imopenlines.session.mode.silent', { CHAT_ID: 2043 }, { signal: AbortSignal.abort() }), b24kit.AbortError);
  assert.equal((await portal.stats()).rest_requests, 2);
  client.close();
});

test('an abort drops the request in flight; the client goes on', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, retry: { maxAttempts: 1 } });
  await portal.fault({ kind: 'delay', ms: 5000 });
  const started = performance.now();
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }, { signal: AbortSignal.timeout(300) }), (e) => {
    return e instanceof b24kit.AbortError && e.cause && e.cause.name === 'TimeoutError';
  });
  assert.ok(performance.now() - started < 3000);
  const answer = await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal(answer.result, true);
  client.close();
});

test('batches and list walks take the same options', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, retry: { maxAttempts: 1 } });
  await assert.rejects(
    client.batch({ a: ['imopenlines.session.mode.silent', { CHAT_ID: 2043 }] }, { signal: AbortSignal.abort() }),
    b24kit.AbortError,
  );
  await assert.rejects(client.imopenlinesSessionModeSilentBatch([{ chatId: 2043 }], { signal: AbortSignal.abort(), halt: true }), b24kit.AbortError);
  const outcomes = await client.imopenlinesSessionModeSilentBatch([{ chatId: 2043 }], { deadlineMs: 10_000 });
  assert.equal(outcomes[0].result, true);

  const controller = new AbortController();
  const walk = client.list('crm.contact.list', {}, { signal: controller.signal, deadlineMs: 10_000 });
  const first = await walk.next();
  assert.equal(first.done, false);
  controller.abort();
  await assert.rejects(walk.next(), b24kit.AbortError);
  client.close();
});
