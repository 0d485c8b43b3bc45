#!/usr/bin/env bash
# cargo-leptos for `make dev` only (`make run` and `make test` build without it). Built from
# crates.io with `no_downloads`, as its release lock file needs a newer rustc than ours.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
version=0.3.11
if cargo leptos --version 2>/dev/null | grep -q "$version"; then exit 0; fi
echo "==> installing cargo-leptos $version (one-time, 10-20 minutes)"
# Its own build folder: the shared one would be locked for the whole install.
export CARGO_TARGET_DIR="$HOME/.cache/tandem/cargo-leptos-build"
if ! cargo install cargo-leptos --version "$version" --locked --features no_downloads --root "$TANDEM_TOOLS" 2>/dev/null; then
  src=$(ls -d "$CARGO_HOME"/registry/src/*/cargo-leptos-"$version" | head -n1)
  work=$(mktemp -d)
  cp -r "$src" "$work/cl"
  (cd "$work/cl" && rm -f rust-toolchain.toml && cargo update -p cargo-util-schemas --precise 0.14.1)
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --path "$work/cl" --locked --features no_downloads --root "$TANDEM_TOOLS"
  rm -rf "$work"
fi
rm -rf "$CARGO_TARGET_DIR"
