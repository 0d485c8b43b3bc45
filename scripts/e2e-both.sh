#!/usr/bin/env bash
# The browser suite on both engines at once: SQLite (a school's) and PostgreSQL (a trust's),
# each with its own server, ports and folder. The suite spends most of its time waiting on
# pages and servers, not computing, so two at once take little longer than one (on two
# cores: about 5 minutes rather than 9). Each line is marked with its engine.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
# The accessibility scans run in the SQLite run alone: the markup is the same on both
# engines, and each scan costs about a second of CPU (helpers.ts, `expectAccessible`).
run() { # engine, port, scans (yes or no)
  TANDEM_E2E_ENGINE=$1 TANDEM_E2E_PORT=$2 TANDEM_E2E_SCAN=$3 TANDEM_E2E_DIR="target/e2e-$1" bash scripts/e2e.sh 2>&1 |
    sed -u "s/^/$(printf '%-8s' "$1")│ /"
}
run sqlite 3100 yes & sqlite=$!
run postgres 3500 no & postgres=$!
failed=()
wait $sqlite || failed+=(SQLite)
wait $postgres || failed+=(PostgreSQL)
if [ ${#failed[@]} -gt 0 ]; then
  echo "browser suite failed on: ${failed[*]} (traces in target/e2e-<engine>/test-results)"
  exit 1
fi
echo "browser suite passed on SQLite (with accessibility scans) and PostgreSQL"
