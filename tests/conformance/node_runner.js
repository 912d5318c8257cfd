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
    [b24kit.TransportError, 'transport'],
    [b24kit.ProtocolError, 'protocol'],
    [b24kit.InvalidArgumentError, 'invalid_argument'],
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
  const params = Object.fromEntries(Object.entries(c.call.params).map(([k, v]) => [camel(k), v]));
  const client = clientFor(c);
  let outcome;
  let failed = false;
  try {
    outcome = await client[camel(c.call.method)](params);
  } catch (error) {
    outcome = error;
    failed = true;
  } finally {
    client.close();
  }
  const expect = c.expect;
  if (expect.error) {
    if (!failed) return `expected an error, got ${JSON.stringify(outcome.result)}`;
    const problem = checkError(expect.error, outcome);
    if (problem) return problem;
  } else {
    if (failed) return `expected success, got ${outcome.constructor.name}: ${outcome.message}`;
    if (outcome.result !== expect.result) return `result: expected ${expect.result}, got ${outcome.result}`;
  }
  if (expect.chat) {
    const { id, ...want } = expect.chat;
    const chat = await control('GET', `chats/${id}`);
    for (const [key, value] of Object.entries(want)) {
      if (chat[key] !== value) return `chat ${key}: expected ${value}, got ${chat[key]}`;
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
