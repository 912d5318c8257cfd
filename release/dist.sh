#!/usr/bin/env bash
# Builds every release artefact this machine can build into dist/, and checks each one:
#
#   dist/python/  b24kit-<v>-cp39-abi3-manylinux_2_17_x86_64.whl (auditwheel, twine) and the sdist
#   dist/node/    b24kit-<v>.tgz (JS, types, napi-rs loader) and b24kit-linux-x64-gnu-<v>.tgz (the addon
#                 and the emulator)
#   dist/jvm/     b24kit-<v>.jar (native library under linux-x86-64/), -sources.jar, -javadoc.jar (Dokka)
#   dist/b24kit-<v>-x86_64-unknown-linux-gnu.tar.gz   the command-line tool and the emulator
#
# Native code is linked by zig (from PyPI) against glibc 2.17, so one file loads on every Linux
# distribution since 2014 whatever this machine's glibc is; the script fails if any binary asks for
# a newer symbol. Other platforms are built by .github/workflows/release.yml on their own runners.
# Usage: bash release/dist.sh
set -euo pipefail
# shellcheck source=release/common.sh
source "$(dirname "$0")/common.sh"
cd "$root"
triple=x86_64-unknown-linux-gnu
# cargo-zigbuild reads the glibc version from the target's suffix; cargo itself sees the plain triple.
zig_target=$triple.2.17
max_glibc=2.17

step "packaging tools (maturin, zig, cargo-zigbuild, auditwheel, twine) in target/dist-tools"
tools=target/dist-tools
pins="maturin==1.16.0 ziglang==0.17.1 cargo-zigbuild==0.24.1 auditwheel==6.8.2 twine==7.0.0"
if [ "$(cat "$tools/pins" 2>/dev/null)" != "$pins" ]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  # shellcheck disable=SC2086 # the pins are separate words on purpose
  "$tools/bin/pip" install -q $pins
  echo "$pins" >"$tools/pins"
fi
export PATH="$root/$tools/bin:$PATH"

# The newest glibc symbol version a binary needs, e.g. 2.17.
glibc_needed() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1
}
check_glibc() {
  local needed
  needed=$(glibc_needed "$1")
  if [ "$(printf '%s\n%s\n' "$needed" "$max_glibc" | sort -V | tail -n 1)" != "$max_glibc" ]; then
    echo "$1 needs glibc $needed; a release may need $max_glibc at most" >&2
    exit 1
  fi
}

rm -rf dist
mkdir -p dist/python dist/node dist/jvm

step "command-line tool, emulator and the Kotlin/Swift library (cargo zigbuild, dist profile, glibc $max_glibc)"
cargo zigbuild --locked --profile dist --target "$zig_target" -p b24kit-cli -p b24kit-emulator -p b24kit-uniffi
built=target/$triple/dist

step "archive of the command-line tool and the emulator"
archive=b24kit-$version-$triple
stage=target/dist-stage/$archive
rm -rf "$stage" && mkdir -p "$stage"
cp "$built/b24kit" "$built/b24kit-emulator" "$stage/"
strip "$stage/b24kit" "$stage/b24kit-emulator"
cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$stage/"
for binary in "$stage/b24kit" "$stage/b24kit-emulator"; do check_glibc "$binary"; done
tar -C target/dist-stage -czf "dist/$archive.tar.gz" "$archive"

step "Python: abi3 wheel for manylinux_2_17 (maturin with zig) and the sdist"
# maturin's zig wrapper is not cargo-zigbuild's: the two linker settings would rebuild each other's
# dependencies on every run if they shared a target directory.
CARGO_TARGET_DIR=target/python-dist maturin build --locked --strip --zig --target "$triple" --compatibility manylinux2014 \
  -m bindings/python/Cargo.toml --out dist/python
maturin sdist -m bindings/python/Cargo.toml --out dist/python
auditwheel show dist/python/*.whl >target/dist-stage/auditwheel.txt
cat target/dist-stage/auditwheel.txt
grep -q 'consistent with the following platform tag' target/dist-stage/auditwheel.txt
grep -A1 'consistent with the following platform tag' target/dist-stage/auditwheel.txt | grep -q '"manylinux_2_17_x86_64"'
twine check --strict dist/python/*
for name in LICENSE-MIT LICENSE-APACHE; do
  unzip -Z1 dist/python/*.whl | grep -x "b24kit-$version.dist-info/licenses/$name" >/dev/null ||
    { echo "the wheel lacks $name" >&2; exit 1; }
done

step "Node: the addon (napi-rs with zig, glibc $max_glibc), its platform package and the main package"
npm_stage=$root/target/dist-stage/npm
rm -rf "$npm_stage" && mkdir -p "$npm_stage"
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error &&
  npx napi build --platform --cross-compile --target "$zig_target" --profile dist-node \
    --output-dir "$npm_stage/out" --js native.js --no-dts-header --dts native.d.ts &&
  rm -rf npm && npx napi create-npm-dirs --npm-dir npm)
addon=$npm_stage/out/b24kit.linux-x64-gnu.node
check_glibc "$addon"
# napi-rs's generated loader tries the addon beside it, then the platform package.
cp "$npm_stage/out/native.js" bindings/node/native.js
platform=bindings/node/npm/linux-x64-gnu
cp "$addon" "$platform/"
# The emulator travels beside the addon (stripped and checked above), not in it.
node release/npm-add-emulator.js "$platform" "$stage/b24kit-emulator"
cp LICENSE-MIT LICENSE-APACHE "$platform/"
(cd "$platform" && npm pack --silent --pack-destination "$root/dist/node" >/dev/null)
# The main package, its manifest then given one optional dependency per declared platform.
(cd bindings/node && npm pack --silent --pack-destination "$npm_stage" >/dev/null)
mkdir -p "$npm_stage/main" && tar -xzf "$npm_stage/b24kit-$version.tgz" -C "$npm_stage/main"
node release/npm-optional-dependencies.js "$npm_stage/main/package/package.json" bindings/node/npm
(cd "$npm_stage/main/package" && npm pack --silent --ignore-scripts --pack-destination "$root/dist/node" >/dev/null)

step "JVM: jar with the native library where JNA looks (linux-x86-64/), sources and API-doc jars"
natives=target/dist-stage/jvm-natives/linux-x86-64
rm -rf "$natives" && mkdir -p "$natives"
cp "$built/libb24kit_uniffi.so" "$natives/"
strip --strip-unneeded "$natives/libb24kit_uniffi.so"
check_glibc "$natives/libb24kit_uniffi.so"
(cd bindings/kotlin && mvn -q -B package -DskipTests -Pdist -Db24kit.natives.dir="$root/target/dist-stage/jvm-natives")
cp bindings/kotlin/target/b24kit-"$version".jar bindings/kotlin/target/b24kit-"$version"-sources.jar \
  bindings/kotlin/target/b24kit-"$version"-javadoc.jar dist/jvm/
cp bindings/kotlin/pom.xml "dist/jvm/b24kit-$version.pom"
unzip -Z1 "dist/jvm/b24kit-$version.jar" >target/dist-stage/jar.txt
for entry in linux-x86-64/libb24kit_uniffi.so META-INF/LICENSE-MIT META-INF/LICENSE-APACHE; do
  grep -qx "$entry" target/dist-stage/jar.txt || { echo "the jar lacks $entry" >&2; exit 1; }
done

step "what was built"
{
  printf '%-80s %10s  %s\n' artefact bytes "glibc needed"
  for file in dist/*.tar.gz dist/python/* dist/node/* dist/jvm/*; do
    needs=-
    case $file in
      *.whl) needs=$(grep -o 'manylinux_[0-9]*_[0-9]*' target/dist-stage/auditwheel.txt | head -n 1) ;;
      *linux-x64-gnu*.tgz) needs=$(glibc_needed "$addon") ;;
      *.tar.gz) [ "$file" = "dist/$archive.tar.gz" ] && needs=$(glibc_needed "$stage/b24kit") ;;
      dist/jvm/b24kit-"$version".jar) needs=$(glibc_needed "$natives/libb24kit_uniffi.so") ;;
    esac
    printf '%-80s %10s  %s\n' "$file" "$(stat -c %s "$file")" "$needs"
  done
} | tee dist/MANIFEST.txt

step "size budgets: wheel and Node addon at most 5 MiB, the Kotlin/Swift library at most 8 MiB (stripped)"
# Each language's users download its library; the budgets keep the typed API's growth in view.
over=0
budget() {
  local file=$1 limit_mib=$2 bytes
  bytes=$(stat -c %s "$file")
  printf '%-60s %10s bytes  (budget %s MiB)\n' "${file#"$root"/}" "$bytes" "$limit_mib"
  if [ "$bytes" -gt $((limit_mib * 1024 * 1024)) ]; then
    echo "  over budget" >&2
    over=1
  fi
}
budget "$(ls dist/python/*.whl)" 5
budget "$addon" 5
budget "$natives/libb24kit_uniffi.so" 8
[ "$over" = 0 ]
