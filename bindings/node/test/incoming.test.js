'use strict';
// Event deliveries: the bodies a portal POSTs to a handler (`tests/events/*.form` in the
// repository, the pages' examples as a portal sends them) read into typed events; forged,
// broken and untyped bodies give typed errors or an `Other` event; printing shows no token.

const { test } = require('node:test');
const http = require('node:http');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');
const b24kit = require('b24kit');
const { startEmulator } = require('./emulator.js');

const TOKEN = '51856fefc120afa4b628cc82d3935cce';
const ACCESS = 's6p6eclrvim6da22ft9ch94ekreb52lv';
const REFRESH = '4s386p3q0tr8dy89xvmt96234v3dljg8';
const EVENTS = ['OnOpenLineMessageAdd', 'OnOpenLineMessageDelete', 'OnOpenLineMessageUpdate', 'OnSessionFinish', 'OnSessionStart'];

/** `tests/events/` of the repository these tests were copied from. */
function fixtures() {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'tests', 'events');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('tests/events not found above ' + __dirname);
}

const body = (name) => fs.readFileSync(path.join(fixtures(), `${name}.form`));

test('each event reads into its typed form', () => {
  for (const name of EVENTS) {
    const delivery = b24kit.readEvent(body(name), TOKEN);
    assert.equal(delivery.event.type, name);
    assert.equal(delivery.event.code, name.toUpperCase());
    assert.equal(typeof delivery.event.data, 'object');
    assert.deepEqual([delivery.eventId, delivery.sentAt], [7, 1714649632]);
    assert.ok(delivery.auth instanceof b24kit.EventAuth);
    assert.equal(delivery.auth.domain, 'emulator.b24kit.test');
    assert.deepEqual([delivery.auth.accessToken, delivery.auth.refreshToken, delivery.auth.expiresIn], [ACCESS, REFRESH, 3600]);
    assert.ok(Object.isFrozen(delivery) && Object.isFrozen(delivery.event));
  }
});

test('values arrive as text and are read as their documented types', () => {
  const start = b24kit.readEvent(body('OnSessionStart'), TOKEN).event;
  assert.equal(start.type, 'OnSessionStart');
  const item = start.data.data[0];
  assert.deepEqual([item.session.id, item.session.closed, item.session.closeTerm], [42, false, 60]);
  assert.deepEqual([item.connector.connectorId, item.connector.lineId], ['livechat', 128]);
  assert.deepEqual([item.chat.id, item.user.id], [10585, 1984]);

  const added = b24kit.readEvent(body('OnOpenLineMessageAdd').toString('utf8'), TOKEN).event;
  const post = added.data.data[0];
  assert.deepEqual([post.message.id, post.message.text, post.message.system], [80964, 'hello', false]);
  // A form drops the example's empty lists: the optional fields say so.
  assert.deepEqual([post.message.files, post.ref], [null, null]);
  assert.equal(post.messageExtra.extraUrl, '');

  const deleted = b24kit.readEvent(new Uint8Array(body('OnOpenLineMessageDelete')), TOKEN).event;
  assert.deepEqual([deleted.data.connector, deleted.data.line, deleted.data.data[0].im.messageId], ['livechat', 128, 2056]);
});

test('a foreign token is refused with EventTokenError', () => {
  for (const token of ['', '51856fefc120afa4b628cc82d3935ccf', TOKEN.slice(0, 8), 'x']) {
    assert.throws(
      () => b24kit.readEvent(body('OnSessionStart'), token),
      (e) => {
        assert.ok(e instanceof b24kit.EventTokenError && e instanceof b24kit.EventError && e instanceof b24kit.B24kitError);
        assert.equal(e.kind, 'token_mismatch');
        for (const shown of [e.message, e.stack, inspect(e)]) assert.ok(!shown.includes(TOKEN) && !shown.includes(ACCESS), shown);
        return true;
      },
    );
  }
});

test('broken bodies, missing keys and bad data are typed errors', () => {
  assert.throws(() => b24kit.readEvent('event=X&data=%zz', TOKEN), (e) => e instanceof b24kit.EventFormError && e.kind === 'malformed');
  const without = body('OnSessionStart').toString().replace('auth%5Bapplication_token%5D', 'auth%5Bother%5D');
  assert.throws(
    () => b24kit.readEvent(without, TOKEN),
    (e) => e instanceof b24kit.EventFormError && e.kind === 'missing_key' && e.parameter === 'auth[application_token]',
  );
  const bad = body('OnSessionStart').toString().replace('%5Bline_id%5D=128', '%5Bline_id%5D=first');
  assert.throws(() => b24kit.readEvent(bad, TOKEN), (e) => e instanceof b24kit.EventDataError && e.code === 'ONSESSIONSTART');
  assert.throws(() => b24kit.readEvent(42, TOKEN), TypeError);
  assert.throws(() => b24kit.readEvent('event=X', null), TypeError);
});

test('an untyped event is kept with its data as sent', () => {
  const form = body('OnSessionStart').toString().replace('event=ONSESSIONSTART', 'event=ONCRMDEALADD');
  const event = b24kit.readEvent(form, TOKEN).event;
  assert.equal(event.type, 'Other');
  assert.equal(event.code, 'ONCRMDEALADD');
  assert.deepEqual(event.data.DATA[0].session, { id: '42', closed: 'N', parent_id: '0', close_term: '60' });
});

test('printing a delivery shows no token', () => {
  const delivery = b24kit.readEvent(body('OnSessionFinish'), TOKEN);
  for (const shown of [inspect(delivery, { depth: 10 }), String(delivery.auth), JSON.stringify(delivery)]) {
    for (const secret of [TOKEN, ACCESS, REFRESH]) assert.ok(!shown.includes(secret), shown);
  }
  assert.ok(inspect(delivery.auth).includes('accessToken: ***'));
});

test('the emulator POSTs the events its methods raise to a Node handler', async () => {
  const portal = await startEmulator();
  const bodies = [];
  const waiting = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      response.end();
      const body = Buffer.concat(chunks);
      const resolve = waiting.shift();
      if (resolve) resolve(body);
      else bodies.push(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const next = () => {
    if (bodies.length) return Promise.resolve(bodies.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no delivery within 30 s')), 30_000);
      waiting.push((body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
  };
  const url = `http://127.0.0.1:${server.address().port}/b24/events`;
  const client = b24kit.Client.fromWebhook(portal.webhookUrl, { rateLimit: null, timeoutMs: 10_000 });
  try {
    for (const event of ['OnSessionStart', 'OnSessionFinish']) {
      assert.equal((await client.call('event.bind', { event, handler: url })).result, true);
    }
    await client.imopenlinesSessionStart({ chatId: 2043 });
    await client.imopenlinesOperatorFinish({ chatId: 2043 });
    const start = b24kit.readEvent(await next(), portal.application_token).event;
    assert.equal(start.type, 'OnSessionStart');
    assert.deepEqual([start.data.data[0].session.id, start.data.data[0].session.closed], [1743, false]);
    const finish = b24kit.readEvent(await next(), portal.application_token).event;
    assert.equal(finish.type, 'OnSessionFinish');
    assert.equal(finish.data.data[0].session.closed, true);
    // The handler passes a body on as it answers; the emulator counts it once the answer is in.
    const deadline = Date.now() + 30_000;
    while ((await portal.stats()).events_delivered < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await portal.stats()).events_delivered, 2);
  } finally {
    client.close();
    server.close();
    await portal.stop();
  }
});
