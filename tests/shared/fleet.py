"""Many processes, one portal: 4 Python and 4 Node workers, first apart, then sharing a real Redis
server, printed side by side.

- Limits: the emulator limited to a burst of 10 at 50 requests/s, 600 calls in all. Fails unless
  the shared run meets no QUERY_LIMIT_EXCEEDED and takes at most 1.1 times the bucket's minimum.
- OAuth: the workers, started with the same token pair, meet an expired token at once. Fails
  unless the shared run makes exactly one renewal at the OAuth server, runs one callback in the
  whole fleet and loses no call.

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


def run(base_url: str, node_project: Path, config: Dict[str, Any], before_go: Optional[Any] = None) -> Dict[str, Any]:
    """One run of the whole fleet with the workers' `config`; what the portal saw, how long it took."""
    argument = json.dumps(config)
    # Node resolves `require('b24kit')` from the script's folder: the worker runs from the project.
    shutil.copy(HERE / "worker.js", node_project / "fleet-worker.js")
    commands = [[sys.executable, str(HERE / "worker.py"), argument]] * WORKERS_PER_LANGUAGE
    commands += [["node", "fleet-worker.js", argument]] * WORKERS_PER_LANGUAGE
    workers: List[subprocess.Popen] = [
        subprocess.Popen(command, cwd=node_project, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for command in commands
    ]
    try:
        return drive(base_url, workers, before_go)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()


def drive(base_url: str, workers: List[subprocess.Popen], before_go: Optional[Any]) -> Dict[str, Any]:
    """Starts the ready workers together and collects their reports."""
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline().strip()
        assert line == "ready", f"a worker did not start: {line!r} (exit {worker.poll()})"
    if before_go is not None:
        before_go()
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
        "renewals": stats["token_refreshes"],
        "callbacks": sum(r["renewals"] for r in reports),
        "failed": sum(r["failed"] for r in reports),
        "calls": sum(r["calls"] for r in reports),
        "seconds": elapsed,
    }


def limits(ready: Dict[str, Any], node_project: Path, redis_url: str) -> None:
    base_url = ready["base_url"]
    figures = {}
    for label, shared in (("apart", None), ("shared", redis_url)):
        control(base_url, "POST", "reset")
        control(base_url, "PUT", "limits", {"burst": BURST, "drain_per_second": RATE})
        figures[label] = run(base_url, node_project, {"webhook": ready["webhook_url"], "calls": CALLS_PER_WORKER, "shared": shared})
    calls = WORKERS_PER_LANGUAGE * 2 * CALLS_PER_WORKER
    minimum = max(0.0, calls - BURST / 2) / RATE  # the core's RateLimit.minimum_duration
    print(f"{WORKERS_PER_LANGUAGE} Python + {WORKERS_PER_LANGUAGE} Node workers, {calls} calls, portal limited to a burst of {BURST} at {RATE}/s")
    print(f"{'':8} {'refused (QUERY_LIMIT_EXCEEDED)':>31} {'requests sent':>14} {'calls failed':>13} {'seconds':>8} {'vs bucket minimum':>18}")
    for label, run_figures in figures.items():
        ratio = run_figures["seconds"] / minimum
        print(f"{label:8} {run_figures['refused']:>31} {run_figures['sent']:>14} {run_figures['failed']:>13} {run_figures['seconds']:>8.2f} {ratio:>17.2f}x")
    apart, shared_run = figures["apart"], figures["shared"]
    assert apart["calls"] == shared_run["calls"] == calls
    assert apart["refused"] > 0, "workers pacing themselves apart should overrun the portal's limit"
    assert shared_run["refused"] == 0, "the portal refused requests of workers sharing one bucket"
    assert shared_run["failed"] == 0 and shared_run["sent"] == calls, shared_run
    assert shared_run["seconds"] <= minimum * 1.10, f"{shared_run['seconds']:.2f} s is more than 1.1 times the minimum {minimum:.2f} s"


def oauth(ready: Dict[str, Any], node_project: Path, redis_url: str) -> None:
    base_url = ready["base_url"]
    pair = {
        "endpoint": ready["oauth_endpoint"],
        "access_token": ready["access_token"],
        "client_id": ready["client_id"],
        "client_secret": ready["client_secret"],
        "refresh_token": ready["refresh_token"],
        "oauth_server": ready["oauth_server"],
    }
    figures = {}
    for label, shared in (("apart", None), ("shared", redis_url)):
        control(base_url, "POST", "reset")
        control(base_url, "PUT", "limits", {"enabled": False})
        figures[label] = run(
            base_url,
            node_project,
            {"oauth": pair, "calls": 5, "shared": shared},
            before_go=lambda: control(base_url, "POST", "tokens/expire"),
        )
    print(f"{WORKERS_PER_LANGUAGE} Python + {WORKERS_PER_LANGUAGE} Node workers started with one token pair meet its expiry at once, 5 calls each")
    print(f"{'':8} {'renewals at the OAuth server':>29} {'callbacks run':>14} {'calls failed':>13}")
    for label, run_figures in figures.items():
        print(f"{label:8} {run_figures['renewals']:>29} {run_figures['callbacks']:>14} {run_figures['failed']:>13}")
    apart, shared_run = figures["apart"], figures["shared"]
    assert apart["failed"] > 0, "apart, workers spending one refresh token should be refused (invalid_grant)"
    assert (shared_run["renewals"], shared_run["callbacks"], shared_run["failed"]) == (1, 1, 0), shared_run


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
            redis_url = f"redis://127.0.0.1:{port}/0"
            limits(ready, node_project, redis_url)
            oauth(ready, node_project, redis_url)
        finally:
            emulator.terminate()
            redis.kill()
            emulator.wait()
            redis.wait()


if __name__ == "__main__":
    main()
