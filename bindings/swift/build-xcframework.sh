#!/usr/bin/env bash
# Builds B24kitFFI.xcframework (static Rust library + C header + module map) for iOS devices,
# the iOS simulator and macOS. Run on a Mac with Xcode and:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim aarch64-apple-darwin
# Not run in CI: there is no Apple toolchain there (see the README on what is verified).
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=(aarch64-apple-ios aarch64-apple-ios-sim aarch64-apple-darwin)
# The crate builds a cdylib for Kotlin and Python; Apple platforms link the static library, so
# it is asked for here only (a staticlib in Cargo.toml would be built, unused, by every build).
for target in "${targets[@]}"; do
  cargo rustc --profile dist --locked -p b24kit-uniffi --target "$target" --crate-type staticlib
done
headers=bindings/swift/Sources/B24kitFFI/include
out=bindings/swift/B24kitFFI.xcframework
rm -rf "$out"
args=()
for target in "${targets[@]}"; do
  args+=(-library "target/$target/dist/libb24kit_uniffi.a" -headers "$headers")
done
xcodebuild -create-xcframework "${args[@]}" -output "$out"
echo "wrote $out"
