'use strict';
// Node peer figures for the benchmark table: two third-party Bitrix24 clients from npm,
// @bitrix24/b24jssdk (the official JS SDK) and @2bad/bitrix, calling
// imopenlines.session.mode.silent(CHAT_ID=2043, ACTIVATE="Y") against the local emulator.
//
// Usage: node bench/node_peers.js <webhook URL> <calls>
//
// The peers live in their own npm project, B24KIT_PEERS_DIR (default target/bench-peers-node),
// made with `npm init -y && npm install @bitrix24/b24jssdk @2bad/bitrix`, so that the repository
// itself depends on neither. For a TLS run B24KIT_BENCH_CA names the emulator's self-signed
// certificate: each child gets it as NODE_EXTRA_CA_CERTS, which Node's https module (under both
// axios and got) adds to its trust store; verification itself stays on.
//
// Each peer is measured in fresh child processes so that its load time and peak RSS are its own:
// five children only load the package (the median is reported), then one child makes the warm-up
// calls every Node row makes (timing.js), <calls> sequential awaited calls and <calls> calls with
// 64 in flight. One JSON line per figure, or {"client", "error"} when a peer cannot be measured.

const { spawnSync } = require('node:child_process');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { warmUp } = require('./timing.js');

const PEERS_DIR = process.env.B24KIT_PEERS_DIR || path.resolve(__dirname, '../target/bench-peers-node');
const METHOD = 'imopenlines.session.mode.silent';
const PARAMS = { CHAT_ID: 2043, ACTIVATE: 'Y' };
const IN_FLIGHT = [1, 64];
const LOAD_RUNS = 5;
// A child that has not finished by then is stuck (or still throttled): report it, don't hang.
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

const B24JSSDK_UNLIMITED = require('./b24jssdk_unlimited.js');

const PEERS = {
  b24jssdk: { packageName: '@bitrix24/b24jssdk', connect: connectB24jssdk },
  '2bad_bitrix': { packageName: '@2bad/bitrix', connect: connect2badBitrix },
};

const peerRequire = createRequire(path.join(PEERS_DIR, 'package.json'));

// ---- the clients ------------------------------------------------------------------------------

// b24jssdk: B24Hook built from the webhook URL, calling through actions.v2.call.make (callMethod
// is deprecated and prints a warning on every call). Its fromWebhookUrl refuses http:// URLs, and
// its AuthHookManager turns every portal origin into https:// anyway, so a plain-HTTP run ends in
// an error row.
function connectB24jssdk(sdk, webhookUrl) {
  let hook;
  try {
    hook = sdk.B24Hook.fromWebhookUrl(webhookUrl, { restrictionParams: B24JSSDK_UNLIMITED });
  } catch (error) {
    throw new Error(`B24Hook.fromWebhookUrl refused the webhook URL (${describeError(error)})`);
  }
  return async () => {
    const response = await hook.actions.v2.call.make({ method: METHOD, params: PARAMS });
    if (!response.isSuccess) throw new Error(response.getErrorMessages().join('; '));
    return response.getData().result;
  };
}

// @2bad/bitrix: the Bitrix() factory over got 11, GET with the parameters in the query string.
// Its throttle is hard-coded: client/index.js wraps every request in
// `new PQueue({ intervalCap: 2, interval: 1000 })` and offers no option to change it. The only
// way to lift it is to hand the factory an unthrottled p-queue: while the client is built, the
// `default` export of the very p-queue module it requires is swapped for a subclass that drops
// the interval cap (p-queue ignores intervals when intervalCap is Infinity), then put back. The
// queue itself stays in the request path, so its cost is still measured. `retry: 0` (a got
// option the factory passes through) keeps got from silently retrying a failed call.
function connect2badBitrix(bitrix, webhookUrl) {
  const pQueue = createRequire(peerRequire.resolve('@2bad/bitrix'))('p-queue');
  const StockQueue = pQueue.default;
  let queuesLifted = 0;
  pQueue.default = class UnthrottledQueue extends StockQueue {
    constructor(options) {
      super({ ...options, intervalCap: Infinity, interval: 0 });
      queuesLifted += 1;
    }
  };
  let client;
  try {
    client = bitrix.Bitrix(webhookUrl, undefined, { retry: 0 });
  } finally {
    pQueue.default = StockQueue;
  }
  if (queuesLifted !== 1) {
    throw new Error('could not lift its hard-coded 2 calls/s throttle (it no longer builds its p-queue as expected)');
  }
  return async () => (await client.call(METHOD, PARAMS)).result;
}

// ---- measuring, inside a child --------------------------------------------------------------

// Loads a peer the way a CommonJS program would; import() only for a build that is ESM-only.
async function loadPeer(packageName) {
  const entry = peerRequire.resolve(packageName);
  try {
    return require(entry);
  } catch (error) {
    if (error.code !== 'ERR_REQUIRE_ESM') throw error;
    return import(pathToFileURL(entry).href);
  }
}

const nowNs = () => process.hrtime.bigint();

// One call, timed, that must answer `true` like the real portal does.
async function timedCall(call, latenciesUs) {
  const started = nowNs();
  const result = await call();
  latenciesUs.push(Number(nowNs() - started) / 1000);
  if (result !== true) throw new Error(`${METHOD} answered ${JSON.stringify(result)} instead of true`);
}

// `total` calls from `inFlight` workers sharing one counter, so exactly `total` are made.
async function runCalls(call, total, inFlight) {
  const latenciesUs = [];
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued += 1;
      await timedCall(call, latenciesUs);
    }
  };
  const started = nowNs();
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return { latenciesUs, seconds: Number(nowNs() - started) / 1e9 };
}

// Nearest-rank percentile of an ascending array.
function percentile(sorted, fraction) {
  return sorted[Math.max(0, Math.ceil(sorted.length * fraction) - 1)];
}

function figures(client, inFlight, { latenciesUs, seconds }) {
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  return {
    client,
    in_flight: inFlight,
    calls: sorted.length,
    calls_per_second: round(sorted.length / seconds),
    median_us: round(percentile(sorted, 0.5)),
    p99_us: round(percentile(sorted, 0.99)),
  };
}

const round = (value) => Math.round(value * 10) / 10;

// Child mode `--load`: prints how long loading the package took, in ms.
async function loadChild(client) {
  const started = nowNs();
  await loadPeer(PEERS[client].packageName);
  console.log(Number(nowNs() - started) / 1e6);
}

// Child mode `--measure`: prints one row per concurrency (peak RSS included), or an error row.
async function measureChild(client, webhookUrl, total) {
  const rows = [];
  try {
    const peer = PEERS[client];
    const call = peer.connect(await loadPeer(peer.packageName), webhookUrl);
    await warmUp(call, 1);
    for (const inFlight of IN_FLIGHT) rows.push(figures(client, inFlight, await runCalls(call, total, inFlight)));
  } catch (error) {
    console.log(formatRow({ client, error: describeError(error) }));
    return;
  }
  const peakRssKb = process.resourceUsage().maxRSS;
  for (const row of rows) console.log(formatRow({ ...row, peak_rss_kb: peakRssKb }));
}

// One line naming what failed: the library's error code where it has one, then its message, then
// the portal's own error when got kept the refused response (its message is only the status).
function describeError(error) {
  const code = error && error.code ? `${error.code}: ` : '';
  const message = String((error && error.message) || error).split('\n')[0];
  const portalError = error && error.response && error.response.body && error.response.body.error;
  const detail = portalError ? ` (${portalError}: ${error.response.body.error_description || ''})` : '';
  return `${code}${message}${detail}`;
}

// ---- the parent ---------------------------------------------------------------------------------

// Children trust the emulator's certificate when there is one, and talk to the loopback emulator
// directly even where a proxy is configured (axios would otherwise honour HTTP(S)_PROXY).
function childEnvironment() {
  const env = { ...process.env, NO_PROXY: '*', no_proxy: '*' };
  if (process.env.B24KIT_BENCH_CA) env.NODE_EXTRA_CA_CERTS = process.env.B24KIT_BENCH_CA;
  return env;
}

function runChild(args) {
  const child = spawnSync(process.execPath, [__filename, ...args], {
    encoding: 'utf8',
    env: childEnvironment(),
    timeout: CHILD_TIMEOUT_MS,
  });
  if (child.error) throw new Error(`child process failed: ${describeError(child.error)}`);
  if (child.status !== 0) {
    const lastLine = child.stderr.trim().split('\n').pop() || `exit status ${child.status}`;
    throw new Error(`child process failed: ${lastLine}`);
  }
  return child.stdout.trim().split('\n');
}

function medianLoadMs(client) {
  const runs = Array.from({ length: LOAD_RUNS }, () => Number(runChild(['--load', client]).pop()));
  runs.sort((a, b) => a - b);
  return round(runs[Math.floor(runs.length / 2)]);
}

// The measuring child's rows for this client; anything else a library printed is ignored.
function measuredRows(client, webhookUrl, total) {
  return runChild(['--measure', client, webhookUrl, String(total)])
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return null;
      }
    })
    .filter((row) => row && row.client === client);
}

function benchmarkPeer(client, webhookUrl, total) {
  try {
    peerRequire.resolve(PEERS[client].packageName);
  } catch {
    return [{ client, error: `${PEERS[client].packageName} is not installed in ${PEERS_DIR}` }];
  }
  try {
    const loadMs = medianLoadMs(client);
    const rows = measuredRows(client, webhookUrl, total);
    if (rows.length === 0) return [{ client, error: 'the measuring child printed no figures' }];
    return rows.map((row) => (row.error ? row : { ...row, load_ms: loadMs }));
  } catch (error) {
    return [{ client, error: describeError(error) }];
  }
}

// JSON with a space after each colon and comma: the layout of the Python bench scripts' lines.
function formatRow(row) {
  return `{${Object.entries(row).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}}`;
}

function main(argv) {
  const [webhookUrl, calls] = argv;
  const total = Number(calls);
  if (!webhookUrl || !Number.isInteger(total) || total < 1) {
    console.error('usage: node bench/node_peers.js <webhook URL> <calls>');
    process.exit(2);
  }
  for (const client of Object.keys(PEERS)) {
    for (const row of benchmarkPeer(client, webhookUrl, total)) console.log(formatRow(row));
  }
}

// Children exit as soon as they have printed: a library's idle sockets or timers must not keep
// them (and so the parent) waiting. Output to a pipe is written synchronously on Linux.
const exitNow = () => process.exit(0);
const [mode, ...rest] = process.argv.slice(2);
if (mode === '--load') {
  loadChild(rest[0]).then(exitNow);
} else if (mode === '--measure') {
  measureChild(rest[0], rest[1], Number(rest[2])).then(exitNow);
} else {
  main(process.argv.slice(2));
}
