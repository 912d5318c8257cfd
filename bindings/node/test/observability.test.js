'use strict';
// What a client tells about itself from Node: every event to `onEvent` on the JavaScript
// thread, in order with the call's promise, and counters in `client.stats`.

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

test('a retried call tells each attempt and why it retried, before it settles', async () => {
  const events = [];
  let settled = false;
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, {
    rateLimit: null,
    retry: { initialBackoffMs: 20, maxBackoffMs: 20 },
    onEvent: (event) => {
      assert.equal(settled, false, 'told before the promise settles');
      events.push(event);
    },
  });
  await portal.fault({ kind: 'error', status: 503, code: 'QUERY_LIMIT_EXCEEDED', description: 'Too many requests', count: 1 });
  const answer = await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  settled = true;
  assert.equal(answer.result, true);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['request_sent', 'answered', 'retry_scheduled', 'request_sent', 'answered'],
  );
  const retry = events[2];
  assert.equal(retry.method, 'imopenlines.session.mode.silent');
  assert.equal(retry.reason, 'QUERY_LIMIT_EXCEEDED');
  assert.equal(retry.attempt, 1);
  assert.ok(retry.waitMs > 0 && retry.waitMs <= 20, String(retry.waitMs));
  assert.match(retry.message, /retrying in/);
  assert.equal(events[1].status, 503);
  assert.ok(Object.isFrozen(retry));
  const stats = client.stats;
  assert.deepEqual([stats.requests, stats.answers, stats.retries], [2, 2, 1]);
  assert.equal(client.withRetry({ maxAttempts: 1 }).stats.requests, 2, 'clones share the counters');
  client.close();
  assert.equal(client.stats.requests, 0);
});

test('a listener that throws is a warning, and the call goes on', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, {
    rateLimit: null,
    onEvent: () => {
      throw new Error('listener bug');
    },
  });
  const answer = await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal(answer.result, true);
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  assert.ok(warnings.some((w) => /onEvent threw: listener bug/.test(w.message)), warnings.map(String).join());
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { onEvent: 'log' }), TypeError);
  client.close();
});

test('waits, pages and batch splits are told and counted', async () => {
  const kinds = [];
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, {
    rateLimit: new b24kit.RateLimit(2, 10),
    onEvent: (event) => kinds.push(event.kind),
  });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.ok(kinds.includes('waiting_for_bucket'), kinds.join());
  assert.equal(client.stats.bucketWaits, 1);
  let items = 0;
  for await (const _ of client.list('crm.contact.list', { select: ['ID'] })) {
    items += 1;
    if (items === 120) break;
  }
  // Pages a counted walk fetched ahead (in the same batch request) are handed over at once.
  assert.ok(client.stats.pages >= 3, String(client.stats.pages));
  assert.ok(kinds.includes('page'));
  const outcomes = await client.imopenlinesSessionModeSilentBatch(Array.from({ length: 60 }, () => ({ chatId: 2043 })));
  assert.equal(outcomes.length, 60);
  assert.ok(kinds.includes('batch_split'), kinds.join());
  client.close();
});
