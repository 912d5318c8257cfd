'use strict';
// Limits shared between clients through a real Redis server, from Node: clients made apart (as
// cluster workers make theirs) pace themselves together; an unreachable store throws
// ConfigError or, when chosen, falls back to local limits with an event; no password shows.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');
const { freePort, startRedis } = require('./redis.js');

const SCALED = { burst: 10, drain_per_second: 50 };

let portal;
let redis;
before(async () => {
  portal = await startEmulator();
  redis = await startRedis();
});
after(() => {
  portal.stop();
  redis.stop();
});
beforeEach(() => portal.reset());

test('shared options are checked, and the password never shows', async () => {
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: 6379 }), /shared option must be an object/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: { host: 'x' } }), /unknown shared option "host"/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: { prefix: 'a:' } }), /shared.url is required/);
  assert.throws(() => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: 'http://127.0.0.1:6379' }), b24kit.ConfigError);
  assert.throws(
    () => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: { url: redis.url, ifUnreachable: 'ignore' } }),
    /use_local_limits/,
  );
  assert.throws(
    () => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: { url: 'rediss://cache.example', rootCertificatePem: 'not a certificate' } }),
    (error) => error instanceof b24kit.ConfigError && /certificate/.test(error.message),
  );
  const url = `redis://:hunter2secret@127.0.0.1:${await freePort()}/0`;
  assert.throws(
    () => b24kit.Client.fromWebhook(portal.webhookUrl, { shared: url }),
    (error) => error instanceof b24kit.ConfigError && /did not answer/.test(error.message) && !error.message.includes('hunter2secret'),
  );
  const events = [];
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, {
    shared: { url, ifUnreachable: 'use_local_limits' },
    onEvent: (event) => events.push(event),
  });
  assert.equal((await client.imopenlinesSessionModeSilent({ chatId: 2043 })).result, true);
  const lost = events.filter((event) => event.kind === 'shared_limits_lost');
  assert.equal(lost.length, 1, JSON.stringify(events));
  assert.match(lost[0].store, /^redis:\/\/127\.0\.0\.1:\d+\/0$/);
  assert.ok(!JSON.stringify(lost).includes('hunter2secret'));
});

async function runApart(shared) {
  const clients = Array.from({ length: 4 }, () =>
    b24kit.Client.fromWebhook(portal.webhookUrl, {
      rateLimit: new b24kit.RateLimit(10, 50),
      retry: { maxAttempts: 10, initialBackoffMs: 20, maxBackoffMs: 200 },
      shared,
    }),
  );
  const outcomes = await Promise.allSettled(
    Array.from({ length: 300 }, (_, i) => clients[i % 4].imopenlinesSessionModeSilent({ chatId: 2043, activate: i % 2 === 0 })),
  );
  return outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason);
}

test('clients sharing a store stay under the portal limit together', async () => {
  await portal.control('PUT', 'limits', SCALED);
  await runApart(undefined);
  const refusedApart = (await portal.stats()).rate_limited;
  await portal.reset();
  await portal.control('PUT', 'limits', SCALED);
  const started = performance.now();
  const failures = await runApart({ url: redis.url, prefix: 'node-test:' });
  const elapsed = performance.now() - started;
  const stats = await portal.stats();
  console.log(`4 clients, 300 calls: apart ${refusedApart} refusals; shared ${stats.rate_limited} in ${elapsed.toFixed(0)} ms`);
  assert.deepEqual(failures, []);
  assert.ok(refusedApart > 0, 'four clients pacing themselves apart should overrun the limit');
  assert.equal(stats.rate_limited, 0);
  assert.equal(stats.rest_requests, 300);
});
