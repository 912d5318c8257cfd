"""Uses every public name of b24kit, fully typed (`mypy --strict` checks it in CI).

Run it against the emulator (`cargo run -p b24kit-emulator`) or a portal:
    python every_name.py https://your-domain.bitrix24.com/rest/1/your_webhook_key/ 2043
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import Any, Dict, List, Optional, Type, Union
from urllib.parse import urlencode

import b24kit
from b24kit import (
    AccessDeniedError,
    AccessDeniedKickError,
    AsyncClient,
    AsyncListWalk,
    AuthError,
    B24kitError,
    BatchError,
    BatchLengthExceededError,
    BatchMethodNotAllowedError,
    BitrixSystemError,
    AccessError,
    ArgumentError,
    CanceledError,
    CantSaveQuickAnswerError,
    ChatDeleteUserPermissionDeniedError,
    ChatEntityLink,
    ChatNotInCrmError,
    CrmChat,
    CrmChatEmptyCrmDataError,
    CrmChatEmptyUserError,
    CrmChatUserNotActiveError,
    CrmEntityType,
    ActiveChatCounting,
    LineScenario,
    OperatorDataShown,
    QueueDistribution,
    QueueEntityType,
    WelcomeBotJoin,
    WelcomeBotLeave,
    Weekday,
    ImopenlinesConfigPathGetResult,
    ImopenlinesRevisionGetResult,
    ImopenlinesSessionOpenResult,
    ImopenlinesConfigGetResult,
    OpenLineQueueEntry,
    OpenLineQueueMember,
    OpenLineQueueUser,
    OpenLineSettings,
    OpenLineListItem,
    OpenLineQueueEntity,
    QueueIdEmptyError,
    TransferIdEmptyError,
    UserIdEmptyError,
    ChatIdEmptyError,
    ChatIdError,
    ChatMessageViews,
    ChatPermissions,
    ChatReading,
    ChatRestrictions,
    ChatTypeError,
    ChatViewer,
    Client,
    ConfigError,
    ConnectError,
    ConnectionLostError,
    DEFAULT_OAUTH_SERVER,
    EmptySessionIdError,
    EmptyVoteParamsError,
    ExpiredTokenError,
    InvalidTokenError,
    HistoryChat,
    HistoryChatPermissions,
    HistoryDepartment,
    HistoryFile,
    HistoryMessage,
    HistoryOpenLines,
    HistoryUser,
    HttpError,
    ImNotInstalledError,
    ImopenlinesDialogGetResult,
    ImopenlinesSessionHistoryGetResult,
    InsufficientScopeError,
    InternalServerError,
    InvalidArgumentError,
    InvalidCredentialsError,
    InvalidRequestError,
    InvalidSessionIdError,
    ListWalk,
    ManifestIsNotAvailableError,
    MethodError,
    MissingRequiredParamError,
    OperatingBudget,
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
    Progress,
    ProtocolError,
    QueryLimitExceededError,
    RateLimit,
    SharedLimits,
    RateLimitError,
    RequestTimeoutError,
    Response,
    Retry,
    ServerError,
    Stats,
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
    UserNotOperatorError,
    WrongRequestError,
    __version__,
    errors,
    EventAuth,
    EventDataError,
    EventDelivery,
    EventError,
    EventFormError,
    EventTokenError,
    EventChat,
    EventMessage,
    EventUser,
    ImMessage,
    LineConnector,
    LineMessage,
    MessageChange,
    MessageEvent,
    MessageExtra,
    OnOpenLineMessageAdd,
    OnOpenLineMessageAddData,
    OnOpenLineMessageDelete,
    OnOpenLineMessageDeleteData,
    OnOpenLineMessageUpdate,
    OnOpenLineMessageUpdateData,
    OnSessionFinish,
    OnSessionFinishData,
    OnSessionStart,
    OnSessionStartData,
    OtherEvent,
    SessionEvent,
    SessionState,
    read_event,
    BotIdError,
    BotMessageKind,
    WrongAuthTypeError,
    WrongChatError,
    AttachError,
    AttachOversizeError,
    CodeError,
    ImbotError,
    InactiveError,
    KeyboardError,
    LineNotFoundError,
    MessageEmptyError,
    UserMessageLimitError,
    ConfigIdEmptyError,
    ConfigWrongUserPermissionError,
    InvalidFormatError,
)

EVERY_ERROR: List[Type[B24kitError]] = [
    MethodError, ChatIdError, ChatTypeError, AccessDeniedError, UserIdError, ChatIdEmptyError,
    UserNotOperatorError, AccessError, ImNotInstalledError, MissingRequiredParamError, InvalidSessionIdError,
    AccessDeniedKickError, EmptySessionIdError, EmptyVoteParamsError, OperatorWrongError,
    CrmChatEmptyCrmDataError, ChatNotInCrmError, CrmChatUserNotActiveError, WrongRequestError, ArgumentError,
    CrmChatEmptyUserError, ChatDeleteUserPermissionDeniedError, CanceledError, CantSaveQuickAnswerError,
    UserIdEmptyError, QueueIdEmptyError, TransferIdEmptyError, WrongChatError, BotIdError, WrongAuthTypeError,
    CodeError, ImbotError, LineNotFoundError, InactiveError, UserMessageLimitError, MessageEmptyError,
    AttachOversizeError, AttachError, KeyboardError, ConfigIdEmptyError, ConfigWrongUserPermissionError,
    InvalidFormatError,
    BitrixSystemError, RateLimitError, QueryLimitExceededError, OperationTimeLimitError,
    AuthError, NoAuthFoundError, InvalidRequestError, InvalidCredentialsError, InsufficientScopeError,
    UserAccessError, TokenExpiredError, ExpiredTokenError, InvalidTokenError, ServerError, InternalServerError,
    UnexpectedAnswerError, BatchError, BatchMethodNotAllowedError, BatchLengthExceededError,
    PlanError, PlanAccessDeniedError, PortalStateError, OverloadLimitError, PortalDeletedError,
    NotFoundError, MethodNotFoundError, ManifestIsNotAvailableError, UnknownCodeError, HttpError, PortalMovedError,
    TransportError, ConnectError, TlsError, RequestTimeoutError, ConnectionLostError, ProtocolError,
    InvalidArgumentError, ConfigError, TokenRefreshError, SkippedError,
]


def describe(time: Time) -> str:
    reset: Optional[float] = time.operating_reset_at
    return f"{time.duration:.4f} s (budget used {time.operating}, frees at {reset})"


def describe_dialog(dialog: ImopenlinesDialogGetResult) -> None:
    """The nested parts of a dialog: objects, lists of objects, dates with their offset."""
    restrictions: Optional[ChatRestrictions] = dialog.restrictions
    link: Optional[ChatEntityLink] = dialog.entity_link
    permissions: Optional[ChatPermissions] = dialog.permissions
    readings: List[ChatReading] = dialog.readed_list or []
    views: Optional[ChatMessageViews] = dialog.last_message_views
    viewers: List[ChatViewer] = (views.first_viewers or []) if views else []
    created: Optional[datetime] = dialog.date_create
    can_send = restrictions.send if restrictions else None
    print(f"created {created.isoformat() if created else '?'} in {link.id if link else '?'}; may send: {can_send}")
    print(f"posting: {permissions.can_post if permissions else '?'}; read by {[r.user_id for r in readings]}, seen first by {[v.user_name for v in viewers]}")


def describe_history(client: Client, session_id: int) -> None:
    """A session's history: maps keyed by identifier, their values typed."""
    history: ImopenlinesSessionHistoryGetResult = client.imopenlines_session_history_get(session_id=session_id).result
    messages: Dict[str, HistoryMessage] = history.message or {}
    users: Dict[str, HistoryUser] = history.users or {}
    chats: Dict[str, HistoryChat] = history.chat or {}
    files: Dict[str, HistoryFile] = history.files or {}
    departments: Dict[str, HistoryDepartment] = history.user_in_group or {}
    lines: Optional[HistoryOpenLines] = history.openlines
    permissions: List[Optional[HistoryChatPermissions]] = [chat.permissions for chat in chats.values()]
    for key, message in messages.items():
        author = users.get(message.senderid or "")
        print(f"{key} {message.date} {author.name if author else 'system'}: {message.text}")
    print(f"files {[f.name for f in files.values()]}, departments {list(departments)}, lines {lines}, rights {permissions}")


def describe_crm_chats(client: Client, lead_id: int) -> None:
    """The chats bound to a CRM lead: a result that is a list of typed objects."""
    kind: CrmEntityType = CrmEntityType.LEAD
    chats: List[CrmChat] = client.imopenlines_crm_chat_get(kind, lead_id, active_only=False).result
    print(f"lead {lead_id}: {[(c.chat_id, c.connector_title) for c in chats]}")
    try:
        newest: int = client.imopenlines_crm_chat_get_last_id("lead", lead_id).result
        added: int = client.imopenlines_crm_chat_user_add("lead", lead_id, 3, chat_id=newest).result
        removed: int = client.imopenlines_crm_chat_user_delete("lead", lead_id, 3).result
        print(f"user 3 added to chat {added} and removed from chat {removed}")
        posted: int = client.imopenlines_crm_message_add(kind, lead_id, 2, newest, "Your order ships today.").result
        print(f"message {posted} posted")
    except (CrmChatEmptyCrmDataError, WrongRequestError, CanceledError) as e:
        print(f"no change: {e.code}")


def describe_portal(client: Client, chat_id: int) -> None:
    """The portal's Open Lines as a whole, and a message kept as a quick answer."""
    revisions: ImopenlinesRevisionGetResult = client.imopenlines_revision_get().result
    paths: ImopenlinesConfigPathGetResult = client.imopenlines_config_path_get().result
    print(f"REST revision {revisions.rest}; public page {paths.server_address}{paths.public_path}")
    try:
        client.imopenlines_message_quick_save(chat_id, chat_id * 100 + 2)
    except CantSaveQuickAnswerError as e:
        print(f"not saved: {e.code}")



def hand_over(client: Client, user_code: str) -> None:
    """Open a dialog by its external user's code, then transfer it to a line's queue."""
    opened: ImopenlinesSessionOpenResult = client.imopenlines_session_open(user_code).result
    try:
        moved: bool = client.imopenlines_operator_transfer(opened.chat_id, transfer_id="queue1").result
        print(f"chat {opened.chat_id} back in the queue: {moved}")
    except (OperatorWrongError, QueueIdEmptyError, UserIdEmptyError, TransferIdEmptyError) as e:
        print(f"not transferred: {e.code}")


def describe_settings(line: ImopenlinesConfigGetResult) -> None:
    """Settings with documented values are enums; a value a newer portal adds is its text."""
    distribution: Optional[Union[QueueDistribution, str]] = line.queue_type
    if distribution is QueueDistribution.ALL:
        print("each dialog is offered to every operator at once")
    counting: Optional[Union[ActiveChatCounting, str]] = line.type_max_chat
    joins: Optional[Union[WelcomeBotJoin, str]] = line.welcome_bot_join
    leaves: Optional[Union[WelcomeBotLeave, str]] = line.welcome_bot_left
    operator: Optional[Union[OperatorDataShown, str]] = line.operator_data
    scenarios: List[Optional[Union[LineScenario, str]]] = [line.no_answer_rule, line.close_rule]
    days_off: List[Union[Weekday, str]] = line.worktime_dayoff or []
    weekend = days_off == [Weekday.SA, Weekday.SU]
    print(f"queue {distribution}, limit counts {counting}, bot {joins}/{leaves}, operator {operator}, {scenarios}, weekend off: {weekend}")


def manage_lines(client: Client) -> None:
    """Create an open line, read its settings and queue, change it, delete it."""
    entry: OpenLineQueueEntry = OpenLineQueueEntry(ENTITY_TYPE=QueueEntityType.USER, ENTITY_ID=1)
    settings: OpenLineSettings = OpenLineSettings(LINE_NAME="Shop", QUEUE=[entry], QUEUE_TYPE=QueueDistribution.STRICTLY)
    line_id: int = client.imopenlines_config_add(params=settings).result
    try:
        line: ImopenlinesConfigGetResult = client.imopenlines_config_get(line_id, with_queue=True, show_offline=False).result
        entries: Dict[str, OpenLineQueueMember] = line.queue_full or {}
        shown: Dict[str, OpenLineQueueUser] = line.queue_users_fields or {}
        print(f"line {line.id} {line.line_name!r}: queue {line.queue}, {len(entries)} entries, {len(shown)} shown")
        describe_settings(line)
        changed: bool = client.imopenlines_config_update(line_id, params={"ACTIVE": "N"}).result
        print(f"switched off: {changed}")
    except ConfigIdEmptyError:
        print("no such line")
    except ConfigWrongUserPermissionError:
        print("not allowed to change lines")
    finally:
        print(f"deleted: {client.imopenlines_config_delete(line_id).result}")
    client.imopenlines_config_add_batch([{"params": {"LINE_NAME": "Two"}}, {}])
    client.imopenlines_config_update_batch([{"config_id": 1, "params": {"WELCOME_MESSAGE": "N"}}])
    client.imopenlines_config_get_batch([{"config_id": 1}])
    client.imopenlines_config_delete_batch([{"config_id": 99}])
    try:
        listed: List[OpenLineListItem] = client.imopenlines_config_list_get(
            params={"select": ["ID", "LINE_NAME"], "order": {"ID": "DESC"}, "limit": 10}, options={"CONFIG_QUEUE": "Y"}
        ).result
        for item in listed:
            queue: List[OpenLineQueueEntity] = item.config_queue or []
            print(f"line {item.id}: {item.line_name}, {len(queue)} in its queue")
        client.imopenlines_config_list_get_batch([{"params": {"limit": 1}}, {"options": {"QUEUE": "Y"}}])
        every_line: ListWalk[OpenLineListItem] = client.imopenlines_config_list_get_all(params={"select": ["ID"], "limit": 1})
        print(f"every line: {[line.id for line in every_line]} in {every_line.progress.requests} requests")
    except InvalidFormatError as e:
        print(f"not listed: {e}")


def from_the_network(client: Client, code: str, user_id: int) -> None:
    """Connect a Bitrix24.Network line, then write to a user on its behalf, with an attachment
    and a link button (plain dicts and lists: sent as JSON)."""
    try:
        bot: int = client.imopenlines_network_join(code).result
        print(f"line {code} speaks through bot {bot}")
        client.imopenlines_network_message_add(
            code,
            user_id,
            "Here is the setup guide.",
            attach={"BLOCKS": [{"LINK": {"NAME": "Setup guide", "LINK": "https://example.com/setup"}}]},
            keyboard={"BUTTONS": [{"TEXT": "Open", "LINK": "https://example.com/setup"}]},
            url_preview=False,
        )
        outcomes = client.imopenlines_network_message_add_batch([{"code": code, "user_id": 2, "message": "Hello"}])
        print(outcomes)
    except (CodeError, LineNotFoundError, InactiveError, ImbotError) as e:
        print(f"no such line here: {e.code}")
    except UserMessageLimitError:
        print("written to this week already")
    except (MessageEmptyError, AttachOversizeError, AttachError, KeyboardError) as e:
        print(f"not sent: {e.code}")


def as_the_bot(client: Client, chat_id: int, bot_client_id: str) -> None:
    """What a chat bot does with the dialog it answers: greet, then hand it to a person."""
    try:
        client.imopenlines_bot_session_message_send(chat_id, name=BotMessageKind.WELCOME)
        client.imopenlines_bot_session_message_send(chat_id, name="DEFAULT", message="One moment, please.")
        moved: bool = client.imopenlines_bot_session_transfer(chat_id, user_id=2, leave=True, client_id=bot_client_id).result
        print(f"the bot handed chat {chat_id} over: {moved}")
        client.imopenlines_bot_session_operator(chat_id)
    except WrongChatError:
        print("a person holds it already")
    except BotIdError:
        print("no chat bot of this application")
    except WrongAuthTypeError:
        print("not from a browser session")
    finally:
        client.imopenlines_bot_session_finish(chat_id, client_id=bot_client_id)


def switch(client: Client, chat_id: int) -> None:
    answer: Response[bool] = client.imopenlines_session_mode_silent(chat_id, activate=True)
    print(f"on: {answer.result} in {describe(answer.time)}")
    dialog: ImopenlinesDialogGetResult = client.imopenlines_dialog_get(chat_id=chat_id).result
    print(f"dialog {dialog.id} silent: {dialog.entity_data_3 == 'Y'}")
    describe_dialog(dialog)
    session_id = int((dialog.entity_data_1 or "").split("|")[5])
    describe_history(client, session_id)
    describe_crm_chats(client, 1205)
    describe_portal(client, chat_id)
    hand_over(client, dialog.entity_id or "")
    as_the_bot(client, 2047, "emulatorbotclient1")
    from_the_network(client, "ab515f5d85a8b844d484f6ea75a2e494", 3)
    manage_lines(client)
    taken: bool = client.imopenlines_operator_answer(chat_id).result
    print(f"taken: {taken}; passed on: {client.imopenlines_operator_skip(chat_id).result}")
    try:
        client.imopenlines_session_head_vote(session_id, comment="Quick and kind")
    except EmptyVoteParamsError as e:
        print(f"no rating: {e.code}")
    pinned: List[int] = client.imopenlines_session_mode_pin_all().result
    client.imopenlines_session_mode_pin(chat_id, activate=False)
    print(f"pinned sessions: {pinned}; unpinned: {client.imopenlines_session_mode_unpin_all().result}")
    try:
        client.imopenlines_session_mode_silent(chat_id=chat_id, activate=False)
    except ChatTypeError as e:
        print(f"not an open line: {e.code} {e.http_status}")
    except RateLimitError as e:
        print(f"slow down ({e.category}): retryable={e.retryable}")
    except PortalMovedError as e:
        print(f"the portal is now at {e.location}")
    except B24kitError as e:
        print(f"failed: {e} may_have_reached_server={e.may_have_reached_server}")


def in_bulk(client: Client, chat_ids: List[int]) -> None:
    outcomes: List[Union[Response[bool], B24kitError]] = client.imopenlines_session_mode_silent_batch(
        [{"chat_id": chat_id, "activate": True} for chat_id in chat_ids], halt=False
    )
    for chat_id, outcome in zip(chat_ids, outcomes):
        if isinstance(outcome, SkippedError):
            print(f"chat {chat_id}: not run")
        elif isinstance(outcome, B24kitError):
            print(f"chat {chat_id}: {outcome.code}")
        else:
            print(f"chat {chat_id}: {outcome.result}")


def any_method(client: Client) -> None:
    """Methods the spec does not type yet, by name (the CRM ones need the `crm` scope)."""
    contact: Response[Any] = client.call("crm.contact.get", {"ID": 5})
    print(f"contact {contact.result['ID']}")
    out: Dict[str, Union[Response[Any], B24kitError]] = client.batch(
        {
            "first": ("crm.contact.get", {"ID": 1}),
            "again": ("crm.contact.get", {"ID": "$result[first][ID]"}),
        }
    )
    print("batch:", {name: getattr(o, "result", o) is not None for name, o in out.items()})
    walk: ListWalk[Any] = client.list("crm.contact.list", {"filter": {"<=ID": 120}, "select": ["ID"]}, by_id=True)
    ids = [int(item["ID"]) for item in walk]
    progress: Progress = walk.progress
    print(f"listed {len(ids)} contacts in {progress.requests} requests (total {progress.total})")


async def any_method_async(client: AsyncClient) -> None:
    walk: AsyncListWalk[Any] = client.list("crm.contact.list", {"select": ["ID"]})
    async for page in walk.pages():
        print(f"first page: {len(page)} of {walk.progress.total}")
        break
    lines: AsyncListWalk[OpenLineListItem] = client.imopenlines_config_list_get_all(params={"limit": 1})
    print("lines, async:", [line.id async for line in lines])


def describe_session(kind: str, item: SessionEvent) -> str:
    where: LineConnector = item.connector
    session: SessionState = item.session
    chat: EventChat = item.chat
    user: EventUser = item.user
    return (
        f"session {session.id} {kind} (closed: {session.closed}, closes in {session.close_term} min) "
        f"on line {where.line_id} via {where.connector_id}, chat {chat.id}, client {user.id}"
    )


def describe_change(kind: str, change: MessageChange) -> str:
    im: ImMessage = change.im
    message: EventMessage = change.message
    return f"message {message.id} {kind} (chat {im.chat_id}, message {im.message_id})"


def on_event(body: bytes, application_token: str) -> str:
    """What an event handler does with a POST: check it, then act on its typed event."""
    try:
        delivery: EventDelivery = read_event(body, application_token)
    except EventTokenError:
        return "refused: not from a portal that installed this application"
    except (EventFormError, EventDataError) as e:
        return f"refused: {e}"
    except EventError as e:
        return f"refused ({e.kind}): {e}"
    auth: EventAuth = delivery.auth
    seen = f"from {auth.domain} (event {delivery.event_id}): "
    event = delivery.event
    if isinstance(event, OnSessionStart):
        started: OnSessionStartData = event.data
        return seen + "; ".join(describe_session("started", item) for item in started.data)
    if isinstance(event, OnSessionFinish):
        finished: OnSessionFinishData = event.data
        return seen + "; ".join(describe_session("finished", item) for item in finished.data)
    if isinstance(event, OnOpenLineMessageAdd):
        added: OnOpenLineMessageAddData = event.data
        posts: List[MessageEvent] = added.data
        texts: List[LineMessage] = [post.message for post in posts]
        extras: List[MessageExtra] = [post.message_extra for post in posts]
        return seen + f"{len(texts)} new: {[t.text for t in texts]} {[x.extra_url for x in extras]}"
    if isinstance(event, OnOpenLineMessageUpdate):
        updated: OnOpenLineMessageUpdateData = event.data
        return seen + "; ".join(describe_change("edited", c) for c in updated.data)
    if isinstance(event, OnOpenLineMessageDelete):
        deleted: OnOpenLineMessageDeleteData = event.data
        return seen + f"on {deleted.connector} line {deleted.line}: " + "; ".join(describe_change("deleted", c) for c in deleted.data)
    other: OtherEvent = event
    return seen + f"{other.code}, not typed: {other.data}"


def store(tokens: Tokens) -> None:
    print(f"renewed, expires {tokens.expires}: keep {tokens.refresh_token[:0]}…")


async def switch_async(url: str, chat_id: int) -> None:
    patient = Retry(max_attempts=6, initial_backoff=1.0, max_backoff=30.0)
    async with AsyncClient.from_webhook(
        url, timeout=10.0, deadline=120.0, rate_limit=RateLimit.ENTERPRISE, retry=patient
    ) as client:
        answers = await asyncio.gather(*(client.imopenlines_session_mode_silent(chat_id) for _ in range(3)))
        print("async:", [a.result for a in answers])
        once = client.with_retry(Retry.never()).with_deadline(15.0)
        batch = await once.imopenlines_session_mode_silent_batch([{"chat_id": chat_id}])
        print("async batch:", batch)
        try:
            await any_method_async(client)
        except B24kitError as e:
            print(f"no CRM here: {e.code}")
        stats: Stats = client.stats
        print(f"{stats.requests} requests, {stats.retries} retries, {stats.waited:.1f} s waited")


def main() -> None:
    url = sys.argv[1]
    chat_id = int(sys.argv[2]) if len(sys.argv) > 2 else 2043
    print(f"b24kit {__version__} ({b24kit.__name__}); {len(errors.__all__)} error classes")
    assert all(issubclass(cls, B24kitError) for cls in EVERY_ERROR)
    with Client.from_webhook(url, timeout=10.0, connect_timeout=5.0, user_agent="every-name/1.0") as client:
        print(repr(client))
        switch(client, chat_id)
        try:
            any_method(client)
        except B24kitError as e:
            print(f"no CRM here: {e.code}")
    asyncio.run(switch_async(url, chat_id))
    budget = OperatingBudget(limit=480.0, headroom=30.0)
    with Client.from_webhook(url, rate_limit=RateLimit(burst=50, drain_per_second=2), operating_budget=budget) as paced:
        in_bulk(paced, [chat_id, chat_id + 1])
    # Nothing listens on port 1: the client paces itself alone (a warning says so).
    fleet = SharedLimits("redis://127.0.0.1:1/0", prefix="every-name:", if_unreachable="use_local_limits")
    with Client.from_webhook(url, shared=fleet) as worker:
        print(f"{fleet!r}: {worker.imopenlines_session_mode_silent(chat_id).result}")
    try:
        Client.from_oauth(
            "http://portal.example.com/rest/",
            "token",
            client_id="app",
            client_secret="secret",
            refresh_token="refresh",
            oauth_server=DEFAULT_OAUTH_SERVER,
            on_tokens_refreshed=store,
        )
    except ConfigError as e:
        print(f"refused: {e}")
    except TokenRefreshError as e:
        print(f"log in again: {e.code}")
    session = {"connector_id": "livechat", "line_id": 1, "chat_id": 2, "user_id": 3}
    fields = {f"data[DATA][0][connector][{k}]": v for k, v in session.items()}
    fields.update({"data[DATA][0][session][id]": 42, "data[DATA][0][session][closed]": "Y"})
    fields.update({"data[DATA][0][session][parent_id]": 0, "data[DATA][0][session][close_term]": 60})
    fields.update({"data[DATA][0][chat][id]": 2, "data[DATA][0][user][id]": 3, "event": "ONSESSIONFINISH"})
    fields.update({"auth[domain]": "example.bitrix24.com", "auth[member_id]": "m", "auth[application_token]": "app"})
    posted = urlencode(fields).encode()
    print(on_event(posted, "app"))
    print(on_event(posted, "another app"))


if __name__ == "__main__":
    main()
