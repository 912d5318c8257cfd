"""Python peer figures for the benchmark table: two third-party Bitrix24 clients from PyPI,
b24pysdk (the official Python SDK) and fast-bitrix24, calling
imopenlines.session.mode.silent(CHAT_ID=2043, ACTIVATE="Y") against the local emulator.

Usage: python bench/python_peers.py <webhook URL> <calls>

Run it with the Python of a venv that holds the peers (standard library otherwise), made with:

    pip install b24pysdk fast-bitrix24

For a TLS run B24KIT_BENCH_CA names the emulator's self-signed certificate. Every child gets it
as REQUESTS_CA_BUNDLE (which requests, under b24pysdk, reads for each call) and as SSL_CERT_FILE
(which OpenSSL reads when aiohttp, under fast-bitrix24, builds its default context at import);
verification itself stays on.

Each peer is measured in fresh child processes so that its import time and peak RSS are its own:
five children only import the package (the median is reported), then one child makes 200
warm-up calls, <calls> sequential calls and, for a peer with an async API, <calls> calls with 64
in flight. One JSON line per figure, or {"client", "error"} when a peer cannot be measured.

Both peers keep their own transports, and both open a new connection (over TLS, a new handshake)
for every sequential call: b24pysdk calls requests.post() (a new Session, so a new pool, each
time) and fast-bitrix24 opens an aiohttp session per top-level call and closes it once no call
is running.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from importlib.util import find_spec
from typing import Awaitable, Callable, Dict, List, NamedTuple, Tuple
from urllib.parse import urlsplit

METHOD = "imopenlines.session.mode.silent"
CHAT_ID = 2043
PARAMS = {"CHAT_ID": CHAT_ID, "ACTIVATE": "Y"}
WARM_UP_CALLS = 200
IN_FLIGHT = 64
IMPORT_RUNS = 5
# A child that has not finished by then is stuck (or still throttled): report it, don't hang.
CHILD_TIMEOUT_S = 10 * 60

# (latencies in µs, wall-clock seconds) of one run.
Run = Tuple[List[float], float]


class PeerUnusable(Exception):
    """The peer cannot make the benchmark's call at all; the message says why."""


# ---- b24pysdk: synchronous only ------------------------------------------------------------------


def measure_b24pysdk(webhook_url: str, total: int) -> List[dict]:
    call = connect_b24pysdk(webhook_url)
    run_sync_calls(call, WARM_UP_CALLS)
    # The SDK has no async API (requests underneath, no asyncio anywhere): no in-flight row.
    return [figures("b24pysdk", 1, run_sync_calls(call, total))]


def connect_b24pysdk(webhook_url: str) -> Callable[[], object]:
    from b24pysdk import BitrixWebhook, Client, Config

    # b24pysdk paces nothing on the client side; its one delay is a sleep-and-retry on HTTP 503
    # (3 attempts by default). One attempt, so that a refused call fails instead of hiding as a
    # slow one.
    Config().configure(default_max_retries=1)
    url = urlsplit(webhook_url)
    token = BitrixWebhook(domain=url.netloc, webhook_token=url.path.split("/rest/", 1)[1])
    silent = Client(token).imopenlines.session.mode.silent

    # Requests are lazy: call() sends one now (.result alone would reuse a cached response).
    def call() -> object:
        return silent(CHAT_ID, activate=True).call().result

    try:
        call()
    except Exception as error:
        if url.scheme == "https":
            raise
        # It takes the domain alone and builds https://{domain}/rest/... itself
        # (api/callers/call_method.py), so it speaks TLS to a plain-HTTP server.
        raise PeerUnusable(
            "b24pysdk always calls https://<domain>/rest/..., so it cannot reach a plain-HTTP "
            f"webhook (its first call, over TLS, failed with {error_line(innermost_error(error))})"
        ) from error
    return call


# ---- fast-bitrix24: asyncio ----------------------------------------------------------------------


def measure_fast_bitrix24(webhook_url: str, total: int) -> List[dict]:
    return asyncio.run(measure_fast_bitrix24_async(webhook_url, total))


async def measure_fast_bitrix24_async(webhook_url: str, total: int) -> List[dict]:
    from fast_bitrix24 import BitrixAsync

    # Its throttles, lifted as far as its options go:
    # - requests_per_second=inf: the leaky bucket (50 calls, then 2/s) never makes a call wait;
    # - operating_time_limit=10**9 s: the per-method budget of request time per 10 minutes
    #   (480 s by default) cannot run out. respect_velocity_policy=False would drop that
    #   throttler instead, but 1.8.14 then fails every call whose answer carries time.operating
    #   (as the real portal's and the emulator's do) with a KeyError in add_throttler_records.
    #   So the throttler stays in the path and, never waiting, still walks its whole 10-minute
    #   history on every call: a cost that grows with the calls made, measured with the rest;
    # - slow(64): the one public setter of its concurrency ceiling (50 by default), raised to
    #   the benchmark's 64 calls in flight.
    # Its retries (up to 10 on 5xx or connection errors, with back-off) are a module constant;
    # one would show up as a slow call, and every answer is still checked below.
    bitrix = BitrixAsync(
        webhook_url,
        verbose=False,  # progress bars are for multi-call downloads; none is drawn for raw calls
        requests_per_second=math.inf,
        operating_time_limit=10**9,
    )

    # raw=True sends the method itself; without it call() wraps even one call in a `batch`.
    async def call() -> object:
        return (await bitrix.call(METHOD, PARAMS, raw=True)).get("result")

    with bitrix.slow(max_concurrent_requests=IN_FLIGHT):
        await run_async_calls(call, WARM_UP_CALLS, 1)
        sequential = await run_async_calls(call, total, 1)
        concurrent = await run_async_calls(call, total, IN_FLIGHT)
    return [figures("fast_bitrix24", 1, sequential), figures("fast_bitrix24", IN_FLIGHT, concurrent)]


class Peer(NamedTuple):
    module: str
    pip_name: str
    measure: Callable[[str, int], List[dict]]


PEERS: Dict[str, Peer] = {
    "b24pysdk": Peer("b24pysdk", "b24pysdk", measure_b24pysdk),
    "fast_bitrix24": Peer("fast_bitrix24", "fast-bitrix24", measure_fast_bitrix24),
}


# ---- measuring, inside a child -------------------------------------------------------------------


def check_result(result: object) -> None:
    # The portal answers `true`; anything else is a failed call, which must not count as one.
    if result is not True:
        raise RuntimeError(f"{METHOD} answered {result!r} instead of true")


def run_sync_calls(call: Callable[[], object], total: int) -> Run:
    latencies_us = []
    started = time.perf_counter_ns()
    for _ in range(total):
        call_started = time.perf_counter_ns()
        result = call()
        latencies_us.append((time.perf_counter_ns() - call_started) / 1e3)
        check_result(result)
    return latencies_us, (time.perf_counter_ns() - started) / 1e9


async def run_async_calls(call: Callable[[], Awaitable[object]], total: int, in_flight: int) -> Run:
    latencies_us: List[float] = []
    issued = 0

    # Workers share one counter, so exactly `total` calls are made whatever the split.
    async def worker() -> None:
        nonlocal issued
        while issued < total:
            issued += 1
            call_started = time.perf_counter_ns()
            result = await call()
            latencies_us.append((time.perf_counter_ns() - call_started) / 1e3)
            check_result(result)

    started = time.perf_counter_ns()
    await asyncio.gather(*(worker() for _ in range(min(in_flight, total))))
    return latencies_us, (time.perf_counter_ns() - started) / 1e9


def percentile(ascending: List[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    return ascending[max(0, math.ceil(len(ascending) * fraction) - 1)]


def figures(client: str, in_flight: int, run: Run) -> dict:
    latencies_us, seconds = run
    ascending = sorted(latencies_us)
    return {
        "client": client,
        "in_flight": in_flight,
        "calls": len(ascending),
        "calls_per_second": round(len(ascending) / seconds, 1),
        "median_us": round(percentile(ascending, 0.5), 1),
        "p99_us": round(percentile(ascending, 0.99), 1),
    }


def describe_error(error: BaseException) -> str:
    """One line: the error and, unless it already says so, the innermost error behind it (a
    library that retries before giving up may say only that it gave up)."""
    text = str(error) if isinstance(error, PeerUnusable) else error_line(error)
    cause = innermost_error(error)
    if cause is not error and str(cause) not in text:
        text += f" (after {error_line(cause)})"
    return text[:500]


def innermost_error(error: BaseException) -> BaseException:
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return error


def error_line(error: BaseException) -> str:
    """The exception's name (unless its message starts with it) and its message's first line."""
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    name = type(error).__name__
    return message if message.startswith(name) else f"{name}: {message}".rstrip(": ")


def measure_child(client: str, webhook_url: str, total: int) -> None:
    try:
        rows = PEERS[client].measure(webhook_url, total)
    except Exception as error:
        print(json.dumps({"client": client, "error": describe_error(error)}), flush=True)
        return
    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    for row in rows:
        print(json.dumps({**row, "peak_rss_kb": peak_rss_kb}), flush=True)


# ---- the parent ----------------------------------------------------------------------------------


def child_environment() -> Dict[str, str]:
    # Straight to the loopback emulator even where a proxy is configured (requests honours
    # HTTP(S)_PROXY).
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    ca_file = os.environ.get("B24KIT_BENCH_CA")
    if ca_file:
        env["REQUESTS_CA_BUNDLE"] = ca_file
        env["SSL_CERT_FILE"] = ca_file
    return env


def run_child(args: List[str]) -> List[str]:
    try:
        child = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=child_environment(),
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"child process did not finish within {CHILD_TIMEOUT_S} s") from None
    if child.returncode != 0:
        last_line = (child.stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
        raise RuntimeError(f"child process failed: {last_line}")
    return child.stdout.strip().splitlines()


def median_import_ms(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1e3)"
    runs = [float(run_child(["-c", code])[-1]) for _ in range(IMPORT_RUNS)]
    return round(statistics.median(runs), 1)


def measured_rows(client: str, webhook_url: str, total: int) -> List[dict]:
    """The measuring child's rows for this client; anything else a library printed is ignored."""
    rows = []
    for line in run_child([os.path.abspath(__file__), "--measure", client, webhook_url, str(total)]):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("client") == client:
            rows.append(row)
    return rows


def benchmark_peer(client: str, webhook_url: str, total: int) -> List[dict]:
    peer = PEERS[client]
    if find_spec(peer.module) is None:
        return [{"client": client, "error": f"{peer.pip_name} is not installed for {sys.executable}"}]
    try:
        import_ms = median_import_ms(peer.module)
        rows = measured_rows(client, webhook_url, total)
    except Exception as error:
        return [{"client": client, "error": describe_error(error)}]
    if not rows:
        return [{"client": client, "error": "the measuring child printed no figures"}]
    return [row if "error" in row else {**row, "import_ms": import_ms} for row in rows]


def main(argv: List[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: python bench/python_peers.py <webhook URL> <calls>", file=sys.stderr)
        return 2
    webhook_url, total = argv[0], int(argv[1])
    for client in PEERS:
        for row in benchmark_peer(client, webhook_url, total):
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(main(sys.argv[1:]))
