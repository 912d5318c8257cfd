'use strict';
// The methods added from specs alone (pin, pinAll, unpinAll, dialog.get): each success path with
// its side effect and each documented error.

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

const failure = (promise) => promise.then(() => assert.fail('should fail'), (e) => e);

test('pin defaults to pinning and unpins with false', async () => {
  assert.equal((await client.imopenlinesSessionModePin({ chatId: 2043 })).result, true);
  assert.equal((await portal.chat(2043)).pinned, true);
  assert.equal((await portal.lastCall()).params.ACTIVATE, 'Y');
  await client.imopenlinesSessionModePin({ chatId: 2043, activate: false });
  assert.equal((await portal.chat(2043)).pinned, false);
});

test('pin errors, including those the client cannot provoke', async () => {
  for (const [chatId, Class] of [[999999, b24kit.ChatIdError], [2044, b24kit.ChatTypeError], [2045, b24kit.AccessDeniedError]]) {
    const e = await failure(client.imopenlinesSessionModePin({ chatId }));
    assert.ok(e instanceof Class && e instanceof b24kit.MethodError);
    assert.equal(e.method, 'imopenlines.session.mode.pin');
  }
  for (const [code, Class] of [['CHAT_ID_EMPTY', b24kit.ChatIdEmptyError], ['ERROR_USER_NOT_OPERATOR', b24kit.UserNotOperatorError]]) {
    await portal.fault({ kind: 'error', status: 400, code });
    const e = await failure(client.imopenlinesSessionModePin({ chatId: 2043 }));
    assert.ok(e instanceof Class, code);
  }
  const userless = b24kit.Client.fromOAuth(portal.oauthEndpoint, 'emulator-userless-token', { rateLimit: null, retry: { maxAttempts: 1 } });
  assert.ok((await failure(userless.imopenlinesSessionModePin({ chatId: 2043 }))) instanceof b24kit.UserIdError);
});

test('pinAll and unpinAll return the sessions they changed', async () => {
  assert.deepEqual((await client.imopenlinesSessionModePinAll()).result, [1743]);
  assert.equal((await portal.chat(2043)).pinned, true);
  assert.deepEqual((await client.imopenlinesSessionModePinAll({})).result, []);
  assert.deepEqual((await client.imopenlinesSessionModeUnpinAll()).result, [1743]);
  assert.deepEqual((await portal.lastCall()).params, {});
  assert.match((await failure(client.imopenlinesSessionModePinAll({ chatId: 1 }))).message, /has no parameter "chatId"/);
});

test('dialog.get by each identifier shows silent mode', async () => {
  await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
  for (const params of [{ chatId: 2043 }, { dialogId: 'chat2043' }, { sessionId: 1743 }, { userCode: 'livechat|1|1373|211' }]) {
    const dialog = (await client.imopenlinesDialogGet(params)).result;
    assert.equal(dialog.id, 2043);
    assert.equal(dialog.entityData3, 'Y');
    assert.equal(dialog.type, 'lines');
    assert.equal(dialog.entityType, 'LINES');
    assert.deepEqual(dialog.managerList, [1]);
    assert.equal(dialog.extranet, false);
  }
  await client.imopenlinesSessionModeSilent({ chatId: 2043 });
  assert.equal((await client.imopenlinesDialogGet({ chatId: 2043 })).result.entityData3, '');
});

test('dialog.get keeps what the spec does not describe', async () => {
  const undocumented = { is_pinned: 7, settings: { avatar: true, send: false }, react_list: { 1: false } };
  const time = { start: 1, finish: 1, duration: 0, processing: 0, date_start: 'x', date_finish: 'x' };
  const restrictions = { avatar: 'Y', react: true };
  await portal.fault({ kind: 'raw', status: 200, body: JSON.stringify({ result: { id: 2043, owner: 5, ...undocumented, restrictions }, time }) });
  const dialog = (await client.imopenlinesDialogGet({ chatId: 2043 })).result;
  assert.equal(dialog.id, 2043);
  assert.equal(dialog.owner, 5);
  assert.deepEqual(dialog.extra, undocumented);
  assert.deepEqual(Object.keys(dialog.extra), ['is_pinned', 'settings', 'react_list']);
  // Nested objects keep theirs too.
  assert.equal(dialog.restrictions.avatar, true);
  assert.equal(dialog.restrictions.send, null);
  assert.deepEqual(dialog.restrictions.extra, { react: true });
});

test('dialog.get: nested objects, lists of objects and dates', async () => {
  const dialog = (await client.imopenlinesDialogGet({ chatId: 2043 })).result;
  assert.equal(dialog.restrictions.send, true);
  assert.equal(dialog.permissions.manageSettings, 'owner');
  assert.equal(dialog.entityLink.id, 'livechat|1|1373|211');
  assert.ok(dialog.dateCreate instanceof Date);
  assert.equal(dialog.dateCreate.toISOString(), '2026-03-16T18:36:06.000Z');
  assert.equal(dialog.readedList.length, 1);
  const [reading] = dialog.readedList;
  assert.deepEqual([reading.userId, reading.userName, reading.messageId], [1, 'User 1', dialog.lastMessageId]);
  assert.equal(reading.date.getTime(), Date.parse('2026-03-16T19:40:12+01:00'));
  const [viewer] = dialog.lastMessageViews.firstViewers;
  assert.deepEqual([viewer.userId, viewer.userName], [1, 'User 1']);
  assert.deepEqual(dialog.muteList, [1]);
  // Every documented key is there; one without a value is null, as the typings say.
  assert.equal(dialog.description, null);
  assert.equal(dialog.backgroundId, null);
});

test('session.history.get: maps keyed by id, as plain objects in the order sent', async () => {
  const history = (await client.imopenlinesSessionHistoryGet({ sessionId: 1743 })).result;
  assert.deepEqual(Object.keys(history.message), ['204301', '204302']);
  assert.equal(history.message['204301'].text, 'Hello, my order has not arrived.');
  assert.ok(history.message['204301'].date instanceof Date);
  assert.equal(history.users['211'].connector, true);
  assert.deepEqual(history.users['1'].departments, [1]);
  assert.deepEqual(history.userBlockChat, { 2043: { 1: false, 211: false } });
  assert.deepEqual(history.userInChat, { 2043: [1, 211] });
  assert.equal(history.chat['2043'].permissions.canPost, 'member');
  assert.ok((await failure(client.imopenlinesSessionHistoryGet({}))) instanceof b24kit.MissingRequiredParamError);
  assert.ok((await failure(client.imopenlinesSessionHistoryGet({ sessionId: 999999 }))) instanceof b24kit.InvalidSessionIdError);
  assert.ok((await failure(client.imopenlinesSessionHistoryGet({ sessionId: 1745 }))) instanceof b24kit.AccessDeniedError);
});

test('dialog.get errors and the one-of rule', async () => {
  assert.ok((await failure(client.imopenlinesDialogGet({ chatId: 2045 }))) instanceof b24kit.AccessError);
  await portal.fault({ kind: 'error', status: 400, code: 'IM_NOT_INSTALLED' });
  assert.ok((await failure(client.imopenlinesDialogGet({ chatId: 2043 }))) instanceof b24kit.ImNotInstalledError);
  // Removed from the docs (the server answers ACCESS_ERROR instead), so kept as sent.
  assert.equal(b24kit.DialogIdEmptyError, undefined);
  await portal.fault({ kind: 'error', status: 400, code: 'DIALOG_ID_EMPTY' });
  const removed = await failure(client.imopenlinesDialogGet({ chatId: 2043 }));
  assert.ok(removed instanceof b24kit.UnknownCodeError, removed.name);
  assert.equal(removed.code, 'DIALOG_ID_EMPTY');
  let e = await failure(client.imopenlinesDialogGet({}));
  assert.ok(e instanceof b24kit.InvalidArgumentError && e instanceof RangeError);
  assert.equal(e.message, 'exactly one of chatId, dialogId, sessionId, userCode must be given, got none');
  e = await failure(client.imopenlinesDialogGet({ chatId: 1, userCode: 'x' }));
  assert.match(e.message, /got chatId and userCode$/);
  assert.ok((await failure(client.imopenlinesDialogGet({ dialogId: 5 }))) instanceof TypeError);
  assert.ok((await failure(client.imopenlinesDialogGet())) instanceof TypeError);
  assert.equal((await portal.stats()).rest_requests, 3);
});

test('CRM chats: the kind of record is one of the named strings or any other', async () => {
  const chats = (await client.imopenlinesCrmChatGet({ crmEntityType: 'lead', crmEntity: 1205, activeOnly: false })).result;
  assert.deepEqual(chats.map((c) => [c.chatId, c.connectorId, c.connectorTitle]), [['2045', 'livechat', 'Live Chat']]);
  assert.deepEqual((await client.imopenlinesCrmChatGet({ crmEntityType: 'contact', crmEntity: 1205 })).result, []);
  assert.equal((await client.imopenlinesCrmChatGetLastId({ crmEntityType: 'lead', crmEntity: 1205 })).result, 2045);
  // A kind the type does not name is sent as given; this portal refuses it.
  const e = await failure(client.imopenlinesCrmChatGet({ crmEntityType: 'invoice', crmEntity: 1205 }));
  assert.ok(e instanceof b24kit.AccessDeniedError, e.name);
  assert.ok((await failure(client.imopenlinesCrmChatGet({ crmEntityType: 5, crmEntity: 1205 }))) instanceof TypeError);
  assert.equal((await client.imopenlinesCrmChatUserAdd({ crmEntityType: 'lead', crmEntity: 1205, userId: 3 })).result, 2045);
  assert.deepEqual((await portal.chat(2045)).members, [2, 3]);
  assert.equal((await client.imopenlinesCrmChatUserDelete({ crmEntityType: 'lead', crmEntity: 1205, userId: 3 })).result, 2045);
  assert.deepEqual((await portal.chat(2045)).members, [2]);
});

const NETWORK_LINE = 'ab515f5d85a8b844d484f6ea75a2e494';

test('network lines: joined by code, and each writes to a user once', async () => {
  assert.equal((await client.imopenlinesNetworkJoin({ code: NETWORK_LINE })).result, 603);
  assert.equal((await client.imopenlinesNetworkJoin({ code: NETWORK_LINE })).result, 603);
  for (const [code, Class] of [['short', b24kit.CodeError], ['0'.repeat(32), b24kit.LineNotFoundError], ['b24kitemulatorinactiveline000000', b24kit.InactiveError]]) {
    const e = await failure(client.imopenlinesNetworkJoin({ code }));
    assert.ok(e instanceof Class, e.name);
  }
  assert.equal((await client.imopenlinesNetworkMessageAdd({ code: NETWORK_LINE, userId: 3, message: 'Hello' })).result, true);
  const e = await failure(client.imopenlinesNetworkMessageAdd({ code: NETWORK_LINE, userId: 3, message: 'Hello again' }));
  assert.ok(e instanceof b24kit.UserMessageLimitError, e.name);
});

test('JSON parameters reach the portal nested, and a value JSON cannot hold is refused where it is', async () => {
  const attach = { ID: 1, BLOCKS: [{ MESSAGE: 'The checklist' }, { FILE: [{ NAME: 'a.pdf', SIZE: 42, RATIO: 0.5 }] }] };
  const keyboard = [{ TEXT: 'Open', LINK: 'https://example.com/setup' }];
  const sent = new Date('2026-12-01T10:00:00Z');
  const response = await client.imopenlinesNetworkMessageAdd({
    code: NETWORK_LINE, userId: 3, message: 'Hello', attach: { ...attach, SENT: sent }, keyboard, urlPreview: false,
  });
  assert.equal(response.result, true);
  const { params } = await portal.lastCall();
  assert.deepEqual(params.ATTACH, { ...attach, SENT: sent.toISOString() });
  assert.deepEqual(params.KEYBOARD, keyboard);
  assert.equal(params.URL_PREVIEW, 'N');
  // Through `batch` the same values travel as PHP-style keys; the portal reads them back nested.
  const outcomes = await client.imopenlinesNetworkMessageAddBatch([
    { code: NETWORK_LINE, userId: 4, message: 'Hi', attach },
    { code: NETWORK_LINE, userId: 6, message: 'Hi', attach: { ID: 2 } },
  ]);
  assert.equal(outcomes[0].result, true);
  assert.ok(outcomes[1] instanceof b24kit.AttachError, outcomes[1].name);
  const before = (await portal.stats()).rest_requests;
  const cyclic = { BLOCKS: [] };
  cyclic.BLOCKS.push(cyclic);
  for (const [bad, where] of [
    [{ BLOCKS: [{ SIZE: Number.NaN }] }, /^attach\.BLOCKS\[0\]\.SIZE is NaN/],
    [{ BLOCKS: [{ SIZE: 10n }] }, /^attach\.BLOCKS\[0\]\.SIZE is a bigint/],
    [cyclic, /^attach\.BLOCKS\[0\] is an object inside itself/],
    [new Map(), /^attach is of type Map/],
  ]) {
    let e = await failure(client.imopenlinesNetworkMessageAdd({ code: NETWORK_LINE, userId: 7, message: 'x', attach: bad }));
    assert.ok(e instanceof TypeError && where.test(e.message), e.message);
    e = await failure(client.imopenlinesNetworkMessageAddBatch([{ code: NETWORK_LINE, userId: 7, message: 'x', attach: bad }]));
    assert.ok(e instanceof TypeError && where.test(e.message), e.message);
  }
  assert.equal((await portal.stats()).rest_requests, before);
});

test('open lines: created, read, changed and deleted', async () => {
  const line = (await client.imopenlinesConfigGet({ configId: 1 })).result;
  assert.deepEqual([line.id, line.lineName, line.active, line.queue], ['1', 'Support', 'Y', ['1', '2']]);
  assert.equal(line.queueFull['2'].userId, '2');
  assert.equal(line.xmlId, null);
  // Settings with documented values are the enums' texts.
  assert.deepEqual([line.queueType, line.typeMaxChat, line.worktimeDayoff], ['evenly', 'answered_new', ['SA', 'SU']]);
  assert.equal((await client.imopenlinesConfigGet({ configId: 1, withQueue: false })).result.queueFull, null);
  const id = (await client.imopenlinesConfigAdd({ params: { LINE_NAME: 'Shop', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: 5 }] } })).result;
  assert.equal(id, 3);
  assert.deepEqual((await client.imopenlinesConfigGet({ configId: id })).result.queue, ['5']);
  assert.equal((await client.imopenlinesConfigUpdate({ configId: id, params: { ACTIVE: 'N', QUEUE_TYPE: 'randomly' } })).result, true);
  const closed = (await client.imopenlinesConfigGet({ configId: id })).result;
  assert.deepEqual([closed.active, closed.queueType], ['N', 'randomly']);
  assert.equal((await client.imopenlinesConfigDelete({ configId: id })).result, true);
  assert.equal((await client.imopenlinesConfigDelete({ configId: id })).result, false);
  const e = await failure(client.imopenlinesConfigGet({ configId: id }));
  assert.ok(e instanceof b24kit.ConfigIdEmptyError, e.name);
});

test('open lines: listed, filtered, sorted and paged', async () => {
  const lines = (await client.imopenlinesConfigListGet({ params: { filter: { ACTIVE: 'Y' }, select: ['ID', 'LINE_NAME'] }, options: { QUEUE: 'Y', CONFIG_QUEUE: 'Y' } })).result;
  assert.deepEqual(lines.map((l) => [l.id, l.lineName, l.queue]), [['1', 'Support', [1, 2]]]);
  assert.deepEqual(lines[0].configQueue.map((e) => [e.entityType, e.entityId]), [['user', '1'], ['user', '2']]);
  const newest = (await client.imopenlinesConfigListGet({ params: { order: { ID: 'DESC' }, limit: 1 } })).result;
  assert.deepEqual(newest.map((l) => l.id), ['2']);
  const e = await failure(client.imopenlinesConfigListGet({ params: { order: { ID: 'UP' } } }));
  assert.ok(e instanceof b24kit.InvalidFormatError, e.name);
});

/** Adds lines until the portal has `count` (it starts with two). */
async function addLines(count) {
  for (let n = 3; n <= count; n += 1) await client.imopenlinesConfigAdd({ params: { LINE_NAME: `Line ${n}` } });
}

test('a list method is walked typed through its own limit and offset', async () => {
  await addLines(7);
  const served = (await portal.stats()).rest_requests;
  const walk = client.imopenlinesConfigListGetAll({ params: { limit: 2, select: ['ID', 'LINE_NAME'] } });
  const lines = [];
  for await (const line of walk) lines.push(line);
  assert.deepEqual(lines.map((l) => l.id), ['1', '2', '3', '4', '5', '6', '7']);
  assert.equal(lines[6].lineName, 'Line 7');
  assert.equal(lines[6].active, null);
  assert.deepEqual(walk.progress, { items: 7, total: null, requests: 4 });
  assert.equal((await portal.stats()).rest_requests - served, 4);
  const sent = (await portal.lastCall()).params.PARAMS;
  assert.deepEqual([sent.limit, sent.offset], [2, 6]);

  // From the caller's offset, in the caller's order; stopping early sends nothing more.
  const before = (await portal.stats()).rest_requests;
  const newest = client.imopenlinesConfigListGetAll({ params: { limit: 2, offset: 1, order: { ID: 'DESC' } } });
  const first = [];
  for await (const line of newest) {
    first.push(line.id);
    if (first.length === 3) break;
  }
  assert.deepEqual(first, ['6', '5', '4']);
  assert.equal((await portal.stats()).rest_requests - before, 2);
});

test('a typed walk refuses its paging parameters before sending, and aborts', async () => {
  const walk = client.imopenlinesConfigListGetAll({ params: { offset: -3 } });
  const e = await failure(walk.next());
  assert.ok(e instanceof b24kit.InvalidArgumentError, e.name);
  assert.equal(e.parameter, 'offset');
  assert.throws(() => client.imopenlinesConfigListGetAll(5), TypeError);
  assert.ok((await failure(client.imopenlinesConfigListGetAll({ params: 5 }).next())) instanceof b24kit.InvalidArgumentError);
  assert.throws(() => client.imopenlinesConfigListGetAll({}, { byId: true }), TypeError);
  const byName = client.list('imopenlines.config.list.get', { PARAMS: 'everything' });
  assert.ok((await failure(byName.next())) instanceof b24kit.InvalidArgumentError);
  assert.equal((await portal.stats()).rest_requests, 0);
  const controller = new AbortController();
  controller.abort();
  const aborted = client.imopenlinesConfigListGetAll({}, { signal: controller.signal });
  assert.equal((await failure(aborted.next())).name, 'AbortError');
});

test('a list method by name pages the way its spec declares', async () => {
  await addLines(5);
  const walk = client.list('imopenlines.config.list.get', { PARAMS: { limit: 2, select: ['ID'] } });
  const ids = [];
  for await (const line of walk) ids.push(line.ID);
  assert.deepEqual(ids, ['1', '2', '3', '4', '5']);
  assert.equal(walk.progress.requests, 3);
});

test("a line's settings are typed, and only those given are sent", async () => {
  const id = (await client.imopenlinesConfigAdd({ params: { LINE_NAME: 'Shop', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: '5' }], QUEUE_TYPE: 'strictly', WORKTIME_DAYOFF: ['SA'] } })).result;
  const sent = (await portal.lastCall()).params.PARAMS;
  // The identifier given as text is the number the spec says.
  assert.deepEqual(sent, { LINE_NAME: 'Shop', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: 5 }], QUEUE_TYPE: 'strictly', WORKTIME_DAYOFF: ['SA'] });
  const served = (await portal.stats()).rest_requests;
  const wrong = await failure(client.imopenlinesConfigUpdate({ configId: id, params: { QUEUE_TIME: 'soon' } }));
  assert.ok(wrong instanceof TypeError, wrong.name);
  assert.match(wrong.message, /QUEUE_TIME/);
  const missing = await failure(client.imopenlinesConfigAdd({ params: { QUEUE: [{ ENTITY_ID: 5 }] } }));
  assert.match(missing.message, /ENTITY_TYPE/);
  assert.equal((await portal.stats()).rest_requests, served);
});
