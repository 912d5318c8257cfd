#!/usr/bin/env bash
# Installs the artefacts in dist/ as users install them — pip, npm, a Maven project — into clean
# directories with cargo and rustc off PATH, starts the emulator shipped in each package, and runs
# that language's README quick start against it (the placeholder webhook URL swapped for the
# emulator's). A quick start that stops working, or a package that needs Rust at install time or
# cannot find its native library on its own, fails here.
# Usage: bash release/install-check.sh   (after release/dist.sh)
set -euo pipefail
# shellcheck source=release/common.sh
source "$(dirname "$0")/common.sh"
cd "$root"
work=$root/target/install-check
rm -rf "$work" && mkdir -p "$work"

# PATH without Rust: no cargo, no rustc, no rustup (nor the packaging tools' venv).
clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.cargo/' -e '/\.rustup/' -e '/target/' | paste -sd: -)
for tool in cargo rustc rustup; do
  if PATH=$clean_path command -v "$tool" >/dev/null; then
    echo "$tool is still on the clean PATH ($clean_path)" >&2
    exit 1
  fi
done
run_clean() { env PATH="$clean_path" "$@"; }

# The README's fenced block of the given language that follows the given heading.
readme_block() {
  python3 - "$root/README.md" "$1" "$2" <<'PY'
import sys
text, heading, language = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
section = text.split(heading, 1)[1]
block = section.split("```" + language + "\n", 1)[1].split("```", 1)[0]
print(block, end="")
PY
}
placeholder='https://your-domain.bitrix24.com/rest/1/your_webhook_key/'

# Fails, showing what was printed, unless a line of the file matches the extended regex.
expect_line() {
  grep -qE "$1" "$2" || { echo "expected a line matching $1 in $2, which holds:" >&2; cat "$2" >&2; exit 1; }
}

# Starts an emulator command (with --ready-json, on the clean PATH) in the background, in a
# session of its own so that stopping it stops what it started (npx runs the bin in a child
# process); sets `webhook` to its URL.
emulators=()
stop_emulators() {
  local group
  for group in "${emulators[@]}"; do kill -- "-$group" 2>/dev/null || true; done
}
trap stop_emulators EXIT
start_emulator() {
  local ready=$1; shift
  setsid env PATH="$clean_path" "$@" --ready-json --rate-limit off >"$ready" &
  emulators+=($!)
  local waited=0
  until grep -q '}' "$ready"; do
    kill -0 "$!" 2>/dev/null || { echo "the emulator ($*) stopped before it was ready" >&2; exit 1; }
    sleep 0.1; waited=$((waited + 1))
    if [ "$waited" -gt 300 ]; then echo "the emulator ($*) did not start" >&2; exit 1; fi
  done
  webhook=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["webhook_url"])' "$ready")
}

step "Python: the wheel into a fresh virtualenv; python -m b24kit.emulator; the README's quick start"
run_clean python3 -m venv "$work/venv"
run_clean "$work/venv/bin/pip" install -q "$root"/dist/python/b24kit-"$version"-*.whl
start_emulator "$work/python-emulator.json" "$work/venv/bin/python" -m b24kit.emulator
readme_block '## Python quick start' python | sed "s|$placeholder|$webhook|g" >"$work/quick_start.py"
(cd "$work" && run_clean "$work/venv/bin/python" quick_start.py) | tee "$work/python.out"
expect_line '^True [0-9.e-]+$' "$work/python.out"
expect_line '^\[True, True\]$' "$work/python.out"
run_clean "$work/venv/bin/b24kit-emulator" --version | grep -x "b24kit-emulator $version" >/dev/null

step "Node: both packages into an empty project; npx b24kit-emulator; the README's quick start"
mkdir -p "$work/node" && cd "$work/node"
run_clean npm init -y >/dev/null
run_clean npm install --no-audit --no-fund --loglevel=error \
  "$root/dist/node/b24kit-$version.tgz" "$root/dist/node/b24kit-linux-x64-gnu-$version.tgz"
start_emulator "$work/node-emulator.json" npx --no-install b24kit-emulator
# The quick start awaits at top level, as in an ES module or a REPL; CommonJS needs a function.
{ echo '(async () => {'; readme_block '## Node quick start' js | sed "s|$placeholder|$webhook|g"; echo '})();'; } >quick_start.js
run_clean node quick_start.js | tee "$work/node.out"
expect_line '^true [0-9.e-]+$' "$work/node.out"
cd "$root"

step "JVM: the jar installed into a Maven repository; a separate project runs the quick start (no -D flags) against the emulator of the command-line archive"
# Into the user's own Maven repository (~/.m2), as `mvn install` would put it.
run_clean mvn -q -B install:install-file \
  -Dfile="$root/dist/jvm/b24kit-$version.jar" -DpomFile="$root/dist/jvm/b24kit-$version.pom" \
  -Dsources="$root/dist/jvm/b24kit-$version-sources.jar" -Djavadoc="$root/dist/jvm/b24kit-$version-javadoc.jar"
mkdir -p "$work/kotlin/src/main/kotlin"
sed "s/@VERSION@/$version/g" release/quick-start-pom.xml >"$work/kotlin/pom.xml"
# This one from the command-line archive, whose two programs are checked on the way.
tar -xzf "$root/dist/b24kit-$version-x86_64-unknown-linux-gnu.tar.gz" -C "$work"
cli=$work/b24kit-$version-x86_64-unknown-linux-gnu
run_clean "$cli/b24kit" --json demo >"$work/demo.jsonl"
expect_line '"step":"portal"' "$work/demo.jsonl"
start_emulator "$work/kotlin-emulator.json" "$cli/b24kit-emulator"
readme_block '## Kotlin quick start' kotlin | sed "s|$placeholder|$webhook|g" >"$work/kotlin/src/main/kotlin/QuickStart.kt"
# Maven writes colour resets around the program's output even when quiet; they are dropped.
(cd "$work/kotlin" && run_clean mvn -q -B package exec:java) | sed 's/\x1b\[[0-9;]*m//g' | tee "$work/kotlin.out"
expect_line '^true in [0-9.E-]+ s$' "$work/kotlin.out"

step "Python sdist: a wheel built from it in an empty directory (cargo, and maturin and zig from PyPI)"
# Built with the settings and the target directory of release/dist.sh's wheel, so that the
# registry's crates compiled there are reused: what this checks is that the sdist holds every
# source the build needs (the workspace's crates are compiled from the unpacked sdist).
mkdir -p "$work/sdist" && cd "$work/sdist"
PATH="$root/target/dist-tools/bin:$PATH" CARGO_TARGET_DIR="$root/target/python-dist" \
  MATURIN_PEP517_ARGS="--strip --zig --target x86_64-unknown-linux-gnu --compatibility manylinux2014" \
  "$root/target/dist-tools/bin/pip" wheel -q --no-deps --no-build-isolation --no-cache-dir -w wheel \
  "$root/dist/python/b24kit-$version.tar.gz"
run_clean python3 -m venv venv
run_clean venv/bin/pip install -q wheel/b24kit-"$version"-*.whl
run_clean venv/bin/python -m b24kit.emulator --version | grep -x "b24kit-emulator $version" >/dev/null
run_clean venv/bin/python -c 'import b24kit; b24kit.Client.from_webhook("https://example.bitrix24.com/rest/1/key/")'
cd "$root"

printf '\ninstalled without Rust and ran the quick starts: Python, Node, Kotlin (JVM); the sdist builds\n'
