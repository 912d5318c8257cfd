#!/usr/bin/env bash
# Benchmarks: builds release artefacts, installs the peer clients (PyPI, npm), starts the emulator
# with limits off, and prints figures measured side by side in this run: b24kit in Rust, Python,
# Node and Kotlin against the hand-written Rust reqwest loop and the clients people use today
# (and Node's and the JDK's own HTTP stacks, the ceilings of any client there); the emulator's own
# ceiling; the same table with one core busy; the same table over TLS; list walks of 10,000 items beside the
# peers' list helpers; and one slow run under the documented standard-plan limit.
# Usage: bash bench/run.sh [calls]     (default 5000 per figure)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
calls=${1:-5000}
venv=target/bench-venv
peers_venv=target/bench-peers-venv
peers_node=$root/target/bench-peers-node

echo "==> building release artefacts"
cargo build --release --locked -q -p b24kit-emulator -p b24kit-bench
# The bindings are measured as they ship: the `dist` profile (the wheel and the addon use it too).
cargo build --profile dist --locked -q -p b24kit-uniffi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
rm -rf target/wheels/bench
"$venv/bin/pip" wheel -q --no-deps -w target/wheels/bench ./bindings/python
"$venv/bin/pip" install -q --force-reinstall --no-deps target/wheels/bench/b24kit-*.whl
(cd bindings/node && npm ci --no-audit --no-fund --silent && npm run --silent build >/dev/null)
# The Kotlin figures run in a plain JVM (not Maven's), on the compiled test classes. The compiler
# runs inside Maven: its daemon would otherwise stay, a 1.3 GB JVM, through every measurement.
(cd bindings/kotlin && mvn -q -B -Dkotlin.compiler.daemon=false test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt)
kotlin_classpath=$root/bindings/kotlin/target/classes:$root/bindings/kotlin/target/test-classes:$(cat bindings/kotlin/target/bench-classpath.txt)

echo "==> installing the peers: b24pysdk and fast-bitrix24 (PyPI), @bitrix24/b24jssdk and @2bad/bitrix (npm)"
if [ ! -x "$peers_venv/bin/python" ]; then python3 -m venv "$peers_venv"; fi
"$peers_venv/bin/pip" install -q b24pysdk fast-bitrix24
mkdir -p "$peers_node"
(cd "$peers_node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
  npm install --no-audit --no-fund --silent @bitrix24/b24jssdk @2bad/bitrix)

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# start_emulator <rate limit> [args…]: starts an emulator on one thread; sets $ready to its ready line.
start_emulator() {
  local out
  out=$(mktemp)
  target/release/b24kit-emulator --port 0 --ready-json --rate-limit "$@" --threads 1 >"$out" &
  pids+=("$!")
  until grep -q '}' "$out"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "the emulator did not start" >&2; exit 1; }
    sleep 0.05
  done
  ready=$(head -n 1 "$out")
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$ready" "$1"; }

kotlin_bench() {
  java -cp "$kotlin_classpath" -Djna.library.path="$root/target/dist" dev.b24kit.BenchKt "$1" "$2"
}
# The ceilings of any Node or JVM client: the language's own HTTP stack, no library (<webhook> <calls>).
node_http() { node bench/node_http.js "$1" "$2"; }
jdk_http() { java -cp "$kotlin_classpath" dev.b24kit.JdkHttpBench "$1" "$2"; }

# measure <webhook> <calls per figure> <rounds> <results file>: every client, rounds interleaved
# (this machine is noisy); the peers once, in their own processes (they also report memory).
measure() {
  local webhook=$1 per_round=$(($2 / $3)) rounds=$3 results=$4
  {
    for _ in $(seq "$rounds"); do
      target/release/b24kit-bench reqwest "$webhook" "$per_round"
      target/release/b24kit-bench b24kit "$webhook" "$per_round"
      target/release/b24kit-bench reqwest "$webhook" "$per_round" 64
      target/release/b24kit-bench b24kit "$webhook" "$per_round" 64
      target/release/b24kit-bench b24kit-generic "$webhook" "$per_round"
      "$venv/bin/python" bench/python_bench.py "$webhook" "$per_round"
      node bench/node_bench.js "$webhook" "$per_round"
      kotlin_bench "$webhook" "$per_round"
    done
    "$peers_venv/bin/python" bench/python_peers.py "$webhook" "$2"
    B24KIT_PEERS_DIR=$peers_node node bench/node_peers.js "$webhook" "$2"
    node_http "$webhook" "$2"
    jdk_http "$webhook" "$2"
    target/release/b24kit-bench ceiling "$webhook" $(($2 * 4)) 128
  } >>"$results"
}

echo "==> plain HTTP: $calls calls per figure, 5 interleaved rounds for b24kit and the floor"
start_emulator off
results=$(mktemp)
measure "$(field webhook_url)" "$calls" 5 "$results"
python3 bench/table.py "$results" "plain HTTP, emulator limits off"

echo "==> plain HTTP with one of the two cores busy (a \`yes\` loop): the floor, Node and Kotlin, 4 interleaved rounds"
# A server shares its cores: with one busy, the floor's two threads (client, emulator) meet on
# the other core and hand over faster than between idle cores, while every thread a binding adds
# competes for that core. The ratios here are the ones issue #18 asks for "with one core busy".
start_emulator off
busy_webhook=$(field webhook_url)
yes >/dev/null &
hog=$!
pids+=("$hog")
busy_results=$(mktemp)
for _ in 1 2 3 4; do
  target/release/b24kit-bench reqwest "$busy_webhook" $((calls / 4))
  target/release/b24kit-bench reqwest "$busy_webhook" $((calls / 4)) 64
  target/release/b24kit-bench b24kit "$busy_webhook" $((calls / 4))
  node bench/node_bench.js "$busy_webhook" $((calls / 4))
  kotlin_bench "$busy_webhook" $((calls / 4))
  node_http "$busy_webhook" $((calls / 4))
  jdk_http "$busy_webhook" $((calls / 4))
done >>"$busy_results"
kill "$hog"
python3 bench/table.py "$busy_results" "plain HTTP, one of the two cores busy with another program"

echo "==> TLS: the emulator serves HTTPS with a self-signed certificate every client trusts"
start_emulator off --tls --cert-out target/bench-emulator.pem
export B24KIT_BENCH_CA=$root/target/bench-emulator.pem
tls_results=$(mktemp)
# Three rounds, as a single one swung by ±10 % between runs on this machine.
measure "$(field webhook_url)" $((calls * 3 / 5)) 3 "$tls_results"
python3 bench/table.py "$tls_results" "TLS (clients that open a connection per call pay a handshake each time)"

echo "==> list walks: the 10,000 contacts of crm.contact.list on the same TLS emulator, 5 rounds"
walk_webhook=$(field webhook_url)
walk_results=$(mktemp)
# Rounds interleave b24kit and the floor; each invocation walks 3 times (a walk takes ~0.1 s).
# Five rounds, as with three the medians of two clients within 10 % of each other swapped places
# between runs on this machine (a walk alone took 80-170 ms back to back).
for _ in 1 2 3 4 5; do
  for mode in floor by-id counted; do target/release/b24kit-bench walk "$mode" "$walk_webhook" 3 >>"$walk_results"; done
  SSL_CERT_FILE=$B24KIT_BENCH_CA NO_PROXY='*' "$venv/bin/python" bench/python_walk.py b24kit "$walk_webhook" 3 >>"$walk_results"
  NODE_EXTRA_CA_CERTS=$B24KIT_BENCH_CA NO_PROXY='*' node bench/node_walk.js b24kit "$walk_webhook" 3 >>"$walk_results"
done
SSL_CERT_FILE=$B24KIT_BENCH_CA NO_PROXY='*' "$peers_venv/bin/python" bench/python_walk.py fast_bitrix24 "$walk_webhook" 3 >>"$walk_results"
NODE_EXTRA_CA_CERTS=$B24KIT_BENCH_CA NO_PROXY='*' B24KIT_PEERS_DIR=$peers_node node bench/node_walk.js b24jssdk "$walk_webhook" 3 >>"$walk_results"
python3 bench/walk_table.py "$walk_results"
unset B24KIT_BENCH_CA

echo "==> shared limits: the bucket in a Redis server on loopback against the client's own, and 8 processes sharing it"
redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis_dir=$(mktemp -d)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" >/dev/null &
pids+=("$!")
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done
export B24KIT_BENCH_REDIS=redis://127.0.0.1:$redis_port/0
start_emulator off
shared_webhook=$(field webhook_url)
shared_results=$(mktemp)
for _ in 1 2 3 4 5; do
  target/release/b24kit-bench b24kit-paced "$shared_webhook" $((calls / 5)) >>"$shared_results"
  target/release/b24kit-bench b24kit-shared "$shared_webhook" $((calls / 5)) >>"$shared_results"
done
# 8 processes at once, an eighth of the calls each; then 1 process alone, the same total.
fleet=()
for _ in 1 2 3 4 5 6 7 8; do
  target/release/b24kit-bench b24kit-shared "$shared_webhook" $((calls / 8)) | sed 's/"client":"b24kit-shared"/"client":"fleet-of-8"/' >>"$shared_results" &
  fleet+=("$!")
done
for job in "${fleet[@]}"; do wait "$job"; done
target/release/b24kit-bench b24kit-shared "$shared_webhook" "$calls" | sed 's/"client":"b24kit-shared"/"client":"alone"/' >>"$shared_results"
python3 bench/shared_table.py "$shared_results"
unset B24KIT_BENCH_REDIS

echo "==> the documented standard plan (burst 50, 2/s) enforced by the emulator: 300 calls at once"
start_emulator standard
target/release/b24kit-bench standard-plan "$(field webhook_url)" 300
python3 - "$(field base_url)" <<'PY'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
stats = json.load(opener.open(sys.argv[1] + "_emulator/stats"))
print(f"emulator counts: {stats['rest_requests']} requests, {stats['rate_limited']} refused with QUERY_LIMIT_EXCEEDED")
PY
