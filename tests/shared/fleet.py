"""Many processes, one portal: 4 Python and 4 Node workers share the emulator limited to a burst
of 10 at 50 requests/s, 600 calls in all, first each pacing itself apart, then sharing one
bucket in a real Redis server. Prints both runs side by side; fails unless the shared run meets
no QUERY_LIMIT_EXCEEDED and takes at most 1.1 times the bucket's minimum.

Usage: python fleet.py EMULATOR_BINARY NODE_PROJECT_DIR  (run with the interpreter that has b24kit
installed; the Node project has it in node_modules).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
WORKERS_PER_LANGUAGE = 4
CALLS_PER_WORKER = 75
BURST, RATE = 10, 50
# Loopback needs no proxy, whatever the environment says.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_redis(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(7) == b"+PONG\r\n":
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"redis-server did not answer on port {port} within 20 s")


def control(base_url: str, method: str, path: str, body: Optional[Any] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}_emulator/{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    with HTTP.open(request, timeout=10) as response:
        return json.loads(response.read())


def run(webhook: str, base_url: str, node_project: Path, shared: str) -> Dict[str, Any]:
    """One run of the whole fleet; what the portal saw and how long it took."""
    control(base_url, "POST", "reset")
    control(base_url, "PUT", "limits", {"burst": BURST, "drain_per_second": RATE})
    args = [webhook, str(CALLS_PER_WORKER), shared]
    commands = [[sys.executable, str(HERE / "worker.py"), *args]] * WORKERS_PER_LANGUAGE
    commands += [["node", str(HERE / "worker.js"), *args]] * WORKERS_PER_LANGUAGE
    workers: List[subprocess.Popen] = [
        subprocess.Popen(command, cwd=node_project, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for command in commands
    ]
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline().strip()
        assert line == "ready", f"a worker did not start: {line!r} (exit {worker.poll()})"
    started = time.perf_counter()
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    reports = []
    for worker in workers:
        assert worker.stdout is not None
        reports.append(json.loads(worker.stdout.readline()))
        assert worker.wait(timeout=120) == 0
    elapsed = time.perf_counter() - started
    stats = control(base_url, "GET", "stats")
    return {
        "refused": stats["rate_limited"],
        "sent": stats["rest_requests"],
        "failed": sum(r["failed"] for r in reports),
        "calls": sum(r["calls"] for r in reports),
        "seconds": elapsed,
    }


def main() -> None:
    emulator_binary, node_project = sys.argv[1], Path(sys.argv[2]).resolve()
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is missing: tests/run.sh installs Debian's redis-server package")
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        redis = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch],
            stdout=subprocess.DEVNULL,
        )
        emulator = subprocess.Popen([emulator_binary, "--port", "0", "--ready-json", "--rate-limit", "off"], stdout=subprocess.PIPE, text=True)
        try:
            wait_for_redis(port)
            assert emulator.stdout is not None
            ready = json.loads(emulator.stdout.readline())
            webhook, base_url = ready["webhook_url"], ready["base_url"]
            apart = run(webhook, base_url, node_project, "-")
            shared = run(webhook, base_url, node_project, f"redis://127.0.0.1:{port}/0")
        finally:
            emulator.terminate()
            redis.kill()
            emulator.wait()
            redis.wait()
    calls = WORKERS_PER_LANGUAGE * 2 * CALLS_PER_WORKER
    minimum = max(0.0, calls - BURST / 2) / RATE  # the core's RateLimit.minimum_duration
    print(f"{WORKERS_PER_LANGUAGE} Python + {WORKERS_PER_LANGUAGE} Node workers, {calls} calls, portal limited to a burst of {BURST} at {RATE}/s")
    print(f"{'':8} {'refused (QUERY_LIMIT_EXCEEDED)':>31} {'requests sent':>14} {'calls failed':>13} {'seconds':>8} {'vs bucket minimum':>18}")
    for label, figures in (("apart", apart), ("shared", shared)):
        ratio = figures["seconds"] / minimum
        print(f"{label:8} {figures['refused']:>31} {figures['sent']:>14} {figures['failed']:>13} {figures['seconds']:>8.2f} {ratio:>17.2f}x")
    assert apart["calls"] == shared["calls"] == calls
    assert apart["refused"] > 0, "workers pacing themselves apart should overrun the portal's limit"
    assert shared["refused"] == 0, "the portal refused requests of workers sharing one bucket"
    assert shared["failed"] == 0 and shared["sent"] == calls, shared
    assert shared["seconds"] <= minimum * 1.10, f"{shared['seconds']:.2f} s is more than 1.1 times the minimum {minimum:.2f} s"


if __name__ == "__main__":
    main()
