'use strict';
// List walks for the benchmark: every item of crm.contact.list (10,000 in the emulator), walked
// `rounds` times after one untimed walk of each kind, one JSON line per walk with the items, the
// HTTP requests the emulator counted and the items per second.
//
// Usage: node node_walk.js <b24kit|b24jssdk> <webhook URL> <rounds>
// b24kit walks by ID and through counted pages; @bitrix24/b24jssdk (from B24KIT_PEERS_DIR, as in
// node_peers.js) with its list helper actions.v2.callList, which walks by ID. The SDK refuses
// http:// webhooks, so this runs against the TLS emulator (NODE_EXTRA_CA_CERTS for the SDK,
// B24KIT_BENCH_CA for b24kit).

const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const METHOD = 'crm.contact.list';
const packageDir = process.env.B24KIT_NODE_PACKAGE || path.resolve(__dirname, '../bindings/node');
const peersDir = process.env.B24KIT_PEERS_DIR || path.resolve(__dirname, '../target/bench-peers-node');

async function requestsSoFar(webhook) {
  const base = webhook.slice(0, webhook.indexOf('/rest/') + 1);
  // The control API is on the same emulator; the TLS one trusts its own certificate via NODE_EXTRA_CA_CERTS.
  const answer = await fetch(`${base}_emulator/stats`);
  return (await answer.json()).rest_requests;
}

async function timed(client, webhook, walk) {
  const before = await requestsSoFar(webhook);
  const started = process.hrtime.bigint();
  const items = await walk();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const requests = (await requestsSoFar(webhook)) - before;
  return JSON.stringify({ client, items, requests, seconds, items_per_second: items / seconds });
}

async function b24kitWalks(webhook, rounds) {
  const { Client } = require(packageDir);
  const options = { rateLimit: null };
  if (process.env.B24KIT_BENCH_CA) options.rootCertificatePem = readFileSync(process.env.B24KIT_BENCH_CA, 'utf8');
  const client = Client.fromWebhook(webhook, options);
  const count = async (walk) => {
    let items = 0;
    for await (const _ of walk) items += 1;
    return items;
  };
  const byId = () => count(client.list(METHOD, {}, { byId: true }));
  const counted = () => count(client.list(METHOD));
  // One walk of each kind first, untimed, as every client here does: the connection is open and
  // the code warm, as in an app that walks lists all day.
  await byId();
  await counted();
  for (let i = 0; i < rounds; i++) {
    console.log(await timed('walk-node-by-id', webhook, byId));
    console.log(await timed('walk-node-counted', webhook, counted));
  }
}

// The SDK's client-side limits lifted as in node_peers.js: the emulator runs without limits.
const B24JSSDK_UNLIMITED = require('./b24jssdk_unlimited.js');

async function b24jssdkWalks(webhook, rounds) {
  const sdk = createRequire(path.join(peersDir, 'package.json'))('@bitrix24/b24jssdk');
  const hook = sdk.B24Hook.fromWebhookUrl(webhook, { restrictionParams: B24JSSDK_UNLIMITED });
  const walk = async () => {
    const response = await hook.actions.v2.callList.make({ method: METHOD, params: {}, idKey: 'ID' });
    if (!response.isSuccess) throw new Error(response.getErrorMessages().join('; '));
    return response.getData().length;
  };
  await walk(); // untimed, as b24kit's first walks
  for (let i = 0; i < rounds; i++) console.log(await timed('walk-b24jssdk', webhook, walk));
}

(async () => {
  const [which, webhook, rounds] = [process.argv[2], process.argv[3], Number(process.argv[4])];
  try {
    if (which === 'b24kit') await b24kitWalks(webhook, rounds);
    else await b24jssdkWalks(webhook, rounds);
  } catch (error) {
    console.log(JSON.stringify({ client: `walk-${which}`, error: String(error && error.message) }));
  }
})();
