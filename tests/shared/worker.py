"""One Python worker of a fleet: makes its calls once told to start, then reports.

Usage: python worker.py WEBHOOK_URL CALLS SHARED_URL|-  (prints "ready", waits for a line on
stdin, prints one JSON line: calls made, calls failed).
"""

from __future__ import annotations

import concurrent.futures
import json
import sys

import b24kit


def main() -> None:
    webhook, calls, shared = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    client = b24kit.Client.from_webhook(
        webhook,
        rate_limit=b24kit.RateLimit(10, 50),
        retry=b24kit.Retry(max_attempts=10, initial_backoff=0.02, max_backoff=0.2),
        shared=None if shared == "-" else b24kit.SharedLimits(shared, prefix="fleet:"),
    )
    print("ready", flush=True)
    sys.stdin.readline()

    def call(i: int) -> bool:
        try:
            client.imopenlines_session_mode_silent(2043, activate=i % 2 == 0)
            return True
        except b24kit.B24kitError:
            return False

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(call, range(calls)))
    print(json.dumps({"calls": calls, "failed": outcomes.count(False)}), flush=True)


if __name__ == "__main__":
    main()
