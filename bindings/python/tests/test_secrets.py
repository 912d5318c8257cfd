"""No webhook key, access token, refresh token or client secret in any repr, str, exception
message or log record, for every kind of error — even when the server echoes the secret back."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

import pytest

import b24kit
from conftest import Portal

KEY = "topsecretwebhookkey42"
TOKEN = "topsecret-access-token-77"
REFRESH = "topsecret-refresh-token-31"
CLIENT_SECRET = "topsecret-client-secret-19"
CLIENT_ID = "local.secrets.app"
SECRETS = (KEY, TOKEN, REFRESH, CLIENT_SECRET)


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret leaked in {where}: {text!r}"


def faults(secret: str) -> List[Dict[str, Any]]:
    echo = f"bad credentials {secret}"
    return [
        {},
        {"kind": "error", "status": 401, "code": "INVALID_CREDENTIALS", "description": echo},
        {"kind": "error", "status": 400, "code": "NEW_CODE", "description": echo},
        {"kind": "raw", "status": 502, "body": f"<html>{echo}</html>"},
        {"kind": "raw", "status": 200, "body": f"not json {echo}"},
        {"kind": "drop"},
        {"kind": "delay", "ms": 2000},
    ]


def test_no_secret_anywhere(portal: Portal, caplog: pytest.LogCaptureFixture) -> None:
    state = portal.control("GET", "state")
    state["webhooks"].append({"user_id": 1, "key": KEY, "scopes": ["imopenlines"]})
    state["tokens"].append(
        {
            "access_token": TOKEN,
            "user_id": 1,
            "scopes": ["imopenlines"],
            "refresh_token": REFRESH,
            "client_id": CLIENT_ID,
        }
    )
    state["apps"].append({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    portal.control("PUT", "state", state)
    caplog.set_level(logging.DEBUG, logger="b24kit")

    webhook = b24kit.Client.from_webhook(portal.webhook_for(1, KEY), timeout=0.5, rate_limit=None, retry=b24kit.Retry.never())
    renewed: List[b24kit.Tokens] = []
    oauth = b24kit.AsyncClient.from_oauth(
        portal.oauth_endpoint,
        TOKEN,
        timeout=0.5,
        rate_limit=None,
        retry=b24kit.Retry.never(),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH,
        oauth_server=portal.oauth_server,
        on_tokens_refreshed=renewed.append,
    )
    assert_clean(repr(webhook) + repr(oauth) + repr(webhook._native), "client repr")

    seen = set()
    for fault in faults(KEY):
        if fault:
            portal.fault(**fault)
        with pytest.raises(b24kit.B24kitError) as info:
            webhook.imopenlines_session_mode_silent(2044, activate=True)
        seen.add(type(info.value).__mro__[1].__name__)
        assert_clean(str(info.value), "str")
        assert_clean(repr(info.value), "repr")
        assert_clean(repr(info.value.__dict__), "fields")

    async def oauth_calls() -> None:
        for fault in faults(f"{TOKEN} {REFRESH} {CLIENT_SECRET}"):
            if fault:
                portal.fault(**fault)
            with pytest.raises(b24kit.B24kitError) as info:
                await oauth.imopenlines_session_mode_silent(2044, activate=True)
            assert_clean(str(info.value) + repr(info.value) + repr(info.value.__dict__), "async error")

        # The token expires: one renewal, whose pair the callback gets (and repr hides).
        portal.control("POST", "tokens/expire")
        await oauth.imopenlines_session_mode_silent(2043)
        assert len(renewed) == 1
        assert_clean(repr(renewed[0]), "Tokens repr")
        assert "***" in repr(renewed[0])
        # Then the OAuth server refuses a renewal: the app's secret was rotated.
        state = portal.control("GET", "state")
        for app in state["apps"]:
            app["client_secret"] = "rotated"
        for token in state["tokens"]:
            token["expired"] = True
        portal.control("PUT", "state", state)
        with pytest.raises(b24kit.TokenRefreshError) as refused:
            await oauth.imopenlines_session_mode_silent(2043)
        assert refused.value.code == "invalid_client"
        assert_clean(str(refused.value) + repr(refused.value) + repr(refused.value.__dict__), "refresh error")

    asyncio.run(oauth_calls())

    for url in (f"http://portal.example.com/rest/1/{KEY}/", f"https://p.example.com/rest/x/{KEY}/m.json"):
        with pytest.raises(b24kit.ConfigError) as config:
            b24kit.Client.from_webhook(url)
        assert_clean(str(config.value) + repr(config.value), "config error")

    assert seen >= {"MethodError", "AuthError", "B24kitError", "TransportError"}, seen
    records = [r for r in caplog.records if r.name.startswith("b24kit")]
    assert len(records) >= 10, "the core's log records reach Python's logging"
    for record in records:
        assert_clean(record.getMessage(), "log record")
