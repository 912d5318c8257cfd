'use strict';
// A panic inside the Rust core (forced by a test-only hook) rejects with the base error,
// `B24kitError`, and the process, the runtime and the client keep working afterwards.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

let portal;
before(async () => {
  portal = await startEmulator();
});
after(() => portal.stop());

function assertInternal(error) {
  assert.equal(error.constructor, b24kit.B24kitError);
  assert.ok(error instanceof Error);
  assert.match(error.message, /internal error in b24kit \(forced by the test hook\)/);
}

test('a panic is a B24kitError and the client keeps working', async () => {
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { timeoutMs: 10_000, rateLimit: null, retry: { maxAttempts: 1 } });
  for (let i = 0; i < 3; i++) {
    await assert.rejects(client._native._panicForTests(), (error) => {
      assertInternal(error);
      return true;
    });
    const { result } = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
    assert.equal(result, true);
  }
  // Panicking calls in flight beside successful ones do not disturb them.
  const outcomes = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      i % 2 ? client._native._panicForTests() : client.imopenlinesSessionModeSilent({ chatId: 2043, activate: false }),
    ),
  );
  outcomes.forEach((outcome, i) => {
    if (i % 2) {
      assert.equal(outcome.status, 'rejected');
      assertInternal(outcome.reason);
    } else {
      assert.equal(outcome.status, 'fulfilled');
      assert.equal(outcome.value.result, true);
    }
  });
});
