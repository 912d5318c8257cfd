'use strict';
// Node figures for the benchmark table: sequential awaited calls, calls with 64 in flight, the
// time `require('b24kit')` takes and the process's peak RSS. Prints one JSON line per figure. For
// a TLS run, B24KIT_BENCH_CA names the emulator's certificate to trust.

const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { now, timeCalls, summary, warmUp } = require('./timing.js');

const packageDir = process.env.B24KIT_NODE_PACKAGE || path.resolve(__dirname, '../bindings/node');

/**
 * Each kind of call (name → call), sequentially, in alternating blocks of 100 calls so that none
 * gains from going later.
 */
async function sequentialCalls(kinds, total) {
  const latencies = Object.fromEntries(Object.keys(kinds).map((name) => [name, []]));
  const elapsed = Object.fromEntries(Object.keys(kinds).map((name) => [name, 0]));
  for (let block = 0; block < Math.max(1, total / 100); block++) {
    for (const [name, call] of Object.entries(kinds)) {
      const started = now();
      for (let i = 0; i < 100; i++) {
        const t = now();
        await call();
        latencies[name].push(now() - t);
      }
      elapsed[name] += now() - started;
    }
  }
  return Object.keys(kinds).map((name) => summary(name, latencies[name], elapsed[name], 1));
}

function requireTime() {
  const code = `const t = process.hrtime.bigint(); require(${JSON.stringify(packageDir)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`;
  const runs = Array.from({ length: 7 }, () => Number(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })));
  runs.sort((a, b) => a - b);
  return JSON.stringify({ client: 'node-require', median_ms: runs[3], min_ms: runs[0] });
}

(async () => {
  const [url, total] = [process.argv[2], Number(process.argv[3])];
  const { Client } = require(packageDir);
  // The emulator runs without limits: so does the client's pacing. TLS runs trust its certificate.
  const options = { rateLimit: null };
  if (process.env.B24KIT_BENCH_CA) options.rootCertificatePem = readFileSync(process.env.B24KIT_BENCH_CA, 'utf8');
  const client = Client.fromWebhook(url, options);
  const call = () => client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
  const callByName = () => client.call('imopenlines.session.mode.silent', { CHAT_ID: 2043, ACTIVATE: 'Y' });
  await warmUp(call, 1);
  console.log(requireTime());
  await warmUp(callByName, 1);
  for (const line of await sequentialCalls({ node: call, 'node-generic': callByName }, total)) console.log(line);
  await warmUp(call, 64);
  const [par, parTime] = await timeCalls(call, total, 64);
  console.log(summary('node', par, parTime, 64));
  console.log(JSON.stringify({ client: 'node-rss', peak_rss_kb: process.resourceUsage().maxRSS }));
})();
