"""The call from Python against the emulator: both modes and their side effect, sync and asyncio,
concurrency from threads and tasks, the GIL released while waiting, and life after fork()."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

import b24kit
from conftest import Portal


def test_switch_on_and_off_changes_the_chat(client: b24kit.Client, portal: Portal) -> None:
    answer = client.imopenlines_session_mode_silent(2043, activate=True)
    assert answer.result is True
    assert portal.chat(2043)["silent"] is True
    answer = client.imopenlines_session_mode_silent(chat_id=2043, activate=False)
    assert answer.result is True
    assert portal.chat(2043)["silent"] is False


def test_activate_defaults_to_off_and_is_always_sent(client: b24kit.Client, portal: Portal) -> None:
    client.imopenlines_session_mode_silent(2043, activate=True)
    client.imopenlines_session_mode_silent(2043)
    assert portal.chat(2043)["silent"] is False
    assert portal.last_call()["params"] == {"CHAT_ID": 2043, "ACTIVATE": "N"}


def test_oauth_client(portal: Portal) -> None:
    client = b24kit.Client.from_oauth(portal.oauth_endpoint, portal.access_token, rate_limit=None, retry=b24kit.Retry.never())
    assert client.imopenlines_session_mode_silent(2043, activate=True).result
    assert portal.chat(2043)["silent"] is True
    assert portal.last_call()["params"]["auth"] == "***"


def test_the_response_is_typed_and_readable(client: b24kit.Client) -> None:
    answer = client.imopenlines_session_mode_silent(2043, activate=True)
    t = answer.time
    assert isinstance(answer, b24kit.Response) and isinstance(t, b24kit.Time)
    assert isinstance(t.start, float) and t.finish >= t.start
    assert abs(t.duration - (t.finish - t.start)) < 1e-6
    assert isinstance(t.date_start, str) and t.date_start.endswith("+00:00")
    assert t.operating == 0.0 and t.operating_reset_at == float(int(t.start) + 600)
    text = repr(answer)
    assert text.startswith("Response(result=True, time=Time(start=") and "date_start='" in text
    assert b24kit.Response[bool] is b24kit.Response


def test_asyncio_call(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    async def main() -> None:
        answer = await async_client.imopenlines_session_mode_silent(2043, activate=True)
        assert answer.result is True
        assert portal.chat(2043)["silent"] is True
        await async_client.imopenlines_session_mode_silent(2043, activate=False)
        assert portal.chat(2043)["silent"] is False

    asyncio.run(main())


def test_200_concurrent_calls_from_threads(client: b24kit.Client, portal: Portal) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda i: client.imopenlines_session_mode_silent(2043, activate=i % 2 == 0), range(200)))
    assert all(a.result is True for a in answers)
    assert portal.stats()["rest_requests"] == 200


def test_200_concurrent_calls_from_asyncio_gather(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    async def main() -> List[b24kit.Response[bool]]:
        return await asyncio.gather(
            *(async_client.imopenlines_session_mode_silent(2043, activate=i % 2 == 0) for i in range(200))
        )

    answers = asyncio.run(main())
    assert len(answers) == 200 and all(a.result is True for a in answers)
    assert portal.stats()["rest_requests"] == 200


def test_the_gil_is_released_while_waiting(client: b24kit.Client, portal: Portal) -> None:
    portal.fault(kind="delay", ms=600)
    done = threading.Event()
    counted = 0

    def count() -> None:
        nonlocal counted
        while not done.is_set():
            counted += 1

    counter = threading.Thread(target=count)
    counter.start()
    started = time.monotonic()
    client.imopenlines_session_mode_silent(2043)
    done.set()
    counter.join()
    assert time.monotonic() - started >= 0.5
    # A thread holding the GIL for 0.6 s would leave the counter near zero.
    assert counted > 100_000, counted


def test_cancelling_an_asyncio_call_leaves_the_client_usable(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    portal.fault(kind="delay", ms=3000)

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(async_client.imopenlines_session_mode_silent(2043), timeout=0.2)
        answer = await async_client.imopenlines_session_mode_silent(2043, activate=True)
        assert answer.result

    asyncio.run(main())


def test_a_call_after_fork_works_in_child_and_parent(client: b24kit.Client, portal: Portal) -> None:
    client.imopenlines_session_mode_silent(2043, activate=True)  # the parent's runtime and pool exist
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if client.imopenlines_session_mode_silent(2043, activate=False).result else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert portal.chat(2043)["silent"] is False, "the child's call reached the portal"
    assert client.imopenlines_session_mode_silent(2043, activate=True).result
    assert portal.chat(2043)["silent"] is True


_POOL_CLIENT: "b24kit.Client | None" = None


def _call_in_worker(chat_id: int) -> bool:
    assert _POOL_CLIENT is not None
    return _POOL_CLIENT.imopenlines_session_mode_silent(chat_id, activate=True).result


def test_a_client_inherited_by_a_fork_pool(portal: Portal) -> None:
    global _POOL_CLIENT
    _POOL_CLIENT = b24kit.Client.from_webhook(portal.webhook_url, timeout=10, rate_limit=None, retry=b24kit.Retry.never())
    assert _POOL_CLIENT.imopenlines_session_mode_silent(2043).result
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_call_in_worker, [2043, 2046] * 4) == [True] * 8


def test_closed_clients_refuse_calls(portal: Portal) -> None:
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, retry=b24kit.Retry.never()) as client:
        assert client.imopenlines_session_mode_silent(2043).result
    with pytest.raises(RuntimeError, match="closed"):
        client.imopenlines_session_mode_silent(2043)

    async def main() -> None:
        async with b24kit.AsyncClient.from_webhook(portal.webhook_url, rate_limit=None, retry=b24kit.Retry.never()) as ac:
            assert (await ac.imopenlines_session_mode_silent(2043)).result
        with pytest.raises(RuntimeError, match="closed"):
            await ac.imopenlines_session_mode_silent(2043)

    asyncio.run(main())


def test_the_async_call_needs_a_running_loop(async_client: b24kit.AsyncClient) -> None:
    coroutine = async_client.imopenlines_session_mode_silent(2043)
    with pytest.raises(RuntimeError):
        coroutine.send(None)
    coroutine.close()


def test_event_loops_in_several_threads_at_once(portal: Portal) -> None:
    client = b24kit.AsyncClient.from_webhook(portal.webhook_url, timeout=10, rate_limit=None, retry=b24kit.Retry.never())

    async def calls() -> int:
        answers = await asyncio.gather(*(client.imopenlines_session_mode_silent(2043) for _ in range(100)))
        return sum(a.result for a in answers)

    with ThreadPoolExecutor(max_workers=4) as pool:
        totals = list(pool.map(lambda _: asyncio.run(calls()), range(8)))
    assert totals == [100] * 8
    assert portal.stats()["rest_requests"] == 800


def test_idle_connections_closed_by_the_portal_are_replaced() -> None:
    import json
    import subprocess

    from conftest import emulator_binary

    process = subprocess.Popen(
        [emulator_binary(), "--port", "0", "--ready-json", "--rate-limit", "off", "--idle-timeout-ms", "150"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = json.loads(process.stdout.readline())["webhook_url"]
        client = b24kit.Client.from_webhook(url, timeout=5, rate_limit=None, retry=b24kit.Retry.never())
        async_client = b24kit.AsyncClient.from_webhook(url, timeout=5, rate_limit=None, retry=b24kit.Retry.never())
        for _ in range(3):
            assert client.imopenlines_session_mode_silent(2043, activate=True).result
            assert asyncio.run(async_client.imopenlines_session_mode_silent(2043)).result
            time.sleep(0.4)
    finally:
        process.terminate()
        process.wait(timeout=10)
