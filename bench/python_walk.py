"""List walks for the benchmark: every item of crm.contact.list (10,000 in the emulator), walked
`rounds` times after one untimed walk of each kind, one JSON line per walk with the items, the
HTTP requests the emulator counted and the items per second.

Usage: python python_walk.py <b24kit|fast_bitrix24> <webhook URL> <rounds>
b24kit walks by ID (the docs' large-list walk) and through counted pages; fast_bitrix24 (run in
the peers' virtualenv) walks with its get_all, which counts and fetches the rest through batch.
For a TLS run, B24KIT_BENCH_CA names the emulator's certificate to trust.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import time
import urllib.request
from typing import Callable, Tuple

METHOD = "crm.contact.list"
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def requests_so_far(webhook: str) -> int:
    base = webhook[: webhook.index("/rest/") + 1]
    with _HTTP.open(f"{base}_emulator/stats", timeout=10) as answer:
        return int(json.load(answer)["rest_requests"])


def timed(client: str, webhook: str, walk: Callable[[], int]) -> str:
    before = requests_so_far(webhook)
    started = time.perf_counter()
    items = walk()
    seconds = time.perf_counter() - started
    requests = requests_so_far(webhook) - before
    return json.dumps({"client": client, "items": items, "requests": requests, "seconds": seconds, "items_per_second": items / seconds})


def b24kit_walks(webhook: str, rounds: int) -> None:
    import b24kit

    settings = {"rate_limit": None}
    if os.environ.get("B24KIT_BENCH_CA"):
        settings["root_certificate_pem"] = open(os.environ["B24KIT_BENCH_CA"], "rb").read()
    client = b24kit.Client.from_webhook(webhook, **settings)

    def by_id() -> int:
        return sum(1 for _ in client.list(METHOD, by_id=True))

    def counted() -> int:
        return sum(1 for _ in client.list(METHOD))

    # One walk of each kind first, untimed, as every client here does: the connection is open, as
    # in an app that walks lists all day.
    by_id()
    counted()
    for _ in range(rounds):
        print(timed("walk-python-by-id", webhook, by_id), flush=True)
        print(timed("walk-python-counted", webhook, counted), flush=True)


def fast_bitrix24_walks(webhook: str, rounds: int) -> None:
    from fast_bitrix24 import Bitrix

    # Its pacing lifted as in the call benchmark (python_peers.py): the emulator runs without limits.
    bitrix = Bitrix(webhook, verbose=False, requests_per_second=math.inf, operating_time_limit=10**9)
    bitrix.get_all(METHOD)  # untimed, as b24kit's first walks
    for _ in range(rounds):
        print(timed("walk-fast_bitrix24", webhook, lambda: len(bitrix.get_all(METHOD))), flush=True)


if __name__ == "__main__":
    which, url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if which == "b24kit":
        b24kit_walks(url, count)
    else:
        try:
            fast_bitrix24_walks(url, count)
        except Exception as error:  # a peer that cannot walk here is reported, not fatal
            print(json.dumps({"client": "walk-fast_bitrix24", "error": f"{type(error).__name__}: {error}"}))
