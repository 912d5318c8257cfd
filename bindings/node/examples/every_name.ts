// Uses every public name of b24kit, fully typed: `tsc --strict --noEmit` checks it in CI.
// Run it against the emulator (`cargo run -p b24kit-emulator`) or a portal after compiling.

import {
  AbortError,
  AttachError,
  AttachOversizeError,
  CodeError,
  ImbotError,
  InactiveError,
  KeyboardError,
  LineNotFoundError,
  MessageEmptyError,
  UserMessageLimitError,
  BotIdError,
  WrongAuthTypeError,
  WrongChatError,
  type BotMessageKind,
  EventAuth,
  EventDataError,
  EventError,
  EventFormError,
  EventTokenError,
  readEvent,
  type EventDelivery,
  type EventChat,
  type EventMessage,
  type EventUser,
  type ImMessage,
  type LineConnector,
  type LineMessage,
  type MessageChange,
  type MessageEvent,
  type MessageExtra,
  type OnOpenLineMessageAdd,
  type OnOpenLineMessageAddData,
  type OnOpenLineMessageDelete,
  type OnOpenLineMessageDeleteData,
  type OnOpenLineMessageUpdate,
  type OnOpenLineMessageUpdateData,
  type OnSessionFinish,
  type OnSessionFinishData,
  type OnSessionStart,
  type OnSessionStartData,
  type OtherEvent,
  type PortalEvent,
  type SessionEvent,
  type SessionState,
  ArgumentError,
  BatchOptions,
  CallOptions,
  ClientEvent,
  ClientStats,
  AccessDeniedError,
  AccessDeniedKickError,
  AccessError,
  CanceledError,
  CantSaveQuickAnswerError,
  ChatDeleteUserPermissionDeniedError,
  ImopenlinesConfigPathGetResult,
  ImopenlinesRevisionGetResult,
  ImopenlinesSessionOpenResult,
  ImopenlinesConfigGetResult,
  OpenLineQueueMember,
  OpenLineQueueUser,
  OpenLineListItem,
  OpenLineQueueEntry,
  OpenLineSettings,
  OpenLineQueueEntity,
  InvalidFormatError,
  ConfigIdEmptyError,
  ConfigWrongUserPermissionError,
  QueueIdEmptyError,
  TransferIdEmptyError,
  UserIdEmptyError,
  ChatEntityLink,
  ChatIdEmptyError,
  ChatNotInCrmError,
  CrmChat,
  CrmChatEmptyCrmDataError,
  CrmChatEmptyUserError,
  CrmChatUserNotActiveError,
  type CrmEntityType,
  type ActiveChatCounting,
  type LineScenario,
  type OperatorDataShown,
  type QueueDistribution,
  type WelcomeBotJoin,
  type WelcomeBotLeave,
  type Weekday,
  WrongRequestError,
  ChatMessageViews,
  ChatPermissions,
  ChatReading,
  ChatRestrictions,
  ChatViewer,
  HistoryMessage,
  HistoryUser,
  ImNotInstalledError,
  ImopenlinesSessionHistoryGetResult,
  InvalidSessionIdError,
  MissingRequiredParamError,
  ImopenlinesDialogGetParams,
  ImopenlinesDialogGetResult,
  UserNotOperatorError,
  AuthError,
  B24kitError,
  BatchError,
  BatchLengthExceededError,
  BatchMethodNotAllowedError,
  BitrixSystemError,
  ChatIdError,
  ChatTypeError,
  Client,
  ClientOptions,
  ConfigError,
  ConnectError,
  ConnectionLostError,
  DEFAULT_OAUTH_SERVER,
  EmptySessionIdError,
  EmptyVoteParamsError,
  ExpiredTokenError,
  InvalidTokenError,
  HttpError,
  ImopenlinesSessionModeSilentParams,
  InsufficientScopeError,
  InternalServerError,
  InvalidArgumentError,
  InvalidCredentialsError,
  InvalidRequestError,
  ListWalk,
  ManifestIsNotAvailableError,
  MethodError,
  MethodNotFoundError,
  NoAuthFoundError,
  OperatorWrongError,
  NotFoundError,
  OperationTimeLimitError,
  OverloadLimitError,
  PlanAccessDeniedError,
  PlanError,
  PortalMovedError,
  PortalDeletedError,
  PortalStateError,
  ProtocolError,
  QueryLimitExceededError,
  RateLimit,
  RateLimitError,
  RequestTimeoutError,
  Response,
  ServerError,
  SkippedError,
  Time,
  TlsError,
  TokenExpiredError,
  TokenRefreshError,
  Tokens,
  TransportError,
  UnexpectedAnswerError,
  UnknownCodeError,
  UserAccessError,
  UserIdError,
  errors,
  version,
  type B24kitErrorFields,
  type JsonParams,
  type JsonValue,
  type ListOptions,
  type Progress,
  type OAuthClientOptions,
  type OperatingBudgetOptions,
  type RetryOptions,
  type SharedLimitsOptions,
} from 'b24kit';

const everyError: Array<abstract new (...args: never[]) => B24kitErrorFields> = [
  B24kitError, MethodError, ChatIdError, ChatTypeError, AccessDeniedError, UserIdError,
  ChatIdEmptyError, UserNotOperatorError, AccessError, ImNotInstalledError, MissingRequiredParamError, AccessDeniedKickError,
  EmptySessionIdError, EmptyVoteParamsError, OperatorWrongError,
  CrmChatEmptyCrmDataError, ChatNotInCrmError, CrmChatUserNotActiveError, WrongRequestError, ArgumentError,
  CrmChatEmptyUserError, ChatDeleteUserPermissionDeniedError, CanceledError, CantSaveQuickAnswerError,
  UserIdEmptyError, QueueIdEmptyError, TransferIdEmptyError,
  InvalidSessionIdError, BitrixSystemError, RateLimitError, QueryLimitExceededError, OperationTimeLimitError,
  AuthError, NoAuthFoundError, InvalidRequestError, InvalidCredentialsError, InsufficientScopeError,
  UserAccessError, TokenExpiredError, ExpiredTokenError, InvalidTokenError, ServerError, InternalServerError,
  UnexpectedAnswerError, BatchError, BatchMethodNotAllowedError, BatchLengthExceededError,
  PlanError, PlanAccessDeniedError, PortalStateError, OverloadLimitError, PortalDeletedError,
  NotFoundError, MethodNotFoundError, ManifestIsNotAvailableError, UnknownCodeError, HttpError, PortalMovedError,
  TransportError, ConnectError, TlsError, RequestTimeoutError, ConnectionLostError, ProtocolError,
  InvalidArgumentError, ConfigError, TokenRefreshError, SkippedError,
  EventError, EventFormError, EventTokenError, EventDataError, WrongChatError, BotIdError, WrongAuthTypeError,
  CodeError, ImbotError, LineNotFoundError, InactiveError, UserMessageLimitError, MessageEmptyError,
  AttachOversizeError, AttachError, KeyboardError, ConfigIdEmptyError, ConfigWrongUserPermissionError,
  InvalidFormatError,
];

/** Settings with documented values are enums' texts; a value a newer portal adds is kept too. */
function describeSettings(line: ImopenlinesConfigGetResult): void {
  const distribution: QueueDistribution | null = line.queueType;
  if (distribution === 'all') console.log('each dialog is offered to every operator at once');
  const counting: ActiveChatCounting | null = line.typeMaxChat;
  const joins: WelcomeBotJoin | null = line.welcomeBotJoin;
  const leaves: WelcomeBotLeave | null = line.welcomeBotLeft;
  const operator: OperatorDataShown | null = line.operatorData;
  const scenarios: (LineScenario | null)[] = [line.noAnswerRule, line.closeRule];
  const daysOff: Weekday[] = line.worktimeDayoff ?? [];
  console.log(`queue ${distribution}, limit counts ${counting}, bot ${joins}/${leaves}, operator ${operator}, ${scenarios}, off ${daysOff}`);
}

/** Create an open line, read its settings and queue, change it, delete it. */
async function manageLines(client: Client): Promise<void> {
  const entry: OpenLineQueueEntry = { ENTITY_TYPE: 'user', ENTITY_ID: 1 };
  const settings: OpenLineSettings = { LINE_NAME: 'Shop', QUEUE: [entry], QUEUE_TYPE: 'strictly' };
  const id: number = (await client.imopenlinesConfigAdd({ params: settings })).result;
  try {
    const line: ImopenlinesConfigGetResult = (await client.imopenlinesConfigGet({ configId: id, withQueue: true, showOffline: false })).result;
    const entries: { [user: string]: OpenLineQueueMember } = line.queueFull ?? {};
    const shown: { [user: string]: OpenLineQueueUser } = line.queueUsersFields ?? {};
    console.log(`line ${line.id} ${line.lineName}: queue ${line.queue}, ${Object.keys(entries).length} entries, ${Object.keys(shown).length} shown`);
    describeSettings(line);
    console.log(`switched off: ${(await client.imopenlinesConfigUpdate({ configId: id, params: { ACTIVE: 'N' } })).result}`);
  } catch (e) {
    if (e instanceof ConfigIdEmptyError) console.log('no such line');
    else if (e instanceof ConfigWrongUserPermissionError) console.log('not allowed to change lines');
    else throw e;
  } finally {
    console.log(`deleted: ${(await client.imopenlinesConfigDelete({ configId: id })).result}`);
  }
  await client.imopenlinesConfigAddBatch([{ params: { LINE_NAME: 'Two' } }, {}]);
  await client.imopenlinesConfigUpdateBatch([{ configId: 1, params: { WELCOME_MESSAGE: 'N' } }]);
  await client.imopenlinesConfigGetBatch([{ configId: 1 }]);
  await client.imopenlinesConfigDeleteBatch([{ configId: 99 }]);
  try {
    const listed: OpenLineListItem[] = (await client.imopenlinesConfigListGet({
      params: { select: ['ID', 'LINE_NAME'], order: { ID: 'DESC' }, limit: 10 },
      options: { CONFIG_QUEUE: 'Y' },
    })).result;
    for (const item of listed) {
      const queue: OpenLineQueueEntity[] = item.configQueue ?? [];
      console.log(`line ${item.id}: ${item.lineName}, ${queue.length} in its queue`);
    }
    await client.imopenlinesConfigListGetBatch([{ params: { limit: 1 } }, { options: { QUEUE: 'Y' } }]);
    const everyLine: ListWalk<OpenLineListItem> = client.imopenlinesConfigListGetAll({ params: { select: ['ID'], limit: 1 } });
    const ids: Array<string | null> = [];
    for await (const line of everyLine) ids.push(line.id);
    console.log(`every line: ${ids.join(', ')} in ${everyLine.progress.requests} requests`);
  } catch (e) {
    if (e instanceof InvalidFormatError) console.log(`not listed: ${e.message}`);
    else throw e;
  }
}

/**
 * Connect a Bitrix24.Network line, then write to a user on its behalf, with an attachment and a
 * link button (plain objects and arrays: sent as JSON).
 */
async function fromTheNetwork(client: Client, code: string, userId: number): Promise<void> {
  try {
    const bot: number = (await client.imopenlinesNetworkJoin({ code })).result;
    console.log(`line ${code} speaks through bot ${bot}`);
    await client.imopenlinesNetworkMessageAdd({
      code,
      userId,
      message: 'Here is the setup guide.',
      attach: { BLOCKS: [{ LINK: { NAME: 'Setup guide', LINK: 'https://example.com/setup' } }] },
      keyboard: { BUTTONS: [{ TEXT: 'Open', LINK: 'https://example.com/setup' }] },
      urlPreview: false,
    });
    console.log(await client.imopenlinesNetworkMessageAddBatch([{ code, userId: 2, message: 'Hello' }]));
  } catch (e) {
    if (e instanceof CodeError || e instanceof LineNotFoundError || e instanceof InactiveError || e instanceof ImbotError) {
      console.log(`no such line here: ${e.code}`);
    } else if (e instanceof UserMessageLimitError) console.log('written to this week already');
    else if (e instanceof MessageEmptyError || e instanceof AttachOversizeError || e instanceof AttachError || e instanceof KeyboardError) {
      console.log(`not sent: ${e.code}`);
    } else throw e;
  }
}

/** What a chat bot does with the dialog it answers: greet, then hand it to a person. */
async function asTheBot(client: Client, chatId: number, botClientId: string): Promise<void> {
  const welcome: BotMessageKind = 'WELCOME';
  try {
    await client.imopenlinesBotSessionMessageSend({ chatId, name: welcome });
    await client.imopenlinesBotSessionMessageSend({ chatId, name: 'DEFAULT', message: 'One moment, please.' });
    const moved = await client.imopenlinesBotSessionTransfer({ chatId, userId: 2, leave: true, clientId: botClientId });
    console.log(`the bot handed chat ${chatId} over: ${moved.result}`);
    await client.imopenlinesBotSessionOperator({ chatId });
  } catch (e) {
    if (e instanceof WrongChatError) console.log('a person holds it already');
    else if (e instanceof BotIdError) console.log('no chat bot of this application');
    else if (e instanceof WrongAuthTypeError) console.log('not from a browser session');
    else throw e;
  } finally {
    await client.imopenlinesBotSessionFinish({ chatId, clientId: botClientId });
  }
}

function describeSession(kind: string, item: SessionEvent): string {
  const where: LineConnector = item.connector;
  const session: SessionState = item.session;
  const chat: EventChat = item.chat;
  const user: EventUser = item.user;
  return `session ${session.id} ${kind} (closed: ${session.closed}, closes in ${session.closeTerm} min) ` +
    `on line ${where.lineId} via ${where.connectorId}, chat ${chat.id}, client ${user.id}`;
}

function describeChange(kind: string, change: MessageChange): string {
  const im: ImMessage = change.im;
  const message: EventMessage = change.message;
  return `message ${message.id} ${kind} (chat ${im.chatId}, message ${im.messageId})`;
}

function describeEvent(event: PortalEvent): string {
  switch (event.type) {
    case 'OnSessionStart': {
      const started: OnSessionStart = event;
      const data: OnSessionStartData = started.data;
      return data.data.map((item) => describeSession('started', item)).join('; ');
    }
    case 'OnSessionFinish': {
      const finished: OnSessionFinish = event;
      const data: OnSessionFinishData = finished.data;
      return data.data.map((item) => describeSession('finished', item)).join('; ');
    }
    case 'OnOpenLineMessageAdd': {
      const added: OnOpenLineMessageAdd = event;
      const data: OnOpenLineMessageAddData = added.data;
      const posts: MessageEvent[] = data.data;
      const texts: LineMessage[] = posts.map((post) => post.message);
      const extras: MessageExtra[] = posts.map((post) => post.messageExtra);
      return `${texts.length} new: ${texts.map((t) => t.text)} ${extras.map((x) => x.extraUrl)}`;
    }
    case 'OnOpenLineMessageUpdate': {
      const updated: OnOpenLineMessageUpdate = event;
      const data: OnOpenLineMessageUpdateData = updated.data;
      return data.data.map((c) => describeChange('edited', c)).join('; ');
    }
    case 'OnOpenLineMessageDelete': {
      const deleted: OnOpenLineMessageDelete = event;
      const data: OnOpenLineMessageDeleteData = deleted.data;
      return `on ${data.connector} line ${data.line}: ` + data.data.map((c) => describeChange('deleted', c)).join('; ');
    }
    case 'Other': {
      const other: OtherEvent = event;
      return `${other.code}, not typed: ${JSON.stringify(other.data)}`;
    }
  }
}

/** What an event handler does with a POST: check it, then act on its typed event. */
function handleDelivery(body: Uint8Array | string, applicationToken: string): string {
  let delivery: EventDelivery;
  try {
    delivery = readEvent(body, applicationToken);
  } catch (e) {
    if (e instanceof EventTokenError) return 'refused: not from a portal that installed this application';
    if (e instanceof EventFormError || e instanceof EventDataError) return `refused: ${e.message}`;
    if (e instanceof EventError) return `refused (${e.kind}): ${e.message}`;
    throw e;
  }
  const auth: EventAuth = delivery.auth;
  return `from ${auth.domain} (event ${delivery.eventId}): ${describeEvent(delivery.event)}`;
}

function describe(time: Time): string {
  const reset: number | null = time.operatingResetAt;
  return `${time.duration.toFixed(4)} s (budget used ${time.operating}, frees at ${reset}, started ${time.dateStart})`;
}

interface Contact {
  ID: string;
  NAME?: string;
}

/** Methods the spec does not type yet, by name (the CRM ones need the `crm` scope). */
async function anyMethod(client: Client): Promise<void> {
  const contact: Response<Contact> = await client.call<Contact>('crm.contact.get', { ID: 5 });
  const raw: JsonValue = (await client.call('crm.contact.get', { ID: 6 })).result;
  console.log(`contact ${contact.result.ID}, then ${JSON.stringify(raw).length} bytes`);
  const out = await client.batch({
    first: ['crm.contact.get', { ID: 1 }],
    again: ['crm.contact.get', { ID: '$result[first][ID]' }],
  });
  for (const [name, outcome] of Object.entries(out)) {
    console.log(name, outcome instanceof B24kitError ? outcome.code : outcome.result);
  }
  const filter: JsonParams = { filter: { '<=ID': 120 }, select: ['ID'] };
  const options: ListOptions = { byId: true };
  const walk: ListWalk<Contact> = client.list<Contact>('crm.contact.list', filter, options);
  let ids = 0;
  for await (const item of walk) ids += item.ID.length > 0 ? 1 : 0;
  const progress: Progress = walk.progress;
  console.log(`listed ${ids} contacts in ${progress.requests} requests (total ${progress.total})`);
  for await (const page of client.list('crm.contact.list').pages()) {
    console.log(`first page: ${page.length}`);
    break;
  }
}

/** The nested parts of a dialog: objects, lists of objects, dates. */
function describeDialog(dialog: ImopenlinesDialogGetResult): void {
  const restrictions: ChatRestrictions | null = dialog.restrictions;
  const link: ChatEntityLink | null = dialog.entityLink;
  const permissions: ChatPermissions | null = dialog.permissions;
  const readings: ChatReading[] = dialog.readedList ?? [];
  const views: ChatMessageViews | null = dialog.lastMessageViews;
  const viewers: ChatViewer[] = views?.firstViewers ?? [];
  const created: Date | null = dialog.dateCreate;
  console.log(`created ${created?.toISOString()} in ${link?.id}; may send: ${restrictions?.send}; posting: ${permissions?.canPost}`);
  console.log(`read by ${readings.map((r) => r.userId).join(',')}, seen first by ${viewers.map((v) => v.userName).join(',')}`);
}

export async function main(url: string, chatId: number): Promise<void> {
  const options: ClientOptions = { timeoutMs: 10_000, connectTimeoutMs: 5_000, userAgent: 'every-name/1.0' };
  const client: Client = Client.fromWebhook(url, options);
  const params: ImopenlinesSessionModeSilentParams = { chatId, activate: true };
  const answer: Response<boolean> = await client.imopenlinesSessionModeSilent(params);
  const lookup: ImopenlinesDialogGetParams = { chatId };
  const dialog: ImopenlinesDialogGetResult = (await client.imopenlinesDialogGet(lookup)).result;
  const sessions: number[] = (await client.imopenlinesSessionModePinAll()).result;
  await client.imopenlinesSessionModePin({ chatId, activate: false });
  console.log(`dialog ${dialog.id} silent: ${dialog.entityData3 === 'Y'}; pinned ${sessions.length}`);
  describeDialog(dialog);
  await asTheBot(client, 2047, 'emulatorbotclient1');
  await fromTheNetwork(client, 'ab515f5d85a8b844d484f6ea75a2e494', 3);
  await manageLines(client);
  const taken: boolean = (await client.imopenlinesOperatorAnswer({ chatId })).result;
  console.log(`taken: ${taken}; passed on: ${(await client.imopenlinesOperatorSkip({ chatId })).result}`);
  const history: ImopenlinesSessionHistoryGetResult = (await client.imopenlinesSessionHistoryGet({ chatId })).result;
  const messages: { [id: string]: HistoryMessage } = history.message ?? {};
  const users: { [id: string]: HistoryUser } = history.users ?? {};
  for (const [id, message] of Object.entries(messages)) {
    console.log(`${id} ${message.date?.toISOString()} ${users[message.senderid ?? '']?.name ?? 'system'}: ${message.text}`);
  }
  const lead: CrmEntityType = 'lead';
  const crmChats: CrmChat[] = (await client.imopenlinesCrmChatGet({ crmEntityType: lead, crmEntity: 1205, activeOnly: false })).result;
  const newest: number = (await client.imopenlinesCrmChatGetLastId({ crmEntityType: 'lead', crmEntity: 1205 })).result;
  console.log(`lead 1205: ${crmChats.map((c) => `${c.chatId} via ${c.connectorTitle}`).join(', ')}; newest ${newest}`);
  const posted: number = (await client.imopenlinesCrmMessageAdd({ crmEntityType: lead, crmEntity: 1205, userId: 2, chatId: newest, message: 'Your order ships today.' })).result;
  const revisions: ImopenlinesRevisionGetResult = (await client.imopenlinesRevisionGet()).result;
  const paths: ImopenlinesConfigPathGetResult = (await client.imopenlinesConfigPathGet()).result;
  const saved: boolean = (await client.imopenlinesMessageQuickSave({ chatId, messageId: chatId * 100 + 2 })).result;
  console.log(`message ${posted}; REST revision ${revisions.rest}; ${paths.serverAddress}${paths.publicPath}; quick answer saved: ${saved}`);
  const opened: ImopenlinesSessionOpenResult = (await client.imopenlinesSessionOpen({ userCode: dialog.entityId ?? '' })).result;
  const moved: boolean = (await client.imopenlinesOperatorTransfer({ chatId: opened.chatId, transferId: 'queue1' })).result;
  console.log(`chat ${opened.chatId} back in the queue: ${moved}`);
  const rated: boolean = (await client.imopenlinesSessionHeadVote({ sessionId: history.sessionId ?? 0, rating: 5 })).result;
  console.log(`rated: ${rated}`);
  console.log((await client.imopenlinesSessionModeUnpinAll()).result.join(','));
  console.log(`b24kit ${version}: on ${answer.result} in ${describe(answer.time)}; ${everyError.length} error classes`);
  try {
    await client.imopenlinesSessionModeSilent({ chatId });
  } catch (e) {
    if (e instanceof ChatTypeError) console.log(`not an open line: ${e.code} ${e.httpStatus}`);
    else if (e instanceof RateLimitError) console.log(`slow down (${e.category}), retryable: ${e.retryable}`);
    else if (e instanceof PortalMovedError) console.log(`the portal is now at ${e.location}`);
    else if (e instanceof B24kitError) console.log(`failed: ${e.message}; may have reached the portal: ${e.mayHaveReachedServer}`);
    else throw e;
  }
  try {
    await anyMethod(client);
  } catch (e) {
    if (e instanceof B24kitError) console.log(`no CRM here: ${e.code}`);
    else throw e;
  }
  const patient: RetryOptions = { maxAttempts: 6, initialBackoffMs: 1_000, maxBackoffMs: 30_000 };
  const budget: OperatingBudgetOptions = { limitMs: 480_000, headroomMs: 30_000 };
  const onEvent = (event: ClientEvent): void => {
    if (event.kind === 'retry_scheduled' || event.kind === 'waiting_for_bucket') console.log(event.message);
  };
  const paced = Client.fromWebhook(url, { rateLimit: RateLimit.ENTERPRISE, retry: patient, operatingBudget: budget, deadlineMs: 120_000, onEvent });
  // Nothing listens on port 1: the worker paces itself alone, told as a shared_limits_lost event.
  const fleet: SharedLimitsOptions = { url: 'redis://127.0.0.1:1/0', prefix: 'every-name:', ifUnreachable: 'use_local_limits' };
  const worker = Client.fromWebhook(url, { shared: fleet, onEvent: (event) => console.log(event.kind, event.store) });
  console.log(`worker: ${(await worker.imopenlinesSessionModeSilent({ chatId })).result}`);
  const batchOptions: BatchOptions = { halt: false, deadlineMs: 30_000 };
  const outcomes: Array<Response<boolean> | B24kitError> = await paced
    .withRetry({ maxAttempts: 1 })
    .imopenlinesSessionModeSilentBatch([{ chatId }, { chatId: chatId + 1, activate: true }], batchOptions);
  const controller = new AbortController();
  const callOptions: CallOptions = { signal: controller.signal, timeoutMs: 5_000, deadlineMs: 20_000 };
  const pending = paced.imopenlinesSessionModeSilent({ chatId }, callOptions);
  controller.abort();
  try {
    await pending;
  } catch (e) {
    if (e instanceof AbortError) console.log(`aborted (${e.code})`);
    else throw e;
  }
  for (const outcome of outcomes) {
    if (outcome instanceof SkippedError) console.log('not run');
    else if (outcome instanceof B24kitError) console.log(`failed: ${outcome.code}`);
    else console.log(`ok: ${outcome.result}`);
  }
  const stats: ClientStats = paced.stats;
  console.log(`${stats.requests} requests, ${stats.retries} retries, ${stats.waitedMs} ms waited`);
  paced.close();
  const oauthOptions: OAuthClientOptions = {
    ...options,
    rateLimit: new RateLimit(50, 2),
    refresh: {
      clientId: 'app',
      clientSecret: 'secret',
      refreshToken: 'refresh',
      oauthServer: DEFAULT_OAUTH_SERVER,
      onTokensRefreshed: (tokens: Tokens) => console.log(`renewed until ${tokens.expires}`),
    },
  };
  const oauth = Client.fromOAuth(url.replace(/\/\d+\/[^/]+\/$/, '/'), 'token', oauthOptions);
  try {
    await oauth.imopenlinesSessionModeSilent({ chatId });
  } catch (e) {
    if (e instanceof TokenRefreshError) console.log(`log in again: ${e.code}`);
  }
  oauth.close();
  client.close();
  console.log(Object.keys(errors).length === everyError.length);
  const session = { connector_id: 'livechat', line_id: 1, chat_id: 2, user_id: 3 };
  const form = new URLSearchParams({ event: 'ONSESSIONFINISH', 'auth[domain]': 'example.bitrix24.com', 'auth[member_id]': 'm', 'auth[application_token]': 'app' });
  for (const [key, value] of Object.entries(session)) form.append(`data[DATA][0][connector][${key}]`, String(value));
  for (const [key, value] of Object.entries({ id: 42, closed: 'Y', parent_id: 0, close_term: 60 })) form.append(`data[DATA][0][session][${key}]`, String(value));
  form.append('data[DATA][0][chat][id]', '2');
  form.append('data[DATA][0][user][id]', '3');
  console.log(handleDelivery(form.toString(), 'app'));
  console.log(handleDelivery(Buffer.from(form.toString()), 'another app'));
}
