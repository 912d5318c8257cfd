"""The methods added from specs alone (pin, pinAll, unpinAll, dialog.get): each success path with
its side effect and each documented error, sync and asyncio."""

from __future__ import annotations

import asyncio
import datetime
import json

import pytest

import b24kit
from b24kit import errors
from conftest import Portal


def test_pin_defaults_to_pinning(client: b24kit.Client, portal: Portal) -> None:
    assert client.imopenlines_session_mode_pin(2043).result is True
    assert portal.chat(2043)["pinned"] is True
    assert portal.last_call()["params"]["ACTIVATE"] == "Y"
    client.imopenlines_session_mode_pin(2043, activate=False)
    assert portal.chat(2043)["pinned"] is False


@pytest.mark.parametrize(("chat_id", "cls"), [(999_999, errors.ChatIdError), (2044, errors.ChatTypeError), (2045, errors.AccessDeniedError)])
def test_pin_errors(client: b24kit.Client, chat_id: int, cls: type) -> None:
    with pytest.raises(cls) as info:
        client.imopenlines_session_mode_pin(chat_id)
    assert info.value.method == "imopenlines.session.mode.pin"


def test_pin_errors_the_client_cannot_provoke(client: b24kit.Client, portal: Portal) -> None:
    for code, cls in [("CHAT_ID_EMPTY", errors.ChatIdEmptyError), ("ERROR_USER_NOT_OPERATOR", errors.UserNotOperatorError)]:
        portal.fault(kind="error", status=400, code=code)
        with pytest.raises(cls) as info:
            client.imopenlines_session_mode_pin(2043)
        assert (info.value.code, info.value.http_status) == (code, 400)
    userless = b24kit.Client.from_oauth(portal.oauth_endpoint, "emulator-userless-token", rate_limit=None, retry=b24kit.Retry.never())
    with pytest.raises(errors.UserIdError):
        userless.imopenlines_session_mode_pin(2043)


def test_pin_all_and_unpin_all(client: b24kit.Client, portal: Portal) -> None:
    pinned = client.imopenlines_session_mode_pin_all()
    assert pinned.result == [1743] and isinstance(pinned.result, list)
    assert portal.chat(2043)["pinned"] is True
    assert client.imopenlines_session_mode_pin_all().result == []
    assert client.imopenlines_session_mode_unpin_all().result == [1743]
    assert portal.chat(2043)["pinned"] is False
    assert portal.last_call()["params"] == {}


def test_dialog_get_by_each_identifier_shows_silent_mode(client: b24kit.Client) -> None:
    client.imopenlines_session_mode_silent(2043, activate=True)
    for kwargs in ({"chat_id": 2043}, {"dialog_id": "chat2043"}, {"session_id": 1743}, {"user_code": "livechat|1|1373|211"}):
        dialog = client.imopenlines_dialog_get(**kwargs).result  # type: ignore[arg-type]
        assert isinstance(dialog, b24kit.ImopenlinesDialogGetResult)
        assert (dialog.id, dialog.entity_data_3, dialog.type, dialog.entity_type) == (2043, "Y", "lines", "LINES"), kwargs
        assert dialog.manager_list == [1] and dialog.extranet is False and dialog.dialog_id == "chat2043"
    shown = repr(dialog)
    assert shown.startswith("ImopenlinesDialogGetResult(id=2043, parent_chat_id=0, ") and shown.endswith(")"), shown
    # Every field under its Python name, as `dialog.<name>` reads it.
    assert "type='lines'" in shown and "r#" not in shown, shown
    client.imopenlines_session_mode_silent(2043)
    assert client.imopenlines_dialog_get(chat_id=2043).result.entity_data_3 == ""


def test_dialog_get_keeps_what_the_spec_does_not_describe(client: b24kit.Client, portal: Portal) -> None:
    undocumented = {"is_pinned": 7, "settings": {"avatar": True, "send": False}, "react_list": {"1": False}}
    restrictions = {"avatar": "Y", "react": True}
    answer = {"result": {"id": 2043, "owner": 5, **undocumented, "restrictions": restrictions}, "time": {"start": 1, "finish": 1, "duration": 0, "processing": 0, "date_start": "x", "date_finish": "x"}}
    portal.fault(kind="raw", status=200, body=json.dumps(answer))
    dialog = client.imopenlines_dialog_get(chat_id=2043).result
    assert (dialog.id, dialog.owner) == (2043, 5)
    assert dialog.extra == undocumented and list(dialog.extra) == ["is_pinned", "settings", "react_list"]
    dialog.extra["is_pinned"] = 0  # a copy: the result itself does not change
    assert dialog.extra["is_pinned"] == 7
    assert "extra={'is_pinned': 7, 'settings': {'avatar': True, 'send': False}" in repr(dialog), repr(dialog)
    # Nested objects keep theirs too.
    assert dialog.restrictions is not None
    assert (dialog.restrictions.avatar, dialog.restrictions.send, dialog.restrictions.extra) == (True, None, {"react": True})


def test_dialog_get_nested_objects_lists_and_dates(client: b24kit.Client) -> None:
    dialog = client.imopenlines_dialog_get(chat_id=2043).result
    assert isinstance(dialog.restrictions, b24kit.ChatRestrictions) and dialog.restrictions.send is True
    assert isinstance(dialog.permissions, b24kit.ChatPermissions) and dialog.permissions.manage_settings == "owner"
    assert dialog.entity_link is not None and dialog.entity_link.id == "livechat|1|1373|211"
    created = dialog.date_create
    assert isinstance(created, datetime.datetime) and created.isoformat() == "2026-03-16T19:36:06+01:00"
    assert created.utcoffset() == datetime.timedelta(hours=1)
    assert dialog.readed_list is not None and [type(r) for r in dialog.readed_list] == [b24kit.ChatReading]
    reading = dialog.readed_list[0]
    assert (reading.user_id, reading.user_name, reading.message_id) == (1, "User 1", dialog.last_message_id)
    assert dialog.last_message_views is not None
    viewers = dialog.last_message_views.first_viewers
    assert viewers is not None and isinstance(viewers[0], b24kit.ChatViewer) and viewers[0].user_id == 1
    assert (dialog.description, dialog.background_id, dialog.mute_list) == (None, None, [1])
    # Values compare by content; each read gives an equal object.
    assert dialog.readed_list == client.imopenlines_dialog_get(chat_id=2043).result.readed_list
    assert "ChatViewer(user_id=1, user_name='User 1', date=datetime.datetime(2026, 3, 16, 19, 40, 12" in repr(dialog.last_message_views)


def test_dialog_get_errors_and_the_one_of_rule(client: b24kit.Client, portal: Portal) -> None:
    with pytest.raises(errors.AccessError):
        client.imopenlines_dialog_get(chat_id=2045)
    portal.fault(kind="error", status=400, code="IM_NOT_INSTALLED")
    with pytest.raises(errors.ImNotInstalledError):
        client.imopenlines_dialog_get(chat_id=2043)
    # Removed from the docs (the server answers ACCESS_ERROR instead), so kept as sent.
    assert not hasattr(errors, "DialogIdEmptyError")
    portal.fault(kind="error", status=400, code="DIALOG_ID_EMPTY")
    with pytest.raises(errors.UnknownCodeError) as removed:
        client.imopenlines_dialog_get(chat_id=2043)
    assert removed.value.code == "DIALOG_ID_EMPTY"
    with pytest.raises(errors.InvalidArgumentError, match="exactly one of chat_id, dialog_id, session_id, user_code must be given, got none"):
        client.imopenlines_dialog_get()
    with pytest.raises(ValueError, match="got chat_id and user_code"):
        client.imopenlines_dialog_get(chat_id=1, user_code="x")
    with pytest.raises(TypeError, match="dialog_id must be a str"):
        client.imopenlines_dialog_get(dialog_id=5)  # type: ignore[arg-type]
    assert portal.stats()["rest_requests"] == 3


def test_the_new_methods_from_asyncio(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    async def main() -> None:
        assert (await async_client.imopenlines_session_mode_pin(2043)).result
        assert (await async_client.imopenlines_session_mode_unpin_all()).result == [1743]
        dialog = (await async_client.imopenlines_dialog_get(session_id=1743)).result
        assert dialog.id == 2043
        with pytest.raises(errors.AccessError):
            await async_client.imopenlines_dialog_get(user_code="nobody")

    asyncio.run(main())


def test_session_history_maps_keyed_by_id(client: b24kit.Client) -> None:
    history = client.imopenlines_session_history_get(session_id=1743).result
    assert isinstance(history, b24kit.ImopenlinesSessionHistoryGetResult)
    assert isinstance(history.message, dict) and list(history.message) == ["204301", "204302"]
    first = history.message["204301"]
    assert isinstance(first, b24kit.HistoryMessage) and (first.senderid, first.text) == ("211", "Hello, my order has not arrived.")
    assert history.users is not None and history.users["211"].connector is True and history.users["1"].departments == [1]
    assert history.user_block_chat == {"2043": {"1": False, "211": False}}
    assert history.user_in_chat == {"2043": [1, 211]}
    assert history.files is not None and history.files["20431"].authorid == 1
    assert history.chat is not None and history.chat["2043"].permissions is not None
    assert history.chat["2043"].permissions.can_post == "member"
    # Values the spec keeps as sent are plain Python values, new on each read.
    second = history.message["204302"]
    assert second.params == {"FILE_ID": [20431]} and first.params == []
    second.params["FILE_ID"].append(0)
    assert second.params == {"FILE_ID": [20431]}
    assert history.files["20431"].image is False
    assert "params={'FILE_ID': [20431]}" in repr(second), repr(second)


def test_operator_methods_move_the_session(client: b24kit.Client, portal: Portal) -> None:
    assert client.imopenlines_operator_answer(2043).result is True
    assert (portal.chat(2043)["status"], portal.chat(2043)["operator"]) == ("answered", 1)
    assert client.imopenlines_operator_skip(2043).result is True
    assert (portal.chat(2043)["status"], portal.chat(2043)["operator"]) == ("waiting", 0)
    client.imopenlines_operator_answer(2043)
    assert client.imopenlines_operator_finish(2043).result is True
    assert portal.chat(2043)["status"] == "closed"
    assert client.imopenlines_operator_spam(2043).result is True
    assert portal.chat(2043)["status"] == "spam"
    assert client.imopenlines_operator_another_finish(2043).result is True
    assert portal.chat(2043)["status"] == "closed"
    with pytest.raises(errors.ChatTypeError):
        client.imopenlines_operator_answer(2044)
    portal.fault(kind="error", status=400, code="ACCESS_DENIED_KICK")
    with pytest.raises(errors.AccessDeniedKickError) as info:
        client.imopenlines_operator_skip(2043)
    assert info.value.method == "imopenlines.operator.skip"


def test_session_history_errors(client: b24kit.Client) -> None:
    with pytest.raises(errors.MissingRequiredParamError):
        client.imopenlines_session_history_get()
    with pytest.raises(errors.InvalidSessionIdError):
        client.imopenlines_session_history_get(session_id=999_999)
    with pytest.raises(errors.AccessDeniedError):
        client.imopenlines_session_history_get(session_id=1745)


def test_crm_chats_take_the_enum_or_its_text(client: b24kit.Client, portal: Portal) -> None:
    assert b24kit.CrmEntityType.LEAD == "lead" and str(b24kit.CrmEntityType.DEAL) == "deal"
    chats = client.imopenlines_crm_chat_get(b24kit.CrmEntityType.LEAD, 1205, active_only=False).result
    assert [(c.chat_id, c.connector_id, c.connector_title) for c in chats] == [("2045", "livechat", "Live Chat")]
    assert client.imopenlines_crm_chat_get("lead", 1205, active_only=False).result == chats
    assert client.imopenlines_crm_chat_get(b24kit.CrmEntityType.CONTACT, 1205).result == []
    assert client.imopenlines_crm_chat_get_last_id(b24kit.CrmEntityType.LEAD, 1205).result == 2045
    # A kind the enum does not name is sent as given; this portal refuses it.
    with pytest.raises(errors.AccessDeniedError):
        client.imopenlines_crm_chat_get("invoice", 1205)
    with pytest.raises(TypeError):
        client.imopenlines_crm_chat_get(5, 1205)  # type: ignore[arg-type]
    assert client.imopenlines_crm_chat_user_add(b24kit.CrmEntityType.LEAD, 1205, 3).result == 2045
    assert portal.chat(2045)["members"] == [2, 3]
    with pytest.raises(errors.WrongRequestError):
        client.imopenlines_crm_chat_user_add("lead", 1205, 3, chat_id=2045)
    assert client.imopenlines_crm_chat_user_delete("lead", 1205, 3).result == 2045
    assert portal.chat(2045)["members"] == [2]


NETWORK_LINE = "ab515f5d85a8b844d484f6ea75a2e494"


def test_network_lines_join_and_write_once_per_user(client: b24kit.Client, portal: Portal) -> None:
    assert client.imopenlines_network_join(NETWORK_LINE).result == 603
    assert client.imopenlines_network_join(NETWORK_LINE).result == 603
    for code, cls in [("short", errors.CodeError), ("0" * 32, errors.LineNotFoundError), ("b24kitemulatorinactiveline000000", errors.InactiveError)]:
        with pytest.raises(cls):
            client.imopenlines_network_join(code)
    assert client.imopenlines_network_message_add(NETWORK_LINE, 3, "Hello").result is True
    with pytest.raises(errors.UserMessageLimitError):
        client.imopenlines_network_message_add(NETWORK_LINE, 3, "Hello again")


def test_json_parameters_reach_the_portal_nested(client: b24kit.Client, portal: Portal) -> None:
    attach = {"ID": 1, "BLOCKS": [{"MESSAGE": "The checklist"}, {"FILE": [{"NAME": "a.pdf", "SIZE": 42, "RATIO": 0.5}]}]}
    keyboard = ({"TEXT": "Open", "LINK": "https://example.com/setup"},)
    response = client.imopenlines_network_message_add(NETWORK_LINE, 3, "Hello", attach=attach, keyboard=keyboard, url_preview=False)
    assert response.result is True
    params = portal.last_call()["params"]
    assert params["ATTACH"] == attach
    assert params["KEYBOARD"] == [dict(keyboard[0])]
    assert params["URL_PREVIEW"] == "N"
    # Through `batch` the same values travel as PHP-style keys; the portal reads them back nested.
    outcomes = client.imopenlines_network_message_add_batch(
        [{"code": NETWORK_LINE, "user_id": 4, "message": "Hi", "attach": attach}, {"code": NETWORK_LINE, "user_id": 6, "message": "Hi", "attach": {"ID": 2}}]
    )
    assert isinstance(outcomes[0], b24kit.Response) and outcomes[0].result is True
    assert isinstance(outcomes[1], errors.AttachError)
    # A value JSON cannot hold is refused where it is, and nothing is sent.
    before = portal.stats()["rest_requests"]
    for bad, where in [({"BLOCKS": [{"SIZE": float("nan")}]}, r"attach\.BLOCKS\[0\]\.SIZE"), ({"BLOCKS": {1: "x"}}, r"attach\.BLOCKS"), ({b"x"}, r"attach")]:
        with pytest.raises(TypeError, match=where):
            client.imopenlines_network_message_add(NETWORK_LINE, 7, "x", attach=bad)
        with pytest.raises(TypeError, match=where):
            client.imopenlines_network_message_add_batch([{"code": NETWORK_LINE, "user_id": 7, "message": "x", "attach": bad}])
    assert portal.stats()["rest_requests"] == before


def test_json_parameters_from_asyncio(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    keyboard = {"BUTTONS": [{"TEXT": "Call me", "COMMAND": "callback"}]}

    async def send() -> None:
        with pytest.raises(errors.KeyboardError):
            await async_client.imopenlines_network_message_add(NETWORK_LINE, 3, "Hello", keyboard=keyboard)
        assert (await async_client.imopenlines_network_message_add(NETWORK_LINE, 3, "Hello", attach=[{"MESSAGE": "x"}])).result is True

    asyncio.run(send())
    assert portal.last_call()["params"]["ATTACH"] == [{"MESSAGE": "x"}]


def test_open_lines_created_read_changed_and_deleted(client: b24kit.Client, portal: Portal) -> None:
    line = client.imopenlines_config_get(1).result
    assert (line.id, line.line_name, line.active, line.queue) == ("1", "Support", "Y", ["1", "2"])
    assert line.queue_full is not None and line.queue_full["2"].user_id == "2"
    assert line.xml_id is None and line.worktime_dayoff == ["SA", "SU"]
    # Settings with documented values are members of the package's enums.
    assert line.queue_type is b24kit.QueueDistribution.EVENLY
    assert line.worktime_dayoff == [b24kit.Weekday.SA, b24kit.Weekday.SU]
    assert all(isinstance(day, b24kit.Weekday) for day in line.worktime_dayoff)
    assert line.type_max_chat is b24kit.ActiveChatCounting.ANSWERED_NEW
    assert "queue_type=<QueueDistribution.EVENLY: 'evenly'>" in repr(line)
    assert client.imopenlines_config_get(1, with_queue=False).result.queue_full is None
    new_id = client.imopenlines_config_add(params={"LINE_NAME": "Shop", "QUEUE": [{"ENTITY_TYPE": "user", "ENTITY_ID": 5}], "QUEUE_TIME": 90}).result
    assert new_id == 3
    shop = client.imopenlines_config_get(new_id).result
    assert (shop.line_name, shop.queue, shop.queue_time) == ("Shop", ["5"], "90")
    assert client.imopenlines_config_update(new_id, params={"ACTIVE": "N", "LINE_NAME": "Shop (closed)", "QUEUE_TYPE": "randomly"}).result is True
    closed = client.imopenlines_config_get(new_id).result
    assert (closed.active, closed.line_name) == ("N", "Shop (closed)")
    # A value the enum does not name is the text as sent.
    assert closed.queue_type == "randomly" and type(closed.queue_type) is str
    assert client.imopenlines_config_update(99, params={"ACTIVE": "N"}).result is False
    assert client.imopenlines_config_delete(new_id).result is True
    assert client.imopenlines_config_delete(new_id).result is False
    with pytest.raises(errors.ConfigIdEmptyError):
        client.imopenlines_config_get(new_id)
    with pytest.raises(b24kit.InvalidArgumentError):
        client.imopenlines_config_delete(0)
    userless = b24kit.Client.from_oauth(portal.oauth_endpoint, "emulator-userless-token", rate_limit=None, retry=b24kit.Retry.never())
    with pytest.raises(errors.ConfigWrongUserPermissionError) as info:
        userless.imopenlines_config_delete(2)
    assert info.value.http_status == 403


def test_open_lines_listed_filtered_sorted_and_paged(client: b24kit.Client, portal: Portal) -> None:
    lines = client.imopenlines_config_list_get(params={"filter": {"ACTIVE": "Y"}, "select": ["ID", "LINE_NAME"]}, options={"QUEUE": "Y", "CONFIG_QUEUE": "Y"}).result
    assert [(line.id, line.line_name, line.active, line.queue) for line in lines] == [("1", "Support", None, [1, 2])]
    assert lines[0].config_queue is not None and [(e.entity_type, e.entity_id) for e in lines[0].config_queue] == [("user", "1"), ("user", "2")]
    assert lines[0].queue_users_fields is not None and set(lines[0].queue_users_fields) == {"1", "2"}
    newest = client.imopenlines_config_list_get(params={"order": {"ID": "DESC"}, "limit": 1}).result
    assert [line.id for line in newest] == ["2"] and newest[0].queue is None
    with pytest.raises(errors.InvalidFormatError) as info:
        client.imopenlines_config_list_get(params={"select": ["COLOR"]})
    assert "select" in info.value.description


def _add_lines(client: b24kit.Client, count: int) -> None:
    """Adds lines until the portal has ``count`` (it starts with two)."""
    for n in range(3, count + 1):
        client.imopenlines_config_add(params={"LINE_NAME": f"Line {n}"})


def test_a_list_method_is_walked_typed_through_its_own_limit_and_offset(client: b24kit.Client, portal: Portal) -> None:
    _add_lines(client, 7)
    served = portal.stats()["rest_requests"]
    walk = client.imopenlines_config_list_get_all(params={"limit": 2, "select": ["ID", "LINE_NAME"]})
    lines = list(walk)
    assert all(isinstance(line, b24kit.OpenLineListItem) for line in lines)
    assert [line.id for line in lines] == [str(n) for n in range(1, 8)]
    assert lines[6].line_name == "Line 7" and lines[6].active is None
    # Four pages of two (the last of one); the walk ends at the short page.
    assert walk.progress == b24kit.Progress(7, None, 4)
    assert portal.stats()["rest_requests"] - served == 4
    sent = portal.last_call()["params"]["PARAMS"]
    assert (sent["limit"], sent["offset"]) == (2, 6), sent

    # From the caller's offset, in the caller's order; stopping early sends nothing more.
    walk = client.imopenlines_config_list_get_all(params={"limit": 2, "offset": 1, "order": {"ID": "DESC"}})
    served = portal.stats()["rest_requests"]
    first = [next(walk).id for _ in range(3)]
    assert first == ["6", "5", "4"]
    assert portal.stats()["rest_requests"] - served == 2
    assert [page for page in walk.pages()][-1][-1].id == "1"


def test_a_typed_walk_refuses_its_paging_parameters_before_sending(client: b24kit.Client, portal: Portal) -> None:
    walk = client.imopenlines_config_list_get_all(params={"offset": -3})
    with pytest.raises(errors.InvalidArgumentError) as info:
        next(walk)
    assert info.value.parameter == "offset"
    with pytest.raises(errors.InvalidArgumentError):
        next(iter(client.list("imopenlines.config.list.get", {"PARAMS": "everything"})))
    assert portal.stats()["rest_requests"] == 0


def test_a_list_method_by_name_pages_the_way_its_spec_declares(client: b24kit.Client, portal: Portal) -> None:
    _add_lines(client, 5)
    walk = client.list("imopenlines.config.list.get", {"PARAMS": {"limit": 2, "select": ["ID"]}})
    assert [line["ID"] for line in walk] == ["1", "2", "3", "4", "5"]
    assert walk.progress.requests == 3


def test_a_typed_walk_from_asyncio(async_client: b24kit.AsyncClient, client: b24kit.Client) -> None:
    _add_lines(client, 4)

    async def main() -> None:
        walk = async_client.imopenlines_config_list_get_all(params={"limit": 3})
        ids = [line.id async for line in walk]
        assert ids == ["1", "2", "3", "4"]
        assert walk.progress.requests == 2
        refused = async_client.imopenlines_config_list_get_all(params={"limit": "many"})
        with pytest.raises(errors.InvalidArgumentError):
            await refused.__anext__()

    asyncio.run(main())


def test_a_lines_settings_are_typed_and_only_those_given_are_sent(client: b24kit.Client, portal: Portal) -> None:
    settings: b24kit.OpenLineSettings = b24kit.OpenLineSettings(
        LINE_NAME="Shop",
        QUEUE=[b24kit.OpenLineQueueEntry(ENTITY_TYPE=b24kit.QueueEntityType.USER, ENTITY_ID=5)],
        QUEUE_TYPE=b24kit.QueueDistribution.STRICTLY,
        WORKTIME_DAYOFF=[b24kit.Weekday.SA],
        COLOR="green",  # type: ignore[typeddict-unknown-key]  # a key the spec does not describe goes as given
    )
    line_id = client.imopenlines_config_add(params=settings).result
    sent = portal.last_call()["params"]["PARAMS"]
    assert sent == {"LINE_NAME": "Shop", "QUEUE": [{"ENTITY_TYPE": "user", "ENTITY_ID": 5}], "QUEUE_TYPE": "strictly", "WORKTIME_DAYOFF": ["SA"], "COLOR": "green"}, sent
    line = client.imopenlines_config_get(line_id).result
    assert (line.queue_type, line.worktime_dayoff) == (b24kit.QueueDistribution.STRICTLY, [b24kit.Weekday.SA])
    served = portal.stats()["rest_requests"]
    # A setting of the wrong type is refused before sending, naming the setting.
    with pytest.raises(TypeError, match="QUEUE_TIME"):
        client.imopenlines_config_update(line_id, params={"QUEUE_TIME": "soon"})
    with pytest.raises(TypeError, match="ENTITY_TYPE"):
        client.imopenlines_config_add(params={"QUEUE": [{"ENTITY_ID": 5}]})  # type: ignore[typeddict-item]
    with pytest.raises(TypeError, match="params must be a dict"):
        client.imopenlines_config_add(params=["LINE_NAME"])  # type: ignore[arg-type]
    assert portal.stats()["rest_requests"] == served
