#!/usr/bin/env bash
# Builds Tandem for release (see README, "One build"): the server binary, the islands'
# wasm (wasm-bindgen + wasm-opt), the stylesheet (Tailwind) and static files into
# target/site. Each step is skipped by its own tool when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

site=target/site
pkg=$site/pkg
mkdir -p "$pkg" "$site/fonts"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen CLI (a few minutes on a new machine, nothing after) installs beside the
# server's build; the browser's bundles below wait for it.
bash scripts/ensure-wasm-bindgen.sh &
wb_pid=$!
trap 'kill $wb_pid 2>/dev/null || true' EXIT

step "server (release)"
cargo build --release -p server --bin tandem
wait "$wb_pid" || { echo "build.sh: could not install the wasm-bindgen CLI" >&2; exit 1; }
trap - EXIT

# The browser's code, in two bundles of islands (app/src/islands): the learner's (`tandem`)
# and the full one that adds the community's (`tandem-full`). README: "Pages without
# JavaScript, and what a page carries".
bundle() { # name, cargo features
  local name=$1 features=$2
  step "browser wasm: $name (wasm-release)"
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release $features
  local wasm_in="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
  # Kept per bundle: the two builds share one output file.
  local built="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/$name.wasm"
  cp -p "$wasm_in" "$built"
  if [ ! -f "$pkg/${name}_bg.wasm" ] || [ "$built" -nt "$pkg/${name}_bg.wasm" ]; then
    # Into a scratch folder first, so that a failed step never leaves an unoptimised or
    # half-written wasm behind that a later run would take as done.
    local out; out=$(mktemp -d)
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" "$built"
    # npm binaryen's wasm-opt (Debian's 108 breaks hydration). The features are those rustc
    # emits for wasm32-unknown-unknown.
    wasm-opt -Oz --strip-debug --strip-producers \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-multivalue --enable-mutable-globals \
      -o "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
    mv "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
    cp -r "$out"/. "$pkg/"
    rm -rf "$out"
  fi
}
bundle tandem ""
bundle tandem-full "--features full"

step "stylesheet"
# Tailwind prints its banner on stderr: shown only when it fails, with the error.
if ! tw_log=$(tailwindcss -i style/tailwind.css -o "$pkg/tandem.css" --minify 2>&1); then
  printf '%s\n' "$tw_log" >&2
  exit 1
fi

step "static files"
cp -r public/. "$site/"
cp node_modules/@fontsource/opendyslexic/files/opendyslexic-latin-{400,700}-normal.woff2 "$site/fonts/"
# The server computes the build id from these files at startup (services/src/shell.rs).

step "precompressing"
node scripts/compress.mjs "$pkg"
