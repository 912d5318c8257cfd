"""Limits shared between clients through a real Redis server, from Python: clients made apart (as
the workers of a fleet make theirs) pace themselves together; an unreachable store is a
``ConfigError`` or, when chosen, local limits with a warning; the password never shows."""

from __future__ import annotations

import concurrent.futures
import logging
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Iterator, List

import pytest

import b24kit
from conftest import Portal

SCALED = {"burst": 10, "drain_per_second": 50}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is missing: tests/run.sh installs Debian's redis-server package")
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(7) == b"+PONG\r\n":
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "redis-server did not answer within 20 s"
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.kill()
            process.wait()


def test_shared_limits_are_checked_and_never_show_the_password() -> None:
    limits = b24kit.SharedLimits("redis://worker:pa55word@10.0.0.7:6380/2", prefix="crm-sync:", if_unreachable="use_local_limits")
    assert (limits.url, limits.prefix, limits.if_unreachable) == ("redis://10.0.0.7:6380/2", "crm-sync:", "use_local_limits")
    assert "pa55word" not in repr(limits) and "worker" not in repr(limits)
    assert b24kit.SharedLimits("redis://127.0.0.1") == b24kit.SharedLimits("redis://127.0.0.1")
    assert b24kit.SharedLimits("redis://127.0.0.1").if_unreachable == "fail"
    with pytest.raises(b24kit.ConfigError, match="Redis URL"):
        b24kit.SharedLimits("http://127.0.0.1:6379")
    with pytest.raises(b24kit.ConfigError, match="use_local_limits"):
        b24kit.SharedLimits("redis://127.0.0.1", if_unreachable="ignore")  # type: ignore[arg-type]
    with pytest.raises(b24kit.ConfigError, match="certificate"):
        b24kit.SharedLimits("rediss://cache.example", root_certificate_pem="not a certificate")
    with pytest.raises(b24kit.ConfigError, match="SharedLimits or a redis"):
        b24kit.Client.from_webhook("https://p.example.com/rest/1/key/", shared=6379)  # type: ignore[arg-type]


def test_an_unreachable_store_raises_or_falls_back_with_a_warning(portal: Portal, caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://:hunter2secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(b24kit.ConfigError) as refused:
        b24kit.Client.from_webhook(portal.webhook_url, shared=url)
    assert "did not answer" in str(refused.value) and "hunter2secret" not in str(refused.value)
    caplog.set_level(logging.WARNING, logger="b24kit")
    fallback = b24kit.SharedLimits(url, if_unreachable="use_local_limits")
    with b24kit.Client.from_webhook(portal.webhook_url, shared=fallback) as client:
        assert client.imopenlines_session_mode_silent(2043).result is True
    warnings = [r.getMessage() for r in caplog.records if r.name == "b24kit" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "pacing calls by this process alone" in warnings[0], warnings
    assert "hunter2secret" not in warnings[0]


def run_apart(portal: Portal, shared: object) -> List[BaseException]:
    """300 calls from 4 clients made apart, each paced at the portal's limit, from threads."""
    clients = [
        b24kit.Client.from_webhook(
            portal.webhook_url,
            rate_limit=b24kit.RateLimit(10, 50),
            retry=b24kit.Retry(max_attempts=10, initial_backoff=0.02, max_backoff=0.2),
            shared=shared,  # type: ignore[arg-type]
        )
        for _ in range(4)
    ]
    failures: List[BaseException] = []

    def call(i: int) -> None:
        try:
            clients[i % 4].imopenlines_session_mode_silent(2043, activate=i % 2 == 0)
        except b24kit.B24kitError as e:
            failures.append(e)

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(call, range(300)))
    for client in clients:
        client.close()
    return failures


def test_clients_sharing_a_store_stay_under_the_portal_limit_together(portal: Portal, redis_url: str) -> None:
    portal.control("PUT", "limits", SCALED)
    run_apart(portal, None)
    refused_apart = portal.stats()["rate_limited"]
    portal.reset()
    portal.control("PUT", "limits", SCALED)
    started = time.perf_counter()
    failures = run_apart(portal, b24kit.SharedLimits(redis_url, prefix="python-test:"))
    elapsed = time.perf_counter() - started
    stats = portal.stats()
    print(f"4 clients, 300 calls: apart {refused_apart} refusals; shared {stats['rate_limited']} in {elapsed:.3f} s")
    assert not failures, failures
    assert refused_apart > 0, "four clients pacing themselves apart should overrun the limit"
    assert stats["rate_limited"] == 0
    assert stats["rest_requests"] == 300
