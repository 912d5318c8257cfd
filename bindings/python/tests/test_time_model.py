"""The time model from Python: ``timeout`` bounds each attempt, ``deadline`` the whole call
(waits for the rate limiter included), both per client and per call; a cancelled asyncio task
gives its limiter slot back. Waits are a second or more so the bounds hold with both cores busy."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

import b24kit
from b24kit import errors
from conftest import Portal


def one_per_second(portal: Portal, client_class: type = b24kit.Client):
    """One request at once, then one a second: a second call waits about a second."""
    return client_class.from_webhook(
        portal.webhook_url, rate_limit=b24kit.RateLimit(2, 1), retry=b24kit.Retry.never()
    )


def test_the_default_deadline_is_finite_and_bad_bounds_are_config_errors(portal: Portal) -> None:
    assert 0 < b24kit._native.DEFAULT_TIMEOUT <= b24kit._native.DEFAULT_DEADLINE < math.inf
    client = b24kit.Client.from_webhook(portal.webhook_url)
    for bad in (0, -1, math.nan, math.inf):
        with pytest.raises(b24kit.ConfigError, match="deadline"):
            client.with_deadline(bad)
        with pytest.raises(b24kit.ConfigError, match="timeout"):
            client.with_timeout(bad)
        with pytest.raises(b24kit.ConfigError, match="deadline"):
            b24kit.Client.from_webhook(portal.webhook_url, deadline=bad)


def test_a_call_that_would_wait_past_its_deadline_fails_at_once(portal: Portal) -> None:
    client = one_per_second(portal)
    client.imopenlines_session_mode_silent(2043)
    started = time.perf_counter()
    with pytest.raises(errors.TransportError) as caught:
        client.with_deadline(0.3).imopenlines_session_mode_silent(2043)
    assert caught.value.kind == "timeout" and not caught.value.may_have_reached_server
    assert "rate limiter" in str(caught.value)
    assert time.perf_counter() - started < 0.9
    assert portal.stats()["rest_requests"] == 1
    # Its slot was given back: the next call takes the second slot (about 1 s), not a third.
    client.imopenlines_session_mode_silent(2043)
    assert time.perf_counter() - started < 1.7


def test_a_per_call_timeout_bounds_one_attempt(portal: Portal) -> None:
    client = b24kit.Client.from_webhook(portal.webhook_url, timeout=30, rate_limit=None, retry=b24kit.Retry.never())
    portal.fault(kind="delay", ms=5_000)
    started = time.perf_counter()
    with pytest.raises(errors.TransportError) as caught:
        client.with_timeout(0.3).call("imopenlines.session.mode.silent", {"CHAT_ID": 2043, "ACTIVATE": "Y"})
    assert caught.value.kind == "timeout" and caught.value.may_have_reached_server
    assert time.perf_counter() - started < 3


def test_a_cancelled_task_stops_waiting_and_gives_its_slot_back(portal: Portal) -> None:
    async def main() -> float:
        client = one_per_second(portal, b24kit.AsyncClient)
        await client.imopenlines_session_mode_silent(2043)
        started = time.perf_counter()
        waiting = asyncio.ensure_future(client.imopenlines_session_mode_silent(2043))
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        cancelled_after = time.perf_counter() - started
        # No pause here: the slot is back before the task hears it was cancelled.
        await client.imopenlines_session_mode_silent(2043)
        assert time.perf_counter() - started < 1.7, "the cancelled call's slot was reused"
        return cancelled_after

    cancelled_after = asyncio.run(main())
    assert cancelled_after < 0.9, cancelled_after
    assert portal.stats()["rest_requests"] == 2, "the cancelled call sent nothing"
