#!/usr/bin/env bash
# `make dev`: serves like `make run`, and rebuilds and restarts the server whenever a source,
# content, style or static file changes (checked every second). Reload the page yourself:
# there is no live-reload socket (cargo-leptos is not used; see README, "One build").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
watched=(app server frontend style public content migrations Cargo.toml Cargo.lock)
stamp=$(mktemp)
pid=""
stop() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""; }; }
trap 'stop; rm -f "$stamp"' EXIT
while true; do
  touch "$stamp"
  stop
  if bash scripts/build.sh; then
    TANDEM_DEMO="${TANDEM_DEMO:-true}" LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}" \
      "$CARGO_TARGET_DIR/release/tandem" serve &
    pid=$!
  else
    echo "make dev: the build failed; fix it and save again"
  fi
  until [ -n "$(find "${watched[@]}" -newer "$stamp" -type f -print -quit)" ]; do sleep 1; done
  echo "make dev: a file changed, rebuilding"
done
