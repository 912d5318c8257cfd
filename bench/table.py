"""Prints the benchmark results (JSON lines from the bench scripts) as one table: the median round
of each client and concurrency, its ratio to the hand-written Rust reqwest loop at the same
concurrency (the floor of what the HTTP stack costs), and for b24kit rows the ratio to the best
peer of the same language at the same concurrency — among them, for Node and the JVM, the
language's own HTTP stack with no library, the ceiling of any client there — all measured in the
same run.
Usage: python table.py results.jsonl [title]
"""

import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
title = sys.argv[2] if len(sys.argv) > 2 else "plain HTTP"

# (language, client label, is b24kit) per client name the scripts print.
CLIENTS = {
    "reqwest": ("Rust", "hand-written reqwest loop (floor)", False),
    "b24kit": ("Rust", "b24kit typed call", True),
    "b24kit-generic": ("Rust", "b24kit call by name", True),
    "python-sync": ("Python", "b24kit Client (sync)", True),
    "python-asyncio": ("Python", "b24kit AsyncClient (asyncio)", True),
    "python-sync-generic": ("Python", "b24kit Client.call by name (sync)", True),
    "b24pysdk": ("Python", "b24pysdk (official SDK)", False),
    "fast_bitrix24": ("Python", "fast_bitrix24", False),
    "node": ("Node", "b24kit Client", True),
    "node-generic": ("Node", "b24kit client.call by name", True),
    "b24jssdk": ("Node", "@bitrix24/b24jssdk (official SDK)", False),
    "2bad_bitrix": ("Node", "@2bad/bitrix", False),
    "node-http": ("Node", "node:http keep-alive loop (no library)", False),
    "kotlin": ("Kotlin", "b24kit suspend call", True),
    "jdk-http": ("Kotlin", "JDK java.net.http loop (no library)", False),
}

rounds = defaultdict(list)
extras = defaultdict(list)  # import/load times and peak RSS, by client
failures = []
ceiling = [r for r in rows if r["client"] == "emulator-ceiling"]
for r in rows:
    if "error" in r:
        failures.append(r)
    elif r["client"] in ("python-import", "node-require", "python-rss", "node-rss", "kotlin-rss"):
        extras[r["client"]].append(r)
    elif r["client"] in CLIENTS:
        rounds[(r["client"], r["in_flight"])].append(r)


def median(key, field):
    values = [r[field] for r in rounds[key] if r.get(field) is not None]
    return statistics.median(values) if values else None


floor = {k[1]: median(k, "calls_per_second") for k in rounds if k[0] == "reqwest"}
best_peer = {}
for (client, in_flight) in rounds:
    language, _, ours = CLIENTS[client]
    if not ours and client != "reqwest":
        cps = median((client, in_flight), "calls_per_second")
        best_peer[(language, in_flight)] = max(cps, best_peer.get((language, in_flight), 0))

# b24kit's own memory and start-up figures come from its bench processes.
own_rss = {
    "python-sync": extras["python-rss"], "python-asyncio": extras["python-rss"], "node": extras["node-rss"],
    "python-sync-generic": extras["python-rss"], "node-generic": extras["node-rss"],
    "kotlin": extras["kotlin-rss"],
}
own_start = {
    "python-sync": [r["median_ms"] for r in extras["python-import"]],
    "python-asyncio": [r["median_ms"] for r in extras["python-import"]],
    "python-sync-generic": [r["median_ms"] for r in extras["python-import"]],
    "node-generic": [r["median_ms"] for r in extras["node-require"]],
    "node": [r["median_ms"] for r in extras["node-require"]],
}


def fmt(value, spec, missing="–"):
    return format(value, spec) if value is not None else missing


print(f"\n{title}")
header = f"{'language':8} {'client':36} {'in flight':>9} {'calls/s':>8} {'median µs':>9} {'p99 µs':>8} {'peak RSS MiB':>12} {'import ms':>9} {'vs floor':>8} {'vs best peer':>12}"
print(header)
print("-" * len(header))
order = list(CLIENTS)
for key in sorted(rounds, key=lambda k: (["Rust", "Python", "Node", "Kotlin"].index(CLIENTS[k[0]][0]), order.index(k[0]), k[1])):
    client, in_flight = key
    language, label, ours = CLIENTS[client]
    cps = median(key, "calls_per_second")
    rss = median(key, "peak_rss_kb")
    start = median(key, "import_ms") or median(key, "load_ms")
    if rss is None and own_rss.get(client):
        rss = statistics.median(r["peak_rss_kb"] for r in own_rss[client])
    if start is None and own_start.get(client):
        start = statistics.median(own_start[client])
    vs_floor = cps / floor[in_flight] if in_flight in floor else None
    peer = best_peer.get((language, in_flight))
    vs_peer = cps / peer if ours and peer else None
    print(
        f"{language:8} {label:36} {in_flight:>9} {cps:>8.0f} {fmt(median(key, 'median_us'), '>9.0f')} "
        f"{fmt(median(key, 'p99_us'), '>8.0f')} {fmt(rss / 1024 if rss else None, '>12.1f')} {fmt(start, '>9.1f')} "
        f"{fmt(vs_floor, '>7.2f')}x {fmt(vs_peer, '>11.2f')}x"
    )
for r in ceiling:
    print(f"emulator ceiling: {r['calls_per_second']:.0f} requests/s to a raw Rust load generator with {r['in_flight']} in flight")
for r in failures:
    print(f"{r['client']}: not measured — {r['error']}")
print("Peak RSS of b24kit rows is that of the bench process (Python: sync and asyncio runs together; Kotlin: the JVM).")

# The issues' targets, as ratios to the reqwest loop (the last one to b24kit's own Rust client
# with 64 in flight); Node and Kotlin as issue #18 restated them, idle and with one core busy.
TARGETS = [
    ("Rust typed call", ("b24kit", 1), ("reqwest", 1), 0.95),
    ("Python sync", ("python-sync", 1), ("reqwest", 1), 0.85),
    ("Node async", ("node", 1), ("reqwest", 1), 0.80),
    ("Kotlin suspend", ("kotlin", 1), ("reqwest", 1), 0.50),
    ("Kotlin suspend, 64 in flight", ("kotlin", 64), ("reqwest", 64), 0.50),
    ("Python call by name (sync)", ("python-sync-generic", 1), ("reqwest", 1), 0.85),
    ("Node call by name", ("node-generic", 1), ("reqwest", 1), 0.80),
    ("Python asyncio, 64 in flight", ("python-asyncio", 64), ("b24kit", 64), 0.40),
]
print("\ntargets:")
for name, ours, base, goal in TARGETS:
    if ours in rounds and base in rounds:
        ratio = median(ours, "calls_per_second") / median(base, "calls_per_second")
        verdict = "met" if ratio >= goal else "MISSED"
        print(f"  {name}: {ratio:.2f}x of {CLIENTS[base[0]][1]} at {base[1]} in flight (target {goal}x) — {verdict}")
    else:
        print(f"  {name}: not measured in this run")
