#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already present at the
# right version. Nothing here downloads a prebuilt binary: Rust tools come from crates.io,
# front-end tools from npm, the browser from Debian. Tools live outside the clone so that
# fresh clones (and CI) reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. The wasm target of the machine's one toolchain.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. The wasm-bindgen CLI is installed by scripts/build.sh, beside the server's build
#    (scripts/ensure-wasm-bindgen.sh).

# 3. cargo-nextest, which runs the Rust tests (each in its own process): `make test` only.
#    The machines come with it; anywhere else it is built from crates.io once.
if [ "${1:-}" = "--browser" ] && ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest (one-time)"
  cargo install cargo-nextest --locked --root "$TANDEM_TOOLS"
fi

# 4. npm packages (Tailwind, binaryen's wasm-opt, Playwright, axe-core), exactly as
#    package-lock.json pins them. The lock is complete (it lists the per-platform Tailwind
#    packages too), so `npm ci` installs it without rewriting it: a clone stays clean.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.tandem-lock; then
  log "installing npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.tandem-lock
fi

# 5. Chromium for the browser tests, from Debian (Playwright's own browser download cannot
#    work here), and the sqlite3 shell that builds the schema for the query-data check
#    (scripts/sqlx-prepare.sh). Only `make test` needs them.
if [ "${1:-}" = "--browser" ] && { ! command -v chromium >/dev/null || ! command -v sqlite3 >/dev/null; }; then
  log "installing Debian's chromium and sqlite3 (one-time)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core sqlite3 >/dev/null
fi
