"""Python figures for the benchmark table: sequential sync calls, asyncio calls with 64 in
flight, the time `import b24kit` takes and the process's peak RSS. Prints one JSON line per
figure. For a TLS run, B24KIT_BENCH_CA names the emulator's certificate to trust."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Dict, List

import b24kit

# The emulator runs without limits: so does the client's pacing. TLS runs trust its certificate.
SETTINGS = {"rate_limit": None}
if os.environ.get("B24KIT_BENCH_CA"):
    SETTINGS["root_certificate_pem"] = open(os.environ["B24KIT_BENCH_CA"], "rb").read()


def summary(client: str, latencies: List[float], elapsed: float, in_flight: int) -> str:
    latencies.sort()
    return json.dumps(
        {
            "client": client,
            "calls": len(latencies),
            "in_flight": in_flight,
            "calls_per_second": len(latencies) / elapsed,
            "median_us": latencies[len(latencies) // 2] * 1e6,
            "p99_us": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e6,
        }
    )


def sync_calls(url: str, calls: int) -> List[str]:
    """The typed call and the call by name on one client, in alternating blocks of 100 calls so
    that neither gains from going second (a warmer process, a calmer machine)."""
    client = b24kit.Client.from_webhook(url, **SETTINGS)
    params = {"CHAT_ID": 2043, "ACTIVATE": "Y"}
    kinds = {
        "python-sync": lambda: client.imopenlines_session_mode_silent(2043, activate=True),
        "python-sync-generic": lambda: client.call("imopenlines.session.mode.silent", params),
    }
    for call in kinds.values():
        for _ in range(200):
            call()
    latencies: Dict[str, List[float]] = {name: [] for name in kinds}
    elapsed = {name: 0.0 for name in kinds}
    for _ in range(max(1, calls // 100)):
        for name, call in kinds.items():
            block = time.perf_counter()
            for _ in range(100):
                t = time.perf_counter()
                call()
                latencies[name].append(time.perf_counter() - t)
            elapsed[name] += time.perf_counter() - block
    return [summary(name, latencies[name], elapsed[name], 1) for name in kinds]


def async_calls(url: str, calls: int, in_flight: int) -> str:
    async def run() -> str:
        client = b24kit.AsyncClient.from_webhook(url, **SETTINGS)
        for _ in range(200):
            await client.imopenlines_session_mode_silent(2043, activate=True)
        latencies: List[float] = []

        async def worker(n: int) -> None:
            for _ in range(n):
                t = time.perf_counter()
                await client.imopenlines_session_mode_silent(2043, activate=True)
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        await asyncio.gather(*(worker(calls // in_flight) for _ in range(in_flight)))
        return summary("python-asyncio", latencies, time.perf_counter() - started, in_flight)

    return asyncio.run(run())


def import_time() -> str:
    code = "import time; t = time.perf_counter(); import b24kit; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(7)]
    return json.dumps({"client": "python-import", "median_ms": statistics.median(runs) * 1e3, "min_ms": min(runs) * 1e3})


if __name__ == "__main__":
    webhook, calls = sys.argv[1], int(sys.argv[2])
    print(import_time(), flush=True)
    for line in sync_calls(webhook, calls):
        print(line, flush=True)
    print(async_calls(webhook, calls, 64), flush=True)
    print(json.dumps({"client": "python-rss", "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
