#!/usr/bin/env bash
# Installs the wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in
# Cargo.lock, unless it is there already. From crates.io source, never a prebuilt binary.
# scripts/build.sh runs it beside the server's build (it is a few minutes' work on a new
# machine, and the server's build leaves a core idle towards its end).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

wb_version=$(awk '$0=="name = \"wasm-bindgen\"" {getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
if "$TANDEM_TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $wb_version"; then
  exit 0
fi
printf '\033[1m==> %s\033[0m\n' "installing wasm-bindgen-cli $wb_version (one-time, beside the server's build)"
# A tool only ever run over one file: optimised lightly, it builds in half the time and
# writes the very same output.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false
# Its own build folder: the clone's is locked by the server's build running beside this.
log=$(mktemp)
export CARGO_TARGET_DIR; CARGO_TARGET_DIR=$(mktemp -d)
trap 'rm -rf "$log" "$CARGO_TARGET_DIR"' EXIT
# Only the one program, without the TLS stack its test runner uses to fetch web drivers.
only=(--no-default-features --bin wasm-bindgen)
if ! cargo install wasm-bindgen-cli --version "$wb_version" --locked "${only[@]}" --root "$TANDEM_TOOLS" 2>"$log"; then
  # Its lock file pins a webpki-roots release that the registry no longer serves: take the
  # unpacked source, move that one pin back and install from the copy.
  src=$(ls -d "$CARGO_HOME"/registry/src/*/wasm-bindgen-cli-"$wb_version" 2>/dev/null | head -n1)
  if [ -z "$src" ]; then
    cat "$log" >&2
    exit 1
  fi
  work=$(mktemp -d)
  cp -r "$src" "$work/cli"
  (cd "$work/cli" && rm -f rust-toolchain.toml && cargo update -q -p webpki-roots --precise 1.0.10)
  cargo install -q --path "$work/cli" --locked "${only[@]}" --root "$TANDEM_TOOLS"
  rm -rf "$work"
fi
