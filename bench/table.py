"""Prints the benchmark results (JSON lines) as a table with ratios to the reqwest loop measured
in the same run: sequential figures against the sequential loop, 64-in-flight ones against the
loop with 64 in flight."""

import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
floor = {r["in_flight"]: r["calls_per_second"] for r in rows if r["client"] == "reqwest"}
names = {
    "reqwest": "Rust, hand-written reqwest loop (floor)",
    "b24kit": "Rust, b24kit typed call",
    "python-sync": "Python, b24kit Client (sync)",
    "python-asyncio": "Python, b24kit AsyncClient",
}
print(f"\n{'client':44} {'in flight':>9} {'calls/s':>10} {'median µs':>10} {'p99 µs':>9} {'vs floor':>9}")
for r in rows:
    if "calls_per_second" not in r:
        continue
    ratio = r["calls_per_second"] / floor[r["in_flight"]] if r["in_flight"] in floor else float("nan")
    print(
        f"{names.get(r['client'], r['client']):44} {r['in_flight']:>9} {r['calls_per_second']:>10.0f} "
        f"{r['median_us']:>10.0f} {r['p99_us']:>9.0f} {ratio:>8.2f}x"
    )
for r in rows:
    if r["client"] == "python-import":
        print(f"\nimport b24kit: median {r['median_ms']:.1f} ms, best {r['min_ms']:.1f} ms")
