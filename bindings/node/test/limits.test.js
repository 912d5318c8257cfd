'use strict';
// Staying inside the portal's limits from Node: pacing by the client-side leaky bucket, retries,
// the OAuth token renewed once for many concurrent calls, and batch — against the emulator with
// its limits scaled down.

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

const NO_PACING = { rateLimit: null };
const QUICK_RETRY = { maxAttempts: 5, initialBackoffMs: 5, maxBackoffMs: 20 };

test('presets and custom limits', () => {
  assert.deepEqual([b24kit.RateLimit.STANDARD.burst, b24kit.RateLimit.STANDARD.drainPerSecond], [50, 2]);
  assert.deepEqual([b24kit.RateLimit.ENTERPRISE.burst, b24kit.RateLimit.ENTERPRISE.drainPerSecond], [250, 5]);
  assert.equal(new b24kit.RateLimit(10, 50).minimumDurationMs(300), (295 / 50) * 1000);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: new b24kit.RateLimit(0, 2) }), b24kit.ConfigError);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: { burst: 5 } }), TypeError);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { retry: { maxAttempts: 0 } }), b24kit.ConfigError);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { retry: { attempts: 2 } }), /unknown retry option "attempts"/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { refresh: {} }), /unknown option "refresh"/);
  // Ranges and defaults are the core's, with the core's messages.
  for (const maxAttempts of [1.5, -1, 2 ** 40]) {
    assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { retry: { maxAttempts } }), /max attempts must be a whole number/);
  }
  assert.throws(() => new b24kit.RateLimit(10, 0), b24kit.ConfigError);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { operatingBudget: { limitMs: 10_000, headroomMs: 10_000 } }), /headroom/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { operatingBudget: { headroom: 5 } }), /unknown operatingBudget option "headroom"/);
});

test('the execution-time budget is settable', async () => {
  // The portal allows 0.5 s of execution per 2 s window, each call costing 0.1 s.
  await portal.control('PUT', 'operating', { limit_seconds: 0.5, window_seconds: 2, cost_seconds: 0.1 });
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { ...NO_PACING, operatingBudget: { limitMs: 500, headroomMs: 100 } });
  const started = performance.now();
  for (let i = 0; i < 8; i += 1) await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal((await portal.stats()).operation_time_limited, 0, 'the client waited before the limit');
  assert.ok(performance.now() - started >= 500, 'it had to wait for a release');
  const blind = b24kit.Client.fromWebhook(portal.webhookUrl, { ...NO_PACING, operatingBudget: null, retry: { maxAttempts: 1 } });
  await assert.rejects(async () => {
    for (let i = 0; i < 10; i += 1) await blind.imopenlinesSessionModeSilent({ chatId: 2043 });
  }, b24kit.OperationTimeLimitError);
  client.close();
  blind.close();
});

test('300 calls meet no limit error and take the bucket minimum', async () => {
  await portal.control('PUT', 'limits', { burst: 10, drain_per_second: 50 });
  const limit = new b24kit.RateLimit(10, 50);
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: limit, retry: { maxAttempts: 1 } });
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: 300 }, () => client.imopenlinesSessionModeSilent({ chatId: 2043 })));
  const elapsed = performance.now() - started;
  const minimum = limit.minimumDurationMs(300);
  console.log(`Node: 300 calls in ${elapsed.toFixed(0)} ms, bucket minimum ${minimum.toFixed(0)} ms (${(300000 / elapsed).toFixed(1)} calls/s of a theoretical ${(300000 / minimum).toFixed(1)})`);
  assert.ok(answers.every((a) => a.result === true));
  const stats = await portal.stats();
  assert.equal(stats.rate_limited, 0);
  assert.equal(stats.rest_requests, 300);
  assert.ok(elapsed >= minimum - 1 && elapsed <= minimum * 1.1, `${elapsed} ms against ${minimum} ms`);
});

test('retryable faults are retried; other errors are not', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { ...NO_PACING, retry: QUICK_RETRY });
  const faults = [
    { kind: 'error', status: 503, code: 'QUERY_LIMIT_EXCEEDED', description: 'Too many requests' },
    { kind: 'error', status: 500, code: 'INTERNAL_SERVER_ERROR', description: 'Internal server error' },
    { kind: 'drop' },
  ];
  for (const fault of faults) {
    await portal.reset();
    await portal.fault({ ...fault, count: 2 });
    const answer = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
    assert.equal(answer.result, true);
    assert.equal((await portal.stats()).rest_requests, 3, fault.kind);
  }
  await portal.reset();
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2044 }), b24kit.ChatTypeError);
  assert.equal((await portal.stats()).rest_requests, 1);
  await portal.reset();
  await portal.fault({ kind: 'empty', status: 500, count: 1 });
  await assert.rejects(client.withRetry({ maxAttempts: 1 }).imopenlinesSessionModeSilent({ chatId: 2043 }), b24kit.HttpError);
  assert.equal((await portal.stats()).rest_requests, 1);
});

test('the deadline bounds the retries', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, {
    ...NO_PACING,
    retry: { maxAttempts: 100, initialBackoffMs: 50, maxBackoffMs: 50 },
    deadlineMs: 1000,
  });
  await portal.fault({ kind: 'empty', status: 503, count: 1000 });
  const started = performance.now();
  // Wherever the deadline falls (between attempts or during one), the call fails with what the
  // portal said, not with a timeout of its own making.
  await assert.rejects(client.imopenlinesSessionModeSilent({ chatId: 2043 }), b24kit.HttpError);
  // 100 attempts 25–50 ms apart would take 2.5 s at least.
  assert.ok(performance.now() - started < 2400);
  const { rest_requests: requests } = await portal.stats();
  assert.ok(requests >= 2 && requests <= 45, `${requests} attempts`);
});

test('an expired token is renewed once for 50 concurrent calls', async () => {
  const renewed = [];
  const client = b24kit.Client.fromOAuth(portal.oauthEndpoint, portal.accessToken, {
    ...NO_PACING,
    refresh: {
      clientId: portal.clientId,
      clientSecret: portal.clientSecret,
      refreshToken: portal.refreshToken,
      oauthServer: portal.oauthServer,
      onTokensRefreshed: (tokens) => renewed.push(tokens),
    },
  });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  await portal.control('POST', 'tokens/expire');
  const answers = await Promise.all(Array.from({ length: 50 }, () => client.imopenlinesSessionModeSilent({ chatId: 2043 })));
  assert.ok(answers.every((a) => a.result === true));
  assert.equal((await portal.stats()).token_refreshes, 1);
  assert.equal(renewed.length, 1);
  assert.ok(renewed[0] instanceof b24kit.Tokens);
  assert.notEqual(renewed[0].accessToken, portal.accessToken);
  assert.notEqual(renewed[0].refreshToken, portal.refreshToken);
  assert.equal(renewed[0].expiresIn, 3600);
});

async function manyChats() {
  const state = await portal.control('GET', 'state');
  const template = state.chats.find((c) => c.id === 2043);
  for (let id = 5000; id < 5120; id++) state.chats.push({ ...template, id, entity_type: id % 10 === 7 ? 'CHAT' : 'LINES' });
  await portal.control('PUT', 'state', state);
}

test('a batch of 120 takes three requests, in order, with typed errors', async () => {
  await manyChats();
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, NO_PACING);
  const ids = Array.from({ length: 120 }, (_, i) => 5000 + i);
  const outcomes = await client.imopenlinesSessionModeSilentBatch(ids.map((chatId) => ({ chatId, activate: true })));
  assert.equal(outcomes.length, 120);
  assert.equal((await portal.stats()).rest_requests, 3);
  for (const [i, id] of ids.entries()) {
    if (id % 10 === 7) {
      assert.ok(outcomes[i] instanceof b24kit.ChatTypeError, `${id}: ${outcomes[i]}`);
    } else {
      assert.ok(outcomes[i] instanceof b24kit.Response && outcomes[i].result === true, `${id}`);
      assert.equal((await portal.chat(id)).silent, true);
    }
  }
});

test('batch halt, bad input and wrong types', async () => {
  await manyChats();
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, NO_PACING);
  const halted = await client.imopenlinesSessionModeSilentBatch(
    [5005, 5006, 5007, 5008, 5009].map((chatId) => ({ chatId, activate: true })),
    { halt: true },
  );
  assert.deepEqual(halted.map((o) => o.constructor.name), ['Response', 'Response', 'ChatTypeError', 'SkippedError', 'SkippedError']);
  const mixed = await client.imopenlinesSessionModeSilentBatch([{ chatId: 0 }, { chatId: 2043 }]);
  assert.ok(mixed[0] instanceof b24kit.InvalidArgumentError && mixed[0].parameter === 'chatId');
  assert.ok(mixed[1] instanceof b24kit.Response);
  await assert.rejects(client.imopenlinesSessionModeSilentBatch({ chatId: 1 }), TypeError);
  await assert.rejects(client.imopenlinesSessionModeSilentBatch([{ chat: 1 }]), /calls\[0\] has no parameter "chat"/);
  await assert.rejects(client.imopenlinesSessionModeSilentBatch([{ chatId: '1' }]), TypeError);
  await assert.rejects(client.imopenlinesSessionModeSilentBatch([], { halt: 1 }), TypeError);
});
