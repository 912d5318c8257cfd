"""Ctrl-C during a blocking call: the call may be waiting minutes (the rate limiter, the budget,
backoff, the network), yet KeyboardInterrupt comes at once and the call is dropped."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Iterator, List

import pytest

import b24kit

from conftest import Portal


@pytest.fixture(autouse=True)
def ctrl_c_raises() -> Iterator[None]:
    """Python raises KeyboardInterrupt on SIGINT only if SIGINT was not ignored when it started,
    and a job a shell runs in the background (a CI step, say) starts with SIGINT ignored; these
    tests install the default handler themselves rather than depend on how they were started."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupt_after(seconds: float, sent: List[float]) -> threading.Timer:
    def fire() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(seconds, fire)
    timer.start()
    return timer


def test_ctrl_c_interrupts_a_call_waiting_for_the_rate_limiter(portal: Portal) -> None:
    # One request per 10 s after the first: the second call waits, whatever the machine's load.
    limit = b24kit.RateLimit(burst=1, drain_per_second=0.1)
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=limit, retry=b24kit.Retry.never()) as client:
        client.imopenlines_session_mode_silent(2043)
        before = portal.stats()["rest_requests"]
        sent: List[float] = []
        timer = interrupt_after(0.3, sent)
        try:
            with pytest.raises(KeyboardInterrupt):
                # Two calls at most: should the interrupt be missed, the test fails in 20 s.
                for _ in range(2):
                    client.imopenlines_session_mode_silent(2043)
        finally:
            timer.cancel()
        latency = time.monotonic() - sent[0]
        print(f"KeyboardInterrupt {latency * 1000:.0f} ms after SIGINT")
        # Generous for a busy machine; the poll is every 25 ms.
        assert latency < 1.0
        # The interrupted call was dropped before it was sent.
        assert portal.stats()["rest_requests"] == before


def test_ctrl_c_interrupts_a_list_walk_waiting_for_a_page(portal: Portal) -> None:
    limit = b24kit.RateLimit(burst=1, drain_per_second=0.1)
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=limit, retry=b24kit.Retry.never()) as client:
        # Three pages at most: should the interrupt be missed, the test fails in 20 s.
        walk = client.list("crm.contact.list", {"filter": {"<=ID": 150}}, by_id=True)
        sent: List[float] = []
        timer = interrupt_after(0.3, sent)
        try:
            with pytest.raises(KeyboardInterrupt):
                for _ in walk:
                    pass
        finally:
            timer.cancel()
        assert time.monotonic() - sent[0] < 1.0
        assert walk.progress.requests == 1
