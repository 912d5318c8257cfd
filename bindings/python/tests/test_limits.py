"""Staying inside the portal's limits from Python: pacing by the client-side leaky bucket,
retries, the OAuth token renewed once for many concurrent calls, and batch — against the
emulator with its limits scaled down."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from typing import Any, Dict, List

import pytest

import b24kit
from conftest import Portal

SCALED = {"burst": 10, "drain_per_second": 50}


def test_presets_and_settings_are_the_cores() -> None:
    assert (b24kit.RateLimit.STANDARD.burst, b24kit.RateLimit.STANDARD.drain_per_second) == (50, 2)
    assert (b24kit.RateLimit.ENTERPRISE.burst, b24kit.RateLimit.ENTERPRISE.drain_per_second) == (250, 5)
    assert b24kit.RateLimit(10, 50) == b24kit.RateLimit(10, 50)
    assert b24kit.RateLimit(10, 50).minimum_duration(300) == pytest.approx(295 / 50)
    with pytest.raises(b24kit.ConfigError):
        b24kit.RateLimit(0, 2)
    with pytest.raises(b24kit.ConfigError):
        b24kit.Retry(max_attempts=0)
    retry = b24kit.Retry(max_attempts=3, initial_backoff=0.1, max_backoff=1)
    assert (retry.max_attempts, retry.initial_backoff, retry.max_backoff) == (3, 0.1, 1)
    assert b24kit.Retry.never().max_attempts == 1
    assert "max_attempts=3" in repr(retry)
    # What is left out is the core's default, not a copy of it.
    assert b24kit.Retry(max_backoff=5).max_attempts == b24kit.Retry().max_attempts == 4
    for bad in (1.5, -1, 2**40):
        with pytest.raises(b24kit.ConfigError, match="max attempts"):
            b24kit.Retry(max_attempts=bad)  # type: ignore[arg-type]
    budget = b24kit.OperatingBudget(headroom=30)
    assert (budget.limit, budget.headroom) == (480, 30)
    with pytest.raises(b24kit.ConfigError, match="headroom"):
        b24kit.OperatingBudget(limit=10, headroom=10)
    with pytest.raises(b24kit.ConfigError, match="timeout"):
        b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", timeout=-1)


def test_the_execution_time_budget_is_settable(portal: Portal) -> None:
    # The portal allows 0.5 s of execution per 2 s window, each call costing 0.1 s.
    portal.control("PUT", "operating", {"limit_seconds": 0.5, "window_seconds": 2, "cost_seconds": 0.1})
    budget = b24kit.OperatingBudget(limit=0.5, headroom=0.1)
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, operating_budget=budget) as client:
        started = time.perf_counter()
        for _ in range(8):
            client.imopenlines_session_mode_silent(2043)
        assert portal.stats()["operation_time_limited"] == 0, "the client waited before the limit"
        assert time.perf_counter() - started >= 0.5, "it had to wait for a release"
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, operating_budget=None, retry=b24kit.Retry.never()) as blind:
        with pytest.raises(b24kit.errors.OperationTimeLimitError):
            for _ in range(10):
                blind.imopenlines_session_mode_silent(2043)


def paced_sync(portal: Portal) -> b24kit.Client:
    return b24kit.Client.from_webhook(portal.webhook_url, rate_limit=b24kit.RateLimit(10, 50), retry=b24kit.Retry.never())


def check_pace(portal: Portal, elapsed: float, label: str) -> None:
    minimum = b24kit.RateLimit(10, 50).minimum_duration(300)
    print(f"{label}: 300 calls in {elapsed:.3f} s, bucket minimum {minimum:.3f} s ({300 / elapsed:.1f} calls/s of a theoretical {300 / minimum:.1f})")
    stats = portal.stats()
    assert stats["rate_limited"] == 0, "no QUERY_LIMIT_EXCEEDED at the portal"
    assert stats["rest_requests"] == 300
    assert minimum <= elapsed <= minimum * 1.10, (elapsed, minimum)


def test_three_hundred_sync_calls_from_threads_are_paced(portal: Portal) -> None:
    portal.control("PUT", "limits", SCALED)
    client = paced_sync(portal)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: client.imopenlines_session_mode_silent(2043, activate=i % 2 == 0), range(300)))
    check_pace(portal, time.perf_counter() - started, "Python sync, 8 threads")
    assert all(r.result is True for r in results)


def test_three_hundred_async_calls_are_paced(portal: Portal) -> None:
    portal.control("PUT", "limits", SCALED)

    async def main() -> float:
        client = b24kit.AsyncClient.from_webhook(portal.webhook_url, rate_limit=b24kit.RateLimit(10, 50))
        started = time.perf_counter()
        await asyncio.gather(*(client.imopenlines_session_mode_silent(2043) for _ in range(300)))
        return time.perf_counter() - started

    check_pace(portal, asyncio.run(main()), "Python asyncio, 300 in flight")


def test_retryable_faults_are_retried_and_others_are_not(portal: Portal) -> None:
    client = b24kit.Client.from_webhook(
        portal.webhook_url, rate_limit=None, retry=b24kit.Retry(max_attempts=5, initial_backoff=0.005, max_backoff=0.02)
    )
    faults: List[Dict[str, Any]] = [
        {"kind": "error", "status": 503, "code": "QUERY_LIMIT_EXCEEDED", "description": "Too many requests"},
        {"kind": "error", "status": 500, "code": "INTERNAL_SERVER_ERROR", "description": "Internal server error"},
        {"kind": "drop"},
    ]
    for fault in faults:
        portal.reset()
        portal.fault(**fault, count=2)
        assert client.imopenlines_session_mode_silent(2043, activate=True).result is True
        assert portal.stats()["rest_requests"] == 3, fault
    portal.reset()
    with pytest.raises(b24kit.errors.ChatTypeError):
        client.imopenlines_session_mode_silent(2044)
    assert portal.stats()["rest_requests"] == 1, "a method error is not retried"
    # Per call: a client that does not retry, sharing the first one's connections.
    portal.reset()
    portal.fault(kind="empty", status=500, count=1)
    with pytest.raises(b24kit.HttpError):
        client.with_retry(b24kit.Retry.never()).imopenlines_session_mode_silent(2043)
    assert portal.stats()["rest_requests"] == 1


def test_the_deadline_bounds_the_retries(portal: Portal) -> None:
    client = b24kit.Client.from_webhook(
        portal.webhook_url,
        rate_limit=None,
        retry=b24kit.Retry(max_attempts=100, initial_backoff=0.05, max_backoff=0.05),
        deadline=1.0,
    )
    portal.fault(kind="empty", status=503, count=1000)
    started = time.perf_counter()
    # Whether the deadline falls between attempts or cuts one short, the error is the portal's.
    with pytest.raises(b24kit.HttpError):
        client.imopenlines_session_mode_silent(2043)
    # 100 attempts 25–50 ms apart would take 2.5 s at least.
    assert time.perf_counter() - started < 2.4
    assert 2 <= portal.stats()["rest_requests"] <= 45


def test_an_expired_token_is_renewed_once_for_fifty_concurrent_calls(portal: Portal) -> None:
    renewed: List[b24kit.Tokens] = []

    async def main() -> None:
        client = b24kit.AsyncClient.from_oauth(
            portal.oauth_endpoint,
            portal.access_token,
            rate_limit=None,
            client_id=portal.client_id,
            client_secret=portal.client_secret,
            refresh_token=portal.refresh_token,
            oauth_server=portal.oauth_server,
            on_tokens_refreshed=renewed.append,
        )
        await client.imopenlines_session_mode_silent(2043)
        portal.control("POST", "tokens/expire")
        answers = await asyncio.gather(*(client.imopenlines_session_mode_silent(2043) for _ in range(50)))
        assert all(a.result is True for a in answers)

    asyncio.run(main())
    assert portal.stats()["token_refreshes"] == 1
    assert len(renewed) == 1
    tokens = renewed[0]
    assert tokens.access_token != portal.access_token and tokens.refresh_token != portal.refresh_token
    assert tokens.expires is not None and tokens.expires_in == 3600
    # The sync client renews too, from whichever thread meets the expiry first.
    portal.reset()
    sync_renewed: List[b24kit.Tokens] = []
    client = b24kit.Client.from_oauth(
        portal.oauth_endpoint,
        portal.access_token,
        rate_limit=None,
        client_id=portal.client_id,
        client_secret=portal.client_secret,
        refresh_token=portal.refresh_token,
        oauth_server=portal.oauth_server,
        on_tokens_refreshed=sync_renewed.append,
    )
    portal.control("POST", "tokens/expire")
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: client.imopenlines_session_mode_silent(2043), range(50)))
    assert portal.stats()["token_refreshes"] == 1
    assert len(sync_renewed) == 1


def test_refresh_settings_are_checked() -> None:
    with pytest.raises(TypeError, match="go together"):
        b24kit.Client.from_oauth("https://p.example.com/rest/", "token", client_id="app")
    with pytest.raises(b24kit.ConfigError):
        b24kit.Client.from_oauth(
            "https://p.example.com/rest/", "token", client_id="app", client_secret=" ", refresh_token="r"
        )


def many_chats(portal: Portal) -> None:
    state = portal.control("GET", "state")
    template = next(c for c in state["chats"] if c["id"] == 2043)
    for chat_id in range(5000, 5120):
        state["chats"].append({**template, "id": chat_id, "entity_type": "CHAT" if chat_id % 10 == 7 else "LINES"})
    portal.control("PUT", "state", state)


def check_batch(portal: Portal, outcomes: List[Any]) -> None:
    assert len(outcomes) == 120
    assert portal.stats()["rest_requests"] == 3
    for chat_id, outcome in zip(range(5000, 5120), outcomes):
        if chat_id % 10 == 7:
            assert isinstance(outcome, b24kit.errors.ChatTypeError), (chat_id, outcome)
            assert outcome.code == "CHAT_TYPE"
        else:
            assert isinstance(outcome, b24kit.Response) and outcome.result is True, (chat_id, outcome)
            assert portal.chat(chat_id)["silent"] is True


def test_a_batch_of_120_takes_three_requests(portal: Portal, client: b24kit.Client) -> None:
    many_chats(portal)
    calls = [{"chat_id": chat_id, "activate": True} for chat_id in range(5000, 5120)]
    check_batch(portal, client.imopenlines_session_mode_silent_batch(calls))


def test_an_async_batch_of_120_takes_three_requests(portal: Portal, async_client: b24kit.AsyncClient) -> None:
    many_chats(portal)
    calls = [{"chat_id": chat_id, "activate": True} for chat_id in range(5000, 5120)]
    check_batch(portal, asyncio.run(async_client.imopenlines_session_mode_silent_batch(calls)))


def test_batch_halt_and_bad_input(portal: Portal, client: b24kit.Client) -> None:
    many_chats(portal)
    outcomes = client.imopenlines_session_mode_silent_batch([{"chat_id": i, "activate": True} for i in range(5005, 5010)], halt=True)
    assert [type(o).__name__ for o in outcomes] == ["Response", "Response", "ChatTypeError", "SkippedError", "SkippedError"]
    outcomes = client.imopenlines_session_mode_silent_batch([{"chat_id": 0}, {"chat_id": 2043}])
    assert isinstance(outcomes[0], b24kit.InvalidArgumentError) and outcomes[0].parameter == "chat_id"
    assert isinstance(outcomes[1], b24kit.Response)
    for bad in ([{"chat": 1}], [5], "chat_id", [{"chat_id": "1"}]):
        with pytest.raises(TypeError):
            client.imopenlines_session_mode_silent_batch(bad)  # type: ignore[arg-type]
