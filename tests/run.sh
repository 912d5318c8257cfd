#!/usr/bin/env bash
# Every check and test of b24kit, as CI runs it. Installs what it needs beyond cargo itself.
# Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# CI builds everything once from a clean clone: incremental compilation's caches would only cost
# time and disk there (in one long-lived working copy they grew to 30 GB).
export CARGO_INCREMENTAL=0

# Each step says when it starts (seconds since the run began), so a CI log shows where the time
# goes: CI has a time budget, and a step that grows is seen before it breaks it.
started=$SECONDS
step() { printf '\n==> [%ds] %s\n' "$((SECONDS - started))" "$*"; }

step "toolchain components (rustfmt, clippy)"
if command -v rustup >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "generated code matches spec/ and the templates (generate --check)"
cargo run --quiet --locked -p b24kit-codegen -- generate --check

step "lints (clippy, warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Release workflow and shell scripts: actionlint (from its Go module, into target/go) with shellcheck"
if ! command -v shellcheck >/dev/null 2>&1; then
  # Debian's package; a fresh machine may need its package lists first.
  apt-get install -y -q shellcheck >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q shellcheck >/dev/null; }
fi
shellcheck tests/run.sh release/*.sh fuzz/run.sh bench/run.sh bindings/uniffi/generate.sh bindings/swift/build-xcframework.sh
export GOPATH="$root/target/go" GOMODCACHE="$root/target/go/mod" GOCACHE="$root/target/go/cache" GOFLAGS=-mod=mod
[ -x target/go/bin/actionlint ] || go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
target/go/bin/actionlint -no-color

step "Redis for the tests of shared limits (Debian's redis-server; each test starts its own)"
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get install -y -q redis-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }
fi
# The package's own service is not used: the tests start servers on free loopback ports.
redis-server --version

step "Rust tests: codegen, core, emulator, CLI, golden and integration"
# The Python extension is tested from Python, below.
cargo test --workspace --locked --exclude b24kit-python --exclude b24kit-node
cargo build --locked -q -p b24kit-emulator

step "Release artefacts into dist/ (release/dist.sh): wheel and sdist, npm packages, jar, CLI archive"
bash release/dist.sh

step "Installed as users install them, without Rust: pip, npm, a Maven project; each README quick start"
bash release/install-check.sh

step "API reference of every language (release/docs.sh): rustdoc, pdoc, TypeDoc, Dokka; warnings fail"
bash release/docs.sh

step "Python package: the wheel from dist/, installed into a fresh virtualenv"
venv=target/python-test-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q dist/python/b24kit-*.whl pytest mypy

step "Python tests (pytest, against the emulator)"
B24KIT_EMULATOR="$root/target/debug/b24kit-emulator" "$venv/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests

step "Node packages from dist/ (main and linux-x64-gnu), installed into an empty project"
rm -rf target/node-test-project
mkdir -p target/node-test-project
(cd target/node-test-project && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --loglevel=error "$root"/dist/node/b24kit-*.tgz typescript@5 @types/node@20)
cp -r bindings/node/test target/node-test-project/test
cp bindings/node/examples/every_name.ts target/node-test-project/

step "Node tests (node --test, against the emulator; require and import of the installed package)"
(cd target/node-test-project && B24KIT_EMULATOR="$root/target/debug/b24kit-emulator" node --test test/*.test.js)

step "TypeScript: tsc --strict --noEmit on an example that uses every public name"
(cd target/node-test-project &&
  npx tsc --strict --noEmit --target es2022 --module nodenext --moduleResolution nodenext every_name.ts)

step "Shared limits across processes: 4 Python and 4 Node workers, one portal, one Redis (tests/shared/fleet.py)"
"$venv/bin/python" tests/shared/fleet.py "$root/target/debug/b24kit-emulator" target/node-test-project

step "Kotlin and Swift via uniffi: library built, bindings regenerated and compared (golden)"
cargo build --locked -q -p b24kit-uniffi -p b24kit-uniffi-bindgen
ls -l target/debug/libb24kit_uniffi.so
bash bindings/uniffi/generate.sh --check

step "Kotlin: mvn test (generated sources compiled with -Werror; JUnit through JNA against the emulator)"
(cd bindings/kotlin && mvn -q -B test -Db24kit.lib.dir="$root/target/debug" -Db24kit.emulator="$root/target/debug/b24kit-emulator") 2>&1 | tee target/kotlin-test.log
# JUnit skips a @Test that returns a value (a `= runBlocking { … }` ending in an expression) with
# only a warning: such a test would never run, so it fails the suite here.
if grep -q "will not be executed" target/kotlin-test.log; then
  echo "a Kotlin test would not run (see above)" >&2
  exit 1
fi
grep -h -o 'tests="[0-9]*" errors="[0-9]*" skipped="[0-9]*" failures="[0-9]*"' bindings/kotlin/target/surefire-reports/*.xml

step "Swift: every .swift file (generated and hand-written) parses without a syntax error (tree-sitter-swift)"
"$venv/bin/pip" install -q tree-sitter tree-sitter-swift
"$venv/bin/python" bindings/swift/check_syntax.py

step "Conformance: tests/conformance/cases.json through Rust, Python, Node and Kotlin (one table)"
# Kotlin's runner ran with mvn test above (ConformanceTest); the others run here, against one emulator.
cargo build --locked -q -p b24kit-tests --bin conformance
conformance=target/conformance
rm -rf "$conformance" && mkdir -p "$conformance"
target/debug/b24kit-emulator --port 0 --ready-json --rate-limit off >"$conformance/emulator.json" &
conformance_emulator=$!
trap 'kill "$conformance_emulator" 2>/dev/null || true' EXIT
until grep -q '}' "$conformance/emulator.json"; do
  kill -0 "$conformance_emulator" 2>/dev/null || { echo "the emulator did not start" >&2; exit 1; }
  sleep 0.05
done
export B24KIT_CONFORMANCE_READY
B24KIT_CONFORMANCE_READY=$(head -n 1 "$conformance/emulator.json")
cases="$root/tests/conformance/cases.json"
target/debug/conformance "$cases" >"$conformance/rust.jsonl"
"$venv/bin/python" tests/conformance/python_runner.py "$cases" >"$conformance/python.jsonl"
(cd target/node-test-project && node "$root/tests/conformance/node_runner.js" "$cases") >"$conformance/node.jsonl"
kill "$conformance_emulator"
cp bindings/kotlin/target/conformance-kotlin.jsonl "$conformance/kotlin.jsonl"
python3 tests/conformance/table.py "$cases" rust="$conformance/rust.jsonl" python="$conformance/python.jsonl" \
  node="$conformance/node.jsonl" kotlin="$conformance/kotlin.jsonl"

step "Fuzzing: each target (answer decoder, endpoint parsers, spec loader) for 30 s (nightly, cargo-fuzz)"
bash fuzz/run.sh 30

printf '\nall checks passed in %ss\n' "$((SECONDS - started))"
