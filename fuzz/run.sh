#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and prints the executions per target; fails on the
# first crash (its input is left in fuzz/artifacts/<target>/).
# Usage: bash fuzz/run.sh [seconds per target, default 60]
# Installs what it needs: the nightly toolchain (rustup) and cargo-fuzz (into target/tools).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
seconds=${1:-60}
targets=(response endpoint spec)

rustup toolchain install nightly --profile minimal >/dev/null
tools=$root/target/tools
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
  cargo install --quiet --locked --root "$tools" cargo-fuzz
fi
export PATH="$tools/bin:$PATH"

# Sanitizer builds share one target dir under the workspace's.
out=$root/target/fuzz
cargo +nightly fuzz build --target-dir "$out"

summary=""
for target in "${targets[@]}"; do
  corpus=$root/target/fuzz-corpus/$target
  log=$root/target/fuzz-$target.log
  mkdir -p "$corpus"
  if ! cargo +nightly fuzz run --target-dir "$out" "$target" "$corpus" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $target failed; see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
  summary+=$(printf '%-10s %s' "$target" "$runs")$'\n'
done
printf '\nfuzzing, %s s per target, no crash:\n%s' "$seconds" "$summary"
