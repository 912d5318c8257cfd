#!/usr/bin/env bash
# Every check and test of b24kit, as CI runs it. Installs what it needs beyond cargo itself.
# Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

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

step "Rust tests: codegen, core, emulator, CLI, golden and integration"
# The Python extension is tested from Python, below.
cargo test --workspace --locked --exclude b24kit-python
cargo build --locked -q -p b24kit-emulator

step "Python package: wheel built by pip (maturin), installed into a fresh virtualenv"
venv=target/python-test-venv
rm -rf "$venv" target/wheels/python
python3 -m venv "$venv"
"$venv/bin/pip" wheel -q --no-deps -w target/wheels/python ./bindings/python
"$venv/bin/pip" install -q target/wheels/python/b24kit-*.whl pytest mypy
ls -l target/wheels/python

step "Python tests (pytest, against the emulator)"
B24KIT_EMULATOR="$PWD/target/debug/b24kit-emulator" "$venv/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests

printf '\nall checks passed in %ss\n' "$((SECONDS - started))"
