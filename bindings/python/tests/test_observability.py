"""What a client tells about itself from Python: the core's events in ``logging`` (logger
``b24kit``: waits, retries and renewals at INFO, requests and answers at DEBUG) and counters
in ``client.stats``."""

from __future__ import annotations

import logging

import pytest

import b24kit
from conftest import Portal


def test_a_retry_is_logged_with_its_reason_and_counted(portal: Portal, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="b24kit")
    client = b24kit.Client.from_webhook(
        portal.webhook_url, rate_limit=None, retry=b24kit.Retry(initial_backoff=0.02, max_backoff=0.02)
    )
    portal.fault(kind="error", status=503, code="QUERY_LIMIT_EXCEEDED", description="Too many requests", count=1)
    assert client.imopenlines_session_mode_silent(2043).result is True
    messages = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "b24kit"]
    retries = [m for level, m in messages if level == logging.INFO and "retrying in" in m]
    assert len(retries) == 1 and "QUERY_LIMIT_EXCEEDED" in retries[0], messages
    sent = [m for level, m in messages if level == logging.DEBUG and m.endswith("request sent (attempt 2)")]
    assert sent == ["imopenlines.session.mode.silent: request sent (attempt 2)"], messages
    stats = client.stats
    assert (stats.requests, stats.answers, stats.retries) == (2, 2, 1)
    assert 0 < stats.waited <= 0.02
    assert "retries=1" in repr(stats)
    # Clones share the counters.
    assert client.with_retry(b24kit.Retry.never()).stats == stats


def test_waits_and_pages_are_counted(portal: Portal) -> None:
    client = b24kit.Client.from_webhook(portal.webhook_url, rate_limit=b24kit.RateLimit(2, 10))
    for _ in range(2):
        client.imopenlines_session_mode_silent(2043)
    assert client.stats.bucket_waits == 1
    walk = client.list("crm.contact.list", {"select": ["ID"]})
    for _, _item in zip(range(120), walk):
        pass
    assert client.stats.pages == 3
