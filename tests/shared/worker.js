'use strict';
// One Node worker of a fleet: makes its calls once told to start, then reports.
// Usage: node worker.js WEBHOOK_URL CALLS SHARED_URL|-  (prints "ready", waits for a line on
// stdin, prints one JSON line: calls made, calls failed). Run from a project with b24kit installed.

const readline = require('node:readline');
const b24kit = require('b24kit');

const [webhook, callsText, shared] = process.argv.slice(2);
const calls = Number(callsText);
const client = b24kit.Client.fromWebhook(webhook, {
  rateLimit: new b24kit.RateLimit(10, 50),
  retry: { maxAttempts: 10, initialBackoffMs: 20, maxBackoffMs: 200 },
  shared: shared === '-' ? undefined : { url: shared, prefix: 'fleet:' },
});
console.log('ready');
readline.createInterface({ input: process.stdin }).once('line', async () => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: calls }, (_, i) => client.imopenlinesSessionModeSilent({ chatId: 2043, activate: i % 2 === 0 })),
  );
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
  console.log(JSON.stringify({ calls, failed }));
  process.exit(0);
});
