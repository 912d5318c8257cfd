"""Prints the benchmark results (JSON lines, several rounds per client) as a table: the median
round of each client, with its ratio to the reqwest loop's median round in the same run —
sequential figures against the sequential loop, 64-in-flight ones against the loop with 64 in
flight."""

import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
rounds = defaultdict(list)
imports = []
requires = []
for r in rows:
    if r["client"] == "python-import":
        imports.append(r)
    elif r["client"] == "node-require":
        requires.append(r)
    else:
        rounds[(r["client"], r["in_flight"])].append(r)


def median(key, field):
    return statistics.median(r[field] for r in rounds[key])


floor = {k[1]: median(k, "calls_per_second") for k in rounds if k[0] == "reqwest"}
names = {
    "reqwest": "Rust, hand-written reqwest loop (floor)",
    "b24kit": "Rust, b24kit typed call",
    "python-sync": "Python, b24kit Client (sync)",
    "python-asyncio": "Python, b24kit AsyncClient",
    "node": "Node, b24kit Client",
}
print(f"\n{'client':42} {'in flight':>9} {'rounds':>6} {'calls/s':>9} {'median µs':>10} {'p99 µs':>8} {'vs floor':>9}")
for key in rounds:
    client, in_flight = key
    cps = median(key, "calls_per_second")
    ratio = cps / floor[in_flight] if in_flight in floor else float("nan")
    print(
        f"{names.get(client, client):42} {in_flight:>9} {len(rounds[key]):>6} {cps:>9.0f} "
        f"{median(key, 'median_us'):>10.0f} {median(key, 'p99_us'):>8.0f} {ratio:>8.2f}x"
    )
if imports:
    print(f"\nimport b24kit: median {statistics.median(r['median_ms'] for r in imports):.1f} ms "
          f"(best {min(r['min_ms'] for r in imports):.1f} ms)")
if requires:
    print(f"require('b24kit'): median {statistics.median(r['median_ms'] for r in requires):.1f} ms "
          f"(best {min(r['min_ms'] for r in requires):.1f} ms)")
