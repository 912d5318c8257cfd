#!/usr/bin/env bash
# The API reference of every language, built into target/api-docs/; any warning fails:
#   rust/    rustdoc of b24kit, b24kit-runtime and b24kit-emulator (a missing doc or a broken link fails)
#   python/  pdoc, from the wheel in dist/ installed into its own virtualenv (docstrings and stubs)
#   node/    TypeDoc, from index.d.ts and base.d.ts
#   kotlin/  Dokka, unpacked from the javadoc jar that release/dist.sh builds (failOnWarning)
# Usage: bash release/docs.sh   (after release/dist.sh)
set -euo pipefail
# shellcheck source=release/common.sh
source "$(dirname "$0")/common.sh"
cd "$root"
out=target/api-docs
rm -rf "$out" && mkdir -p "$out"

step "Rust (rustdoc)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked -q --no-deps -p b24kit -p b24kit-runtime -p b24kit-emulator
cp -r target/doc "$out/rust"

step "Python (pdoc)"
venv=target/docs-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q pdoc==16.0.0 "$root"/dist/python/b24kit-"$version"-*.whl
# From outside the repository, so that pdoc documents the installed package, not the sources.
(cd "$out" && "$root/$venv/bin/python" -W error -m pdoc b24kit b24kit.emulator -o python)

step "Node (TypeDoc)"
(cd bindings/node && npx typedoc --entryPoints index.d.ts --out "$root/$out/node" --treatWarningsAsErrors --disableSources \
  --name "b24kit $version" --readme README.md)

step "Kotlin (Dokka)"
mkdir -p "$out/kotlin"
unzip -q "dist/jvm/b24kit-$version-javadoc.jar" -d "$out/kotlin"

for language in rust python node kotlin; do
  pages=$(find "$out/$language" -name '*.html' | wc -l)
  [ "$pages" -gt 0 ] || { echo "no $language pages were written" >&2; exit 1; }
  printf '%-7s %5s pages\n' "$language" "$pages"
done
