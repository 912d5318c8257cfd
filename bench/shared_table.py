"""Prints the shared-limits figures of bench/run.sh: per call, the bucket in Redis against the
client's own (median rounds, latency median and p99), and 8 processes sharing the bucket against
one process alone (calls per second, all 8 summed).
Usage: python shared_table.py results.jsonl
"""

import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]


def median_of(client, field):
    return statistics.median(r[field] for r in rows if r["client"] == client)


print("shared limits (emulator limits off; a bucket limit no call reaches, so nothing waits)")
print(f"{'bucket':28} {'calls/s':>9} {'median µs':>10} {'p99 µs':>8}")
for client, label in (("b24kit-paced", "the client's own"), ("b24kit-shared", "in Redis (loopback)")):
    print(f"{label:28} {median_of(client, 'calls_per_second'):>9.0f} {median_of(client, 'median_us'):>10.0f} {median_of(client, 'p99_us'):>8.0f}")
extra_median = median_of("b24kit-shared", "median_us") - median_of("b24kit-paced", "median_us")
extra_p99 = median_of("b24kit-shared", "p99_us") - median_of("b24kit-paced", "p99_us")
print(f"extra cost of the shared bucket per call: {extra_median:.0f} µs at the median, {extra_p99:.0f} µs at p99")
fleet = [r for r in rows if r["client"] == "fleet-of-8"]
alone = [r for r in rows if r["client"] == "alone"]
fleet_cps = sum(r["calls_per_second"] for r in fleet)
print(f"8 processes sharing the bucket: {fleet_cps:.0f} calls/s together; 1 process alone: {alone[0]['calls_per_second']:.0f} calls/s")
