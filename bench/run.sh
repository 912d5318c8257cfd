#!/usr/bin/env bash
# Benchmarks: builds release artefacts, starts the emulator with limits off, and prints figures
# measured side by side in this run, each with its ratio to the hand-written Rust reqwest loop.
# Usage: bash bench/run.sh [calls]     (default 5000 per figure)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-5000}
venv=target/bench-venv

echo "==> building release artefacts"
cargo build --release --locked -q -p b24kit-emulator -p b24kit-bench
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" wheel -q --no-deps -w target/wheels ./bindings/python
"$venv/bin/pip" install -q --force-reinstall --no-deps target/wheels/b24kit-*.whl
(cd bindings/node && npm ci --no-audit --no-fund --silent && npm run --silent build >/dev/null)

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# start_emulator <rate limit>: starts an emulator on one thread and sets $ready to its ready line.
start_emulator() {
  local out
  out=$(mktemp)
  target/release/b24kit-emulator --port 0 --ready-json --rate-limit "$1" --threads 1 >"$out" &
  pids+=("$!")
  until grep -q '}' "$out"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "the emulator did not start" >&2; exit 1; }
    sleep 0.05
  done
  ready=$(head -n 1 "$out")
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$ready" "$1"; }

echo "==> starting the emulator (limits off, one thread)"
start_emulator off
webhook=$(field webhook_url)

results=$(mktemp)
rounds=5
per_round=$((calls / rounds))
bench() { target/release/b24kit-bench "$@" >>"$results"; }
echo "==> measuring: $rounds interleaved rounds of $per_round calls per figure (this machine is noisy)"
for round in $(seq "$rounds"); do
  bench reqwest "$webhook" "$per_round"
  bench b24kit "$webhook" "$per_round"
  bench reqwest "$webhook" "$per_round" 64
  bench b24kit "$webhook" "$per_round" 64
  "$venv/bin/python" bench/python_bench.py "$webhook" "$per_round" >>"$results"
  node bench/node_bench.js "$webhook" "$per_round" >>"$results"
done
python3 bench/table.py "$results"

echo "==> the documented standard plan (burst 50, 2/s) enforced by a second emulator: 300 calls at once"
start_emulator standard
target/release/b24kit-bench standard-plan "$(field webhook_url)" 300
python3 - "$(field base_url)" <<'PY'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
stats = json.load(opener.open(sys.argv[1] + "_emulator/stats"))
print(f"emulator counts: {stats['rest_requests']} requests, {stats['rate_limited']} refused with QUERY_LIMIT_EXCEEDED")
PY
