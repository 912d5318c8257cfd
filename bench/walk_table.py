"""Prints the list-walk results (JSON lines from the walk scripts) as one table: the median walk
of each client, its HTTP requests and items per second, and its ratio to the hand-written Rust
`>ID` loop measured in the same run; then the targets.
Usage: python walk_table.py results.jsonl
"""

import json
import statistics
import sys
from collections import defaultdict

# (language, client, mode) per client name the walk scripts print.
CLIENTS = {
    "walk-floor": ("Rust", "hand-written reqwest >ID loop (floor)", "by ID"),
    "walk-rust-by-id": ("Rust", "b24kit list", "by ID"),
    "walk-rust-counted": ("Rust", "b24kit list", "counted"),
    "walk-python-by-id": ("Python", "b24kit Client.list", "by ID"),
    "walk-python-counted": ("Python", "b24kit Client.list", "counted"),
    "walk-fast_bitrix24": ("Python", "fast_bitrix24 get_all", "counted"),
    "walk-node-by-id": ("Node", "b24kit client.list", "by ID"),
    "walk-node-counted": ("Node", "b24kit client.list", "counted"),
    "walk-b24jssdk": ("Node", "@bitrix24/b24jssdk callList", "by ID"),
}

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
walks = defaultdict(list)
for r in rows:
    walks[r["client"]].append(r)


def median(client, field):
    values = [r[field] for r in walks[client] if field in r]
    return statistics.median(values) if values else None


floor = median("walk-floor", "items_per_second")
print("\nlist walks: every item of crm.contact.list (TLS emulator, limits off); median of the walks")
header = f"{'language':8} {'client':38} {'mode':8} {'items':>6} {'requests':>8} {'items/s':>8} {'vs floor':>8}"
print(header)
print("-" * len(header))
for client, (language, label, mode) in CLIENTS.items():
    errors = [r for r in walks[client] if "error" in r]
    if errors:
        print(f"{language:8} {label:38} {mode:8} not measured — {errors[0]['error']}")
        continue
    if not walks[client]:
        continue
    ips = median(client, "items_per_second")
    ratio = f"{ips / floor:>7.2f}x" if floor else "–"
    print(f"{language:8} {label:38} {mode:8} {median(client, 'items'):>6.0f} {median(client, 'requests'):>8.0f} {ips:>8.0f} {ratio}")

print("\ntargets:")
for client in ("walk-rust-counted", "walk-python-counted", "walk-node-counted"):
    if walks[client] and "requests" in walks[client][0]:
        requests, items = median(client, "requests"), median(client, "items")
        verdict = "met" if requests <= 6 and items == 10_000 else "MISSED"
        print(f"  {CLIENTS[client][0]} counted walk: {items:.0f} items in {requests:.0f} requests (target ≤ 6) — {verdict}")
for client in ("walk-rust-by-id", "walk-python-by-id", "walk-node-by-id"):
    if walks[client] and floor and median(client, "items_per_second"):
        ratio = median(client, "items_per_second") / floor
        verdict = "met" if ratio >= 0.9 else "MISSED"
        print(f"  {CLIENTS[client][0]} by-ID walk: {ratio:.2f}x of the hand-written Rust loop's items/s (target 0.9x) — {verdict}")
