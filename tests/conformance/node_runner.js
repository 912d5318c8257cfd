'use strict';
// Runs every case of cases.json through the `b24kit` npm package installed in the current
// directory's project (its public API only) against the emulator named by
// B24KIT_CONFORMANCE_READY, and prints one JSON line per case: {case, outcome, detail}.
// Usage (from a project where b24kit is installed): node node_runner.js cases.json

const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const b24kit = createRequire(path.join(process.cwd(), 'package.json'))('b24kit');
const ready = JSON.parse(process.env.B24KIT_CONFORMANCE_READY);
const base = ready.base_url;

async function control(method, route, body) {
  const response = await fetch(`${base}_emulator/${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** `imopenlines.session.mode.pinAll` → `imopenlinesSessionModePinAll`; `CHAT_ID` → `chatId`. */
function camel(name) {
  const words = name.split(/[._]/).filter(Boolean);
  return words
    .map((w, i) => {
      const lower = /^[A-Z0-9]+$/.test(w) ? w.toLowerCase() : w;
      return i === 0 ? lower.charAt(0).toLowerCase() + lower.slice(1) : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

function clientFor(c) {
  const options = { timeoutMs: (c.options && c.options.timeout_ms) || 10_000, rateLimit: null, retry: { maxAttempts: 1 } };
  if (c.credential === 'webhook') return b24kit.Client.fromWebhook(ready.webhook_url, options);
  if (c.credential.webhook_key) return b24kit.Client.fromWebhook(`${base}rest/1/${c.credential.webhook_key}/`, options);
  return b24kit.Client.fromOAuth(ready.oauth_endpoint, c.credential.token, options);
}

function kindOf(error) {
  const kinds = [
    [b24kit.MethodError, 'method'],
    [b24kit.BitrixSystemError, 'system'],
    [b24kit.UnknownCodeError, 'unknown_code'],
    [b24kit.HttpError, 'http'],
    [b24kit.PortalMovedError, 'portal_moved'],
    [b24kit.TransportError, 'transport'],
    [b24kit.ProtocolError, 'protocol'],
    [b24kit.InvalidArgumentError, 'invalid_argument'],
    [b24kit.SkippedError, 'skipped'],
  ];
  for (const [Class, kind] of kinds) if (error instanceof Class) return kind;
  return error instanceof TypeError ? 'type' : error.constructor.name;
}

function checkError(expected, error) {
  const kind = kindOf(error);
  if (kind !== expected.kind) return `expected a ${expected.kind} error, got ${error.constructor.name}: ${error.message}`;
  if (kind === 'type') {
    const name = camel(expected.parameter);
    return error.message.includes(name) ? null : `the TypeError does not name ${name}: ${error.message}`;
  }
  const fields = { code: error.code, status: error.httpStatus, retryable: error.retryable, category: error.category, parameter: error.parameter };
  for (const [field, value] of Object.entries(expected)) {
    if (field === 'kind') continue;
    const want = field === 'parameter' ? camel(value) : value;
    if (fields[field] !== want) return `${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(fields[field])} (${error.constructor.name}: ${error.message})`;
  }
  return null;
}

/**
 * Whether `actual` holds `want`: every key of an object (under its wire name, or camelCase as a
 * typed result's field), every item of a list, the same moment for a date and time, equality
 * otherwise.
 */
function has(actual, want) {
  if (Array.isArray(want)) {
    return Array.isArray(actual) && actual.length === want.length && want.every((v, i) => has(actual[i], v));
  }
  if (want !== null && typeof want === 'object') {
    const field = (k) => (k in actual ? k : camel(k));
    return actual !== null && typeof actual === 'object' && Object.entries(want).every(([k, v]) => field(k) in actual && has(actual[field(k)], v));
  }
  if (actual instanceof Date && typeof want === 'string') return actual.getTime() === Date.parse(want);
  return JSON.stringify(actual) === JSON.stringify(want);
}

/** A success or an error, as the expectation says. */
function checkAnswer(expect, outcome, failed) {
  if (expect.error) {
    if (!failed) return `expected an error, got ${JSON.stringify(outcome.result)}`;
    return checkError(expect.error, outcome);
  }
  if (failed) return `expected success, got ${outcome.constructor.name}: ${outcome.message}`;
  const { result } = outcome;
  if ('result' in expect && !has(result, expect.result)) return `result: expected ${JSON.stringify(expect.result)}, got ${JSON.stringify(result)}`;
  if (expect.result_has && !has(result, expect.result_has)) return `result: expected it to hold ${JSON.stringify(expect.result_has)}, got ${JSON.stringify(result)}`;
  if ('result_count' in expect && !(Array.isArray(result) && result.length === expect.result_count)) {
    return `result: expected ${expect.result_count} items, got ${JSON.stringify(result)}`;
  }
  for (const field of ['total', 'next']) {
    if (field in expect && outcome[field] !== expect[field]) return `${field}: expected ${expect[field]}, got ${outcome[field]}`;
  }
  return null;
}

async function settle(promise) {
  try {
    return [await promise, false];
  } catch (error) {
    return [error, true];
  }
}

async function performCall(client, c) {
  const { call } = c;
  let promise;
  if (call.by_name) {
    promise = client.call(call.method, call.params);
  } else {
    const params = Object.fromEntries(Object.entries(call.params).map(([k, v]) => [camel(k), v]));
    promise = client[camel(call.method)](params);
  }
  const [outcome, failed] = await settle(promise);
  return checkAnswer(c.expect, outcome, failed);
}

async function performList(client, c) {
  const { list, expect } = c;
  const walk = list.typed
    ? client[`${camel(list.method)}All`](Object.fromEntries(Object.entries(list.params).map(([k, v]) => [camel(k), v])))
    : client.list(list.method, list.params, { byId: list.by_id ?? false });
  const items = [];
  try {
    for await (const item of walk) items.push(item);
  } catch (error) {
    if (expect.error) return checkAnswer(expect, error, true);
    return `expected the whole list, got ${error.constructor.name}: ${error.message}`;
  }
  if (expect.error) return `expected an error, got ${items.length} items`;
  if (items.length !== expect.items) return `expected ${expect.items} items, got ${items.length}`;
  for (const [end, item] of [['first', items[0]], ['last', items[items.length - 1]]]) {
    if (expect[end] && !(item && has(item, expect[end]))) return `${end} item: expected it to hold ${JSON.stringify(expect[end])}, got ${JSON.stringify(item)}`;
  }
  if (expect.progress && !has(walk.progress, expect.progress)) return `progress: expected ${JSON.stringify(expect.progress)}, got ${JSON.stringify(walk.progress)}`;
  return null;
}

async function performBatch(client, c) {
  const { batch, expect } = c;
  const calls = Object.fromEntries(batch.calls.map((call) => [call.name, [call.method, call.params]]));
  const [outcomes, failed] = await settle(client.batch(calls, { halt: batch.halt }));
  if (expect.error) return checkAnswer(expect, outcomes, failed);
  if (failed) return `expected outcomes, got ${outcomes.constructor.name}: ${outcomes.message}`;
  const names = expect.outcomes.map((o) => o.name);
  if (JSON.stringify(Object.keys(outcomes)) !== JSON.stringify(names)) return `outcomes: expected names ${names}, got ${Object.keys(outcomes)}`;
  for (const want of expect.outcomes) {
    const outcome = outcomes[want.name];
    const problem = checkAnswer(want, outcome, outcome instanceof Error);
    if (problem) return `${want.name}: ${problem}`;
  }
  return null;
}

async function run(c) {
  await control('POST', 'reset');
  await control('PUT', 'limits', { enabled: false });
  const setup = c.setup || {};
  if (setup.chat_flags) {
    const { id, ...flags } = setup.chat_flags;
    await control('PATCH', `chats/${id}`, flags);
  }
  if (setup.fault) await control('POST', 'faults', setup.fault);
  const before = (await control('GET', 'stats')).rest_requests;
  const client = clientFor(c);
  let problem;
  try {
    if (c.list) problem = await performList(client, c);
    else if (c.batch) problem = await performBatch(client, c);
    else problem = await performCall(client, c);
  } finally {
    client.close();
  }
  if (problem) return problem;
  const expect = c.expect;
  if (expect.chat) {
    const { id, ...want } = expect.chat;
    const chat = await control('GET', `chats/${id}`);
    for (const [key, value] of Object.entries(want)) {
      if (JSON.stringify(chat[key]) !== JSON.stringify(value)) return `chat ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(chat[key])}`;
    }
  }
  if (expect.requests !== undefined) {
    const sent = (await control('GET', 'stats')).rest_requests - before;
    if (sent !== expect.requests) return `expected ${expect.requests} requests at the portal, got ${sent}`;
  }
  return null;
}

async function main() {
  const { cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  for (const c of cases) {
    let problem;
    try {
      problem = await run(c);
    } catch (error) {
      problem = `runner error: ${error && error.message}`;
    }
    console.log(JSON.stringify({ case: c.name, outcome: problem ? 'fail' : 'pass', detail: problem || '' }));
  }
}

main();
