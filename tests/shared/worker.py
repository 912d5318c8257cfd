"""One Python worker of a fleet: makes its client, says "ready", waits for a line on stdin, makes
its calls, then prints one JSON line (calls made, calls failed, token renewals its callback saw).

Usage: python worker.py CONFIG_JSON — {"webhook": URL} or {"oauth": {endpoint, access_token,
client_id, client_secret, refresh_token, oauth_server}}, plus "calls" and "shared" (a Redis URL or
null).
"""

from __future__ import annotations

import concurrent.futures
import json
import sys
from typing import List

import b24kit


def main() -> None:
    config = json.loads(sys.argv[1])
    shared = None if config["shared"] is None else b24kit.SharedLimits(config["shared"], prefix="fleet:")
    renewals: List[b24kit.Tokens] = []
    if "oauth" in config:
        oauth = config["oauth"]
        client = b24kit.Client.from_oauth(
            oauth["endpoint"],
            oauth["access_token"],
            client_id=oauth["client_id"],
            client_secret=oauth["client_secret"],
            refresh_token=oauth["refresh_token"],
            oauth_server=oauth["oauth_server"],
            on_tokens_refreshed=renewals.append,
            rate_limit=None,
            retry=b24kit.Retry.never(),
            shared=shared,
        )
    else:
        client = b24kit.Client.from_webhook(
            config["webhook"],
            rate_limit=b24kit.RateLimit(10, 50),
            retry=b24kit.Retry(max_attempts=10, initial_backoff=0.02, max_backoff=0.2),
            shared=shared,
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
        outcomes = list(pool.map(call, range(config["calls"])))
    print(json.dumps({"calls": len(outcomes), "failed": outcomes.count(False), "renewals": len(renewals)}), flush=True)


if __name__ == "__main__":
    main()
