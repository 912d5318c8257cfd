# Sourced by the release scripts: the repository root, the one version (the workspace's, which
# tests/rust/metadata.rs checks every manifest repeats) and how a step is announced.
# shellcheck shell=bash
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # read by the scripts that source this file
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")
step() { printf '\n--> %s\n' "$*"; }
