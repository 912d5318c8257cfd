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

echo "==> starting the emulator (limits off, one thread)"
exec 3< <(target/release/b24kit-emulator --port 0 --ready-json --rate-limit off --threads 1)
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true' EXIT
read -r ready <&3
webhook=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["webhook_url"])' "$ready")

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
