"""Every way a call fails, as the right exception class with its fields: method errors, system
errors by category, unknown codes, HTTP, transport and protocol faults, bad input and settings."""

from __future__ import annotations

import math
import pickle
import time
from typing import Any, Type

import pytest

import b24kit
from b24kit import errors
from conftest import Portal


def fails(client: b24kit.Client, chat_id: int = 2043, **kwargs: Any) -> b24kit.B24kitError:
    with pytest.raises(b24kit.B24kitError) as info:
        client.imopenlines_session_mode_silent(chat_id, **kwargs)
    return info.value


@pytest.mark.parametrize(
    ("chat_id", "cls", "code", "description"),
    [
        (999_999, errors.ChatIdError, "CHAT_ID", "Chat ID is invalid."),
        (2044, errors.ChatTypeError, "CHAT_TYPE", "This chat is not Open Channel"),
        (2045, errors.AccessDeniedError, "ACCESS_DENIED", "You do not have permission to access this chat."),
    ],
)
def test_each_method_error(
    client: b24kit.Client, portal: Portal, chat_id: int, cls: Type[errors.MethodError], code: str, description: str
) -> None:
    e = fails(client, chat_id, activate=True)
    assert type(e) is cls and isinstance(e, errors.MethodError) and isinstance(e, Exception)
    assert (e.code, e.description, e.http_status, e.retryable) == (code, description, 400, False)
    assert e.method == "imopenlines.session.mode.silent"
    assert f"{code} (HTTP 400)" in str(e)
    assert portal.chat(chat_id if chat_id != 999_999 else 2043)["silent"] is False


def test_user_id_error_from_a_token_without_user(portal: Portal) -> None:
    client = b24kit.Client.from_oauth(portal.oauth_endpoint, "emulator-userless-token", rate_limit=None, retry=b24kit.Retry.never())
    e = fails(client)
    assert type(e) is errors.UserIdError and e.code == "USER_ID"


def test_system_errors_from_the_portals_own_checks(portal: Portal) -> None:
    wrong_key = b24kit.Client.from_webhook(portal.webhook_for(1, "wrongkey"), rate_limit=None, retry=b24kit.Retry.never())
    e = fails(wrong_key)
    assert type(e) is errors.InvalidCredentialsError and isinstance(e, errors.AuthError)
    assert isinstance(e, errors.BitrixSystemError) and e.category == "auth" and e.http_status == 401

    crm_only = b24kit.Client.from_webhook(portal.webhook_for(1, "emulatorcrmonly1"), rate_limit=None, retry=b24kit.Retry.never())
    assert type(fails(crm_only)) is errors.InsufficientScopeError

    expired = b24kit.Client.from_oauth(portal.oauth_endpoint, "emulator-expired-token", rate_limit=None, retry=b24kit.Retry.never())
    e = fails(expired)
    assert type(e) is errors.ExpiredTokenError and isinstance(e, errors.TokenExpiredError)
    assert e.category == "token_expired"

    unknown = fails(b24kit.Client.from_oauth(portal.oauth_endpoint, "no-such-token", rate_limit=None, retry=b24kit.Retry.never()))
    assert type(unknown) is errors.InvalidTokenError and isinstance(unknown, errors.TokenExpiredError)
    assert (unknown.code, unknown.http_status) == ("invalid_token", 401)


def test_the_rate_limit_is_a_retryable_rate_limit_error(client: b24kit.Client, portal: Portal) -> None:
    portal.control("PUT", "limits", {"burst": 2, "drain_per_second": 0.01})
    client.imopenlines_session_mode_silent(2043)
    client.imopenlines_session_mode_silent(2043)
    e = fails(client)
    assert type(e) is errors.QueryLimitExceededError and isinstance(e, errors.RateLimitError)
    assert (e.code, e.http_status, e.retryable, e.category) == ("QUERY_LIMIT_EXCEEDED", 503, True, "rate_limit")


CATEGORY_GROUPS = {
    "rate_limit": errors.RateLimitError,
    "auth": errors.AuthError,
    "token_expired": errors.TokenExpiredError,
    "server": errors.ServerError,
    "batch": errors.BatchError,
    "plan": errors.PlanError,
    "portal_state": errors.PortalStateError,
    "not_found": errors.NotFoundError,
}


@pytest.mark.parametrize("code", sorted(errors._SYSTEM_ERRORS))
def test_every_system_error_code_maps_to_its_class_and_group(client: b24kit.Client, portal: Portal, code: str) -> None:
    # ACCESS_DENIED is the plan's only with 401; with any other status it is the method's.
    status = 401 if code == "ACCESS_DENIED" else 503
    portal.fault(kind="error", status=status, code=code.lower(), description="injected")
    e = fails(client)
    assert type(e) is errors._SYSTEM_ERRORS[code]
    assert e.code == code and e.description == "injected" and e.http_status == status
    assert e.category is not None and isinstance(e, CATEGORY_GROUPS[e.category])


def test_access_denied_is_told_apart_by_status(client: b24kit.Client, portal: Portal) -> None:
    # The newest error table: the plan's with 401; with any other status the method's.
    for status in (400, 403):
        portal.fault(kind="error", status=status, code="ACCESS_DENIED")
        e = fails(client)
        assert type(e) is errors.AccessDeniedError and e.http_status == status
    portal.fault(kind="error", status=401, code="ACCESS_DENIED")
    e = fails(client)
    assert type(e) is errors.PlanAccessDeniedError and isinstance(e, errors.PlanError)


def test_an_html_page_is_a_retryable_http_error(client: b24kit.Client, portal: Portal) -> None:
    portal.fault(kind="html", status=502)
    e = fails(client)
    assert type(e) is errors.HttpError and e.http_status == 502 and e.retryable and e.code is None
    assert "Bad Gateway" in str(e)


@pytest.mark.parametrize(("fault", "kind"), [("invalid_json", "not_json"), ("empty", "empty_body")])
def test_bodies_that_are_not_answers_are_protocol_errors(
    client: b24kit.Client, portal: Portal, fault: str, kind: str
) -> None:
    portal.fault(kind=fault, status=200)
    e = fails(client)
    assert type(e) is errors.ProtocolError and e.kind == kind and e.http_status == 200


def test_a_dropped_connection(client: b24kit.Client, portal: Portal) -> None:
    portal.fault(kind="drop")
    e = fails(client)
    assert type(e) is errors.ConnectionLostError and isinstance(e, ConnectionError)
    assert e.kind == "connection_lost" and e.may_have_reached_server and e.retryable


def test_a_server_that_never_answers_times_out_within_the_bound(portal: Portal) -> None:
    portal.fault(kind="delay", ms=30_000)
    client = b24kit.Client.from_webhook(portal.webhook_url, timeout=0.4, rate_limit=None, retry=b24kit.Retry.never())
    started = time.monotonic()
    e = fails(client)
    took = time.monotonic() - started
    assert type(e) is errors.RequestTimeoutError and isinstance(e, TimeoutError) and e.kind == "timeout"
    assert 0.4 <= took < 3, took


def test_a_refused_connection_was_not_sent() -> None:
    client = b24kit.Client.from_webhook("http://127.0.0.1:1/rest/1/key/", rate_limit=None, retry=b24kit.Retry.never())
    e = fails(client)
    assert type(e) is errors.ConnectError and isinstance(e, ConnectionError)
    assert e.may_have_reached_server is False and e.retryable


@pytest.mark.parametrize("bad", ["2043", 2043.0, True, None, [2043]])
def test_wrong_types_raise_type_error_before_sending(client: b24kit.Client, portal: Portal, bad: Any) -> None:
    with pytest.raises(TypeError, match="chat_id must be an int"):
        client.imopenlines_session_mode_silent(bad)
    with pytest.raises(TypeError, match="activate must be a bool"):
        client.imopenlines_session_mode_silent(2043, activate=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.imopenlines_session_mode_silent(2043, actvate=True)  # type: ignore[call-arg]
    assert portal.stats()["rest_requests"] == 0


@pytest.mark.parametrize("bad", [0, -1, -(2**63), 2**63, 2**100])
def test_out_of_range_values_raise_value_error_before_sending(client: b24kit.Client, portal: Portal, bad: int) -> None:
    with pytest.raises(ValueError) as info:
        client.imopenlines_session_mode_silent(bad)
    e = info.value
    assert isinstance(e, errors.InvalidArgumentError) and e.parameter == "chat_id"
    assert str(e).startswith("chat_id ")
    assert portal.stats()["rest_requests"] == 0


def test_async_calls_check_arguments_too(async_client: b24kit.AsyncClient) -> None:
    import asyncio

    async def main() -> None:
        with pytest.raises(TypeError):
            await async_client.imopenlines_session_mode_silent("1")  # type: ignore[arg-type]
        with pytest.raises(errors.InvalidArgumentError):
            await async_client.imopenlines_session_mode_silent(0)
        with pytest.raises(errors.ChatTypeError):
            await async_client.imopenlines_session_mode_silent(2044)

    asyncio.run(main())


@pytest.mark.parametrize(
    "make",
    [
        lambda: b24kit.Client.from_webhook("http://portal.example.com/rest/1/key/"),
        lambda: b24kit.Client.from_webhook("https://portal.example.com/rest/key/"),
        lambda: b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", timeout=0),
        lambda: b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", timeout=-1),
        lambda: b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", connect_timeout=math.nan),
        lambda: b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", root_certificate_pem="junk"),
        lambda: b24kit.AsyncClient.from_oauth("https://p.example.com/rest/", ""),
    ],
)
def test_bad_settings_raise_config_error(make: Any) -> None:
    with pytest.raises(errors.ConfigError) as info:
        make()
    assert isinstance(info.value, ValueError)


def test_exceptions_pickle_with_their_fields(client: b24kit.Client) -> None:
    e = fails(client, 2044)
    copy = pickle.loads(pickle.dumps(e))
    assert type(copy) is errors.ChatTypeError
    assert (copy.code, copy.http_status, copy.method, str(copy)) == (e.code, 400, e.method, str(e))
    assert repr(e).startswith("ChatTypeError('imopenlines.session.mode.silent failed with CHAT_TYPE")


def test_errors_are_exceptions_not_base_exceptions() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, b24kit.B24kitError) and issubclass(cls, Exception), name


def test_a_renamed_portal_is_a_typed_error_naming_the_new_address(portal: Portal) -> None:
    retry = b24kit.Retry(max_attempts=4, initial_backoff=0.001, max_backoff=0.002)
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, retry=retry) as client:
        portal.fault(kind="moved", to="https://new-name.bitrix24.com")
        with pytest.raises(b24kit.PortalMovedError) as caught:
            client.imopenlines_session_mode_silent(2043)
    error = caught.value
    assert error.location == "https://new-name.bitrix24.com/"
    assert (error.http_status, error.retryable) == (302, False)
    assert "https://new-name.bitrix24.com/" in str(error)
    # Not retried, not followed; the old path (with the key) is not repeated anywhere.
    assert portal.stats()["rest_requests"] == 1
    key = portal.webhook_url.rstrip("/").rsplit("/", 1)[1]
    assert key not in str(error) and key not in repr(error)
