'use strict';
// The ceiling of any Node client: Node's own HTTP stack with no library around it. A keep-alive
// agent POSTs the same call as the other rows (imopenlines.session.mode.silent, CHAT_ID=2043,
// ACTIVATE=Y, as JSON) and parses the answer; no limits, retries or errors of any kind. What
// b24kit's Node client adds to a call is measured against this, in the same run, as well as
// against the Rust floor.
//
// Usage: node bench/node_http.js <webhook URL> <calls>
// One JSON line per figure (sequential, then 64 in flight), after timing.js's warm-up. For a TLS
// run B24KIT_BENCH_CA names the emulator's certificate to trust.

const http = require('node:http');
const https = require('node:https');
const { readFileSync } = require('node:fs');
const { timeCalls, summary, warmUp } = require('./timing.js');

const BODY = JSON.stringify({ CHAT_ID: 2043, ACTIVATE: 'Y' });

function client(webhookUrl, maxSockets) {
  const url = new URL(`${webhookUrl}imopenlines.session.mode.silent`);
  const tls = url.protocol === 'https:';
  const agent = new (tls ? https : http).Agent({
    keepAlive: true,
    maxSockets,
    ca: tls && process.env.B24KIT_BENCH_CA ? readFileSync(process.env.B24KIT_BENCH_CA) : undefined,
  });
  const options = {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
  };
  const request = tls ? https.request : http.request;
  return () =>
    new Promise((resolve, reject) => {
      const req = request(url, options, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (answer.result === true) resolve(answer);
          else reject(new Error(`unexpected answer: ${JSON.stringify(answer)}`));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(BODY);
    });
}

async function measure(call, total, inFlight) {
  const [latencies, seconds] = await timeCalls(call, total, inFlight);
  return summary('node-http', latencies, seconds, inFlight);
}

(async () => {
  const [url, total] = [process.argv[2], Number(process.argv[3])];
  for (const inFlight of [1, 64]) {
    const call = client(url, inFlight);
    await warmUp(call, inFlight);
    console.log(await measure(call, total, inFlight));
  }
})().catch((error) => {
  console.log(JSON.stringify({ client: 'node-http', error: String(error.message || error) }));
  process.exitCode = 1;
});
