'use strict';
// Any method by name, list walks and mixed batches from Node against the emulator: the same
// errors, retries and secrecy as the typed calls, with plain objects in and out.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
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

const requests = async () => (await portal.stats()).rest_requests;

test('a specced method by name is its typed call', async () => {
  const answer = await client.call('imopenlines.session.mode.silent', { CHAT_ID: 2043, ACTIVATE: 'Y' });
  assert.equal(answer.result, true);
  assert.ok(answer instanceof b24kit.Response);
  assert.ok(answer.time instanceof b24kit.Time);
  assert.equal(typeof answer.time.dateStart, 'string');
  assert.equal(answer.total, null);
  assert.equal((await portal.chat(2043)).silent, true);
  await assert.rejects(client.call('imopenlines.session.mode.silent', { CHAT_ID: 2044 }), (error) => {
    assert.ok(error instanceof b24kit.ChatTypeError, String(error));
    assert.equal(error.httpStatus, 400);
    return true;
  });
});

test('results are plain objects in the portal order', async () => {
  const contact = await client.call('crm.contact.get', { ID: 5 });
  assert.equal(contact.result.ID, '5');
  const page = await client.call('crm.contact.list', { select: ['ID', 'NAME'], order: { ID: 'DESC' } });
  assert.equal(page.total, 10_000);
  assert.equal(page.next, 50);
  assert.deepEqual(page.result.slice(0, 2).map((c) => c.ID), ['10000', '9999']);
  assert.deepEqual(Object.keys(page.result[0]), ['ID', 'NAME']);
});

test('other codes keep the portal words', async () => {
  await assert.rejects(client.call('crm.contact.get', { ID: 99_999_999 }), (error) => {
    assert.ok(error instanceof b24kit.UnknownCodeError, String(error));
    assert.deepEqual([error.code, error.description, error.httpStatus], ['', 'Not found', 400]);
    return true;
  });
  await assert.rejects(client.call('crm.nothing.here'), b24kit.MethodNotFoundError);
});

test('a name that is not a method sends nothing', async () => {
  const before = await requests();
  for (const name of ['', 'crm deal', 'crm/../x', 'crm.deal?x', 'a#b', 'a%2F', 'a\u0001b', 'a'.repeat(201)]) {
    await assert.rejects(client.call(name), (error) => {
      assert.ok(error instanceof b24kit.InvalidArgumentError, `${JSON.stringify(name)}: ${error}`);
      assert.equal(error.mayHaveReachedServer, false);
      return true;
    });
  }
  await assert.rejects(client.call(42), TypeError);
  assert.equal(await requests(), before);
});

test('values JSON cannot hold are TypeErrors naming where', async () => {
  const cycle = { a: 1 };
  cycle.self = cycle;
  const cases = [
    [{ filter: { '>ID': NaN } }, 'params.filter.>ID is NaN'],
    [{ x: Infinity }, 'params.x is Infinity'],
    [{ select: ['ID', () => 1] }, 'params.select[1] is a function'],
    [{ big: 10n }, 'params.big is a bigint'],
    [{ data: Buffer.from('x') }, 'params.data is of type Buffer'],
    [{ set: new Map() }, 'params.set is of type Map'],
    [{ nested: cycle }, 'params.nested.self is an object inside itself'],
    [[1, 2], 'params must be a plain object'],
  ];
  const before = await requests();
  for (const [params, message] of cases) {
    await assert.rejects(client.call('crm.contact.list', params), (error) => {
      assert.ok(error instanceof TypeError, String(error));
      assert.ok(error.message.startsWith(message), error.message);
      return true;
    });
  }
  assert.equal(await requests(), before);
});

test('parameters keep their types, order and dates', async () => {
  const when = new Date('2026-01-02T03:04:05Z');
  await client.call('crm.contact.list', { filter: { '>ID': 9990, '>DATE_CREATE': when, skip: undefined }, select: ['ID'] });
  const seen = await portal.lastCall();
  assert.equal(seen.method, 'crm.contact.list');
  assert.deepEqual(Object.keys(seen.params), ['filter', 'select']);
  assert.deepEqual(seen.params.filter, { '>ID': 9990, '>DATE_CREATE': '2026-01-02T03:04:05.000Z' });
});

test('an unknown method is retried only when the caller says so', async () => {
  const retrying = b24kit.Client.fromWebhook(portal.webhookUrl, {
    rateLimit: null,
    retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 10 },
  });
  await portal.fault({ kind: 'html', status: 503 });
  await assert.rejects(retrying.call('crm.contact.add', { fields: { NAME: 'x' } }), b24kit.HttpError);
  await portal.fault({ kind: 'html', status: 503 });
  const answer = await retrying.call('crm.contact.get', { ID: 3 }, { idempotent: true });
  assert.equal(answer.result.ID, '3');
  assert.throws(() => retrying.list('crm.contact.list', {}, { byId: 'yes' }), TypeError);
  await assert.rejects(retrying.call('crm.contact.get', {}, { idempotent: 1 }), TypeError);
});

test('a mixed batch answers by name in one request', async () => {
  const before = await requests();
  const out = await client.batch({
    contact: ['crm.contact.get', { ID: 7 }],
    same: ['crm.contact.get', { ID: '$result[contact][ID]' }],
    silent: ['imopenlines.session.mode.silent', { CHAT_ID: 2044 }],
    missing: ['crm.contact.get', { ID: 99_999_999 }],
  });
  assert.deepEqual(Object.keys(out), ['contact', 'same', 'silent', 'missing']);
  assert.equal(out.contact.result.ID, '7');
  assert.equal(out.same.result.ID, '7');
  assert.ok(out.silent instanceof b24kit.ChatTypeError);
  assert.ok(out.missing instanceof b24kit.UnknownCodeError);
  assert.equal(await requests(), before + 1);

  const halted = await client.batch(new Map([['bad', ['crm.contact.get', { ID: 99_999_999 }]], ['after', ['crm.contact.get', { ID: 1 }]]]), { halt: true });
  assert.ok(halted instanceof Map);
  assert.ok(halted.get('after') instanceof b24kit.SkippedError);
});

test('a batch refuses what it cannot send', async () => {
  const before = await requests();
  await assert.rejects(client.batch([['a', 'crm.contact.get', {}]]), TypeError);
  await assert.rejects(client.batch({ a: 'crm.contact.get' }), /calls\.a must be \[method, params\]/);
  await assert.rejects(client.batch({ a: ['crm.contact.get', { x: NaN }] }), /calls\.a\.x is NaN/);
  await assert.rejects(client.batch({ a: ['crm.contact.get', { ID: '$result[nobody][ID]' }] }), b24kit.InvalidArgumentError);
  assert.equal(await requests(), before);
});

test('a counted walk fetches ten thousand items in five requests', async () => {
  const before = await requests();
  const walk = client.list('crm.contact.list', { select: ['ID'] });
  let expected = 1;
  for await (const contact of walk) {
    assert.equal(Number(contact.ID), expected);
    expected += 1;
  }
  assert.equal(expected, 10_001);
  assert.deepEqual(walk.progress, { items: 10_000, total: 10_000, requests: 5 });
  assert.equal((await requests()) - before, 5);
  assert.match(inspect(walk), /items: 10000/);
});

test('a walk by ID never counts, stops when asked and goes on later', async () => {
  const walk = client.list('crm.contact.list', { filter: { '<=ID': 120 }, select: ['ID'] }, { byId: true });
  const ids = [];
  for await (const contact of walk) ids.push(Number(contact.ID));
  assert.deepEqual(ids, Array.from({ length: 120 }, (_, i) => i + 1));
  assert.equal(walk.progress.total, null);
  assert.equal(walk.progress.requests, 3);
  const last = (await portal.lastCall()).params;
  assert.equal(Number(last.start), -1);
  assert.deepEqual(last.order, { ID: 'ASC' });

  const before = await requests();
  const long = client.list('crm.contact.list', {}, { byId: true });
  const first = [];
  for await (const contact of long) {
    first.push(contact.ID);
    if (first.length === 3) break;
  }
  assert.equal((await requests()) - before, 1);
  assert.deepEqual(long.progress, { items: 3, total: null, requests: 1 });
  // The loop broke mid-page; the walk goes on from the fourth item.
  for await (const contact of long) {
    first.push(contact.ID);
    break;
  }
  assert.deepEqual(first, ['1', '2', '3', '4']);
  assert.equal((await requests()) - before, 1);
});

test('pages come whole and a failed page can be asked for again', async () => {
  const walk = client.list('crm.contact.list', { filter: { '<=ID': 100 } }, { byId: true });
  const pages = walk.pages();
  assert.equal((await pages.next()).value.length, 50);
  await portal.fault({ kind: 'html', status: 503 });
  await assert.rejects(walk.next(), b24kit.HttpError);
  const rest = [];
  for await (const contact of walk) rest.push(Number(contact.ID));
  assert.deepEqual(rest, Array.from({ length: 50 }, (_, i) => i + 51));
});

test('the webhook key stays out of errors of calls by name', async () => {
  const key = portal.webhookUrl.replace(/\/$/, '').split('/').pop();
  await portal.fault({ kind: 'html', status: 500 });
  await assert.rejects(client.call('crm.contact.get', { ID: 1 }), (error) => {
    assert.ok(!String(error.message).includes(key));
    assert.ok(!inspect(error).includes(key));
    return true;
  });
});
