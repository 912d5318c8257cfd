"""No webhook key or token in any repr, str, exception message or log record, for every kind of
error — even when the server echoes the secret back."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

import pytest

import b24kit
from conftest import Portal

KEY = "topsecretwebhookkey42"
TOKEN = "topsecret-access-token-77"


def assert_clean(text: str, where: str) -> None:
    assert KEY not in text and TOKEN not in text, f"secret leaked in {where}: {text!r}"


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
    state["tokens"].append({"access_token": TOKEN, "user_id": 1, "scopes": ["imopenlines"]})
    portal.control("PUT", "state", state)
    caplog.set_level(logging.DEBUG, logger="b24kit")

    webhook = b24kit.Client.from_webhook(portal.webhook_for(1, KEY), timeout=0.5)
    oauth = b24kit.AsyncClient.from_oauth(portal.oauth_endpoint, TOKEN, timeout=0.5)
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
        for fault in faults(TOKEN):
            if fault:
                portal.fault(**fault)
            with pytest.raises(b24kit.B24kitError) as info:
                await oauth.imopenlines_session_mode_silent(2044, activate=True)
            assert_clean(str(info.value) + repr(info.value) + repr(info.value.__dict__), "async error")

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
