'use strict';
// Every way a call fails, as the right error class with its fields — and `instanceof` at every
// level: method errors, system errors by category, unknown codes, HTTP, transport and protocol
// faults, bad input and settings.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

let portal;
let client;
before(async () => {
  portal = await startEmulator();
});
after(() => portal.stop());
beforeEach(async () => {
  await portal.reset();
  client = b24kit.Client.fromWebhook(portal.webhookUrl, { timeoutMs: 10_000, rateLimit: null, retry: { maxAttempts: 1 } });
});

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the call should have failed');
}

for (const [chatId, Class, code, description] of [
  [999999, 'ChatIdError', 'CHAT_ID', 'Chat ID is invalid.'],
  [2044, 'ChatTypeError', 'CHAT_TYPE', 'This chat is not Open Channel'],
  [2045, 'AccessDeniedError', 'ACCESS_DENIED', 'You do not have permission to access this chat.'],
]) {
  test(`method error ${code}`, async () => {
    const e = await failure(client.imopenlinesSessionModeSilent({ chatId, activate: true }));
    assert.equal(e.constructor, b24kit[Class]);
    for (const Level of [b24kit[Class], b24kit.MethodError, b24kit.B24kitError, Error]) assert.ok(e instanceof Level);
    assert.equal(e.name, Class);
    assert.deepEqual([e.code, e.description, e.httpStatus, e.retryable], [code, description, 400, false]);
    assert.equal(e.method, 'imopenlines.session.mode.silent');
    assert.match(e.message, new RegExp(`${code} \\(HTTP 400\\)`));
  });
}

test('USER_ID from a token without a user', async () => {
  const userless = b24kit.Client.fromOAuth(portal.oauthEndpoint, 'emulator-userless-token', { rateLimit: null, retry: { maxAttempts: 1 } });
  const e = await failure(userless.imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.UserIdError);
});

test("system errors from the portal's own checks", async () => {
  let e = await failure(b24kit.Client.fromWebhook(portal.webhookFor(1, 'wrongkey'), { rateLimit: null, retry: { maxAttempts: 1 } }).imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.InvalidCredentialsError && e instanceof b24kit.AuthError && e instanceof b24kit.BitrixSystemError);
  assert.deepEqual([e.category, e.httpStatus], ['auth', 401]);
  e = await failure(b24kit.Client.fromWebhook(portal.webhookFor(1, 'emulatorcrmonly1'), { rateLimit: null, retry: { maxAttempts: 1 } }).imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.InsufficientScopeError);
  e = await failure(b24kit.Client.fromOAuth(portal.oauthEndpoint, 'emulator-expired-token', { rateLimit: null, retry: { maxAttempts: 1 } }).imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.ExpiredTokenError && e instanceof b24kit.TokenExpiredError);
  e = await failure(b24kit.Client.fromOAuth(portal.oauthEndpoint, 'no-such-token', { rateLimit: null, retry: { maxAttempts: 1 } }).imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.InvalidTokenError && e instanceof b24kit.TokenExpiredError);
  assert.deepEqual([e.code, e.httpStatus], ['invalid_token', 401]);
});

test('the rate limit is a retryable RateLimitError', async () => {
  await portal.control('PUT', 'limits', { burst: 2, drain_per_second: 0.01 });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  const e = await failure(client.imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.QueryLimitExceededError && e instanceof b24kit.RateLimitError);
  assert.deepEqual([e.code, e.httpStatus, e.retryable, e.category], ['QUERY_LIMIT_EXCEEDED', 503, true, 'rate_limit']);
});

const GROUPS = {
  rate_limit: 'RateLimitError',
  auth: 'AuthError',
  token_expired: 'TokenExpiredError',
  server: 'ServerError',
  batch: 'BatchError',
  plan: 'PlanError',
  portal_state: 'PortalStateError',
  not_found: 'NotFoundError',
};
const SYSTEM_CODES = {
  INTERNAL_SERVER_ERROR: 'InternalServerError',
  ERROR_UNEXPECTED_ANSWER: 'UnexpectedAnswerError',
  QUERY_LIMIT_EXCEEDED: 'QueryLimitExceededError',
  OPERATION_TIME_LIMIT: 'OperationTimeLimitError',
  ERROR_BATCH_METHOD_NOT_ALLOWED: 'BatchMethodNotAllowedError',
  ERROR_BATCH_LENGTH_EXCEEDED: 'BatchLengthExceededError',
  NO_AUTH_FOUND: 'NoAuthFoundError',
  INVALID_REQUEST: 'InvalidRequestError',
  OVERLOAD_LIMIT: 'OverloadLimitError',
  ACCESS_DENIED: 'PlanAccessDeniedError',
  INVALID_CREDENTIALS: 'InvalidCredentialsError',
  ERROR_MANIFEST_IS_NOT_AVAILABLE: 'ManifestIsNotAvailableError',
  ERROR_METHOD_NOT_FOUND: 'MethodNotFoundError',
  insufficient_scope: 'InsufficientScopeError',
  expired_token: 'ExpiredTokenError',
  invalid_token: 'InvalidTokenError',
  user_access_error: 'UserAccessError',
  PORTAL_DELETED: 'PortalDeletedError',
};

test('every system error code maps to its class and category group', async () => {
  for (const [code, Class] of Object.entries(SYSTEM_CODES)) {
    const status = code === 'ACCESS_DENIED' ? 401 : 503;
    await portal.fault({ kind: 'error', status, code: code.toLowerCase(), description: 'injected' });
    const e = await failure(client.imopenlinesSessionModeSilent({ chatId: 2043 }));
    assert.equal(e.constructor, b24kit[Class], code);
    assert.deepEqual([e.code, e.description, e.httpStatus], [code, 'injected', status]);
    assert.ok(e instanceof b24kit[GROUPS[e.category]] && e instanceof b24kit.BitrixSystemError, code);
  }
});

test('an HTML page is a retryable HttpError', async () => {
  await portal.fault({ kind: 'html', status: 502 });
  const e = await failure(client.imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.HttpError);
  assert.deepEqual([e.httpStatus, e.retryable, e.code], [502, true, null]);
});

test('bodies that are not answers are ProtocolErrors', async () => {
  for (const [kind, expected] of [['invalid_json', 'not_json'], ['empty', 'empty_body']]) {
    await portal.fault({ kind, status: 200 });
    const e = await failure(client.imopenlinesSessionModeSilent({ chatId: 2043 }));
    assert.ok(e instanceof b24kit.ProtocolError);
    assert.equal(e.kind, expected);
  }
});

test('a dropped connection', async () => {
  await portal.fault({ kind: 'drop' });
  const e = await failure(client.imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.ConnectionLostError && e instanceof b24kit.TransportError);
  assert.deepEqual([e.kind, e.mayHaveReachedServer, e.retryable], ['connection_lost', true, true]);
});

test('a server that never answers times out within the bound', async () => {
  await portal.fault({ kind: 'delay', ms: 30000 });
  const slow = b24kit.Client.fromWebhook(portal.webhookUrl, { timeoutMs: 400, rateLimit: null, retry: { maxAttempts: 1 } });
  const started = Date.now();
  const e = await failure(slow.imopenlinesSessionModeSilent({ chatId: 2043 }));
  const took = Date.now() - started;
  assert.ok(e instanceof b24kit.RequestTimeoutError);
  assert.equal(e.kind, 'timeout');
  assert.ok(took >= 390 && took < 3000, String(took));
});

test('a refused connection was not sent', async () => {
  const e = await failure(b24kit.Client.fromWebhook('http://127.0.0.1:1/rest/1/key/', { rateLimit: null, retry: { maxAttempts: 1 } }).imopenlinesSessionModeSilent({ chatId: 2043 }));
  assert.ok(e instanceof b24kit.ConnectError);
  assert.deepEqual([e.mayHaveReachedServer, e.retryable], [false, true]);
});

test('bad input rejects before anything is sent', async () => {
  const call = (params) => failure(client.imopenlinesSessionModeSilent(params));
  assert.match((await call({ chatId: null })).message, /chatId is required/);
  for (const chatId of ['2043', 20.5, NaN, Infinity, true, 2043n, [1]]) {
    const e = await call({ chatId });
    assert.ok(e instanceof TypeError, String(chatId));
    assert.match(e.message, /chatId must be an integer/);
  }
  for (const chatId of [0, -1, -(2 ** 53) + 1]) {
    const e = await call({ chatId });
    assert.ok(e instanceof RangeError && e instanceof b24kit.InvalidArgumentError && e instanceof b24kit.B24kitError);
    assert.equal(e.parameter, 'chatId');
    assert.match(e.message, /^chatId must be at least 1, got -?\d+$/);
  }
  for (const chatId of [2 ** 53, -(2 ** 60)]) {
    const e = await call({ chatId });
    assert.ok(e instanceof RangeError && e instanceof b24kit.InvalidArgumentError, String(chatId));
  }
  assert.match((await call({ chatId: 2043, activate: 'Y' })).message, /activate must be a boolean/);
  assert.match((await call({ chatId: 2043, actvate: true })).message, /no parameter "actvate"/);
  assert.match((await call({})).message, /chatId is required/);
  assert.ok((await call(2043)) instanceof TypeError);
  assert.ok((await call(undefined)) instanceof TypeError);
  assert.equal((await portal.stats()).rest_requests, 0);
});

test('bad settings throw ConfigError or TypeError', () => {
  const bad = [
    () => b24kit.Client.fromWebhook('http://portal.example.com/rest/1/key/'),
    () => b24kit.Client.fromWebhook('https://portal.example.com/rest/key/'),
    () => b24kit.Client.fromWebhook('https://p.example.com/rest/1/key/', { timeoutMs: 0 }),
    () => b24kit.Client.fromWebhook('https://p.example.com/rest/1/key/', { timeoutMs: -5 }),
    () => b24kit.Client.fromWebhook('https://p.example.com/rest/1/key/', { connectTimeoutMs: NaN }),
    () => b24kit.Client.fromWebhook('https://p.example.com/rest/1/key/', { rootCertificatePem: 'junk' }),
    () => b24kit.Client.fromOAuth('https://p.example.com/rest/', ''),
  ];
  for (const make of bad) {
    assert.throws(make, (e) => e instanceof b24kit.ConfigError && e instanceof TypeError && e instanceof b24kit.B24kitError);
  }
  assert.throws(() => b24kit.Client.fromWebhook('https://p.example.com/rest/1/key/', { timeout: 5 }), /unknown option "timeout"/);
  assert.throws(() => b24kit.Client.fromWebhook(42), TypeError);
  assert.throws(() => new b24kit.Client(), TypeError);
});

test('every error class derives from B24kitError', () => {
  for (const [name, Class] of Object.entries(b24kit.errors)) {
    const e = new Class('x', {});
    assert.ok(e instanceof b24kit.B24kitError, name);
    assert.ok(e instanceof Error, name);
    assert.equal(e.name, name);
  }
});

test('a renamed portal is a typed error naming the new address', async () => {
  const retrying = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, retry: { maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 2 } });
  const before = (await portal.stats()).rest_requests;
  await portal.fault({ kind: 'moved', to: 'https://new-name.bitrix24.com' });
  await assert.rejects(retrying.imopenlinesSessionModeSilent({ chatId: 2043 }), (error) => {
    assert.ok(error instanceof b24kit.PortalMovedError, String(error));
    assert.ok(error instanceof b24kit.B24kitError);
    assert.equal(error.location, 'https://new-name.bitrix24.com/');
    assert.equal(error.httpStatus, 302);
    assert.equal(error.retryable, false);
    assert.match(error.message, /new-name\.bitrix24\.com/);
    return true;
  });
  assert.equal((await portal.stats()).rest_requests - before, 1);
});
