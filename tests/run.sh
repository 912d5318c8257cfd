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
cargo test --workspace --locked

printf '\nall checks passed in %ss\n' "$((SECONDS - started))"
