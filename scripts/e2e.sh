#!/usr/bin/env bash
# The browser suite: the release server on a fresh database with demo data, driven by
# Playwright in Debian's Chromium, with axe-core accessibility scans.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
port=${TANDEM_E2E_PORT:-3100}
# Everything a run writes (its database, the mail it sends, Playwright's traces) goes here,
# so two runs (one per engine, `make e2e`) can go at once on their own ports.
export TANDEM_E2E_DIR="${TANDEM_E2E_DIR:-target/e2e}"
rm -rf "$TANDEM_E2E_DIR" && mkdir -p "$TANDEM_E2E_DIR"
export TANDEM_E2E_PORT=$port
# The update test starts (and restarts) its own server with two different builds.
export TANDEM_BIN="${TANDEM_BIN:-$CARGO_TARGET_DIR/release/tandem}"
export TANDEM_E2E_SITE="${TANDEM_E2E_SITE:-target/site}"
# Single sign-on keeps client secrets sealed with this key (sso.spec.ts configures a provider).
export TANDEM_SECRET_KEY="${TANDEM_SECRET_KEY:-e2e-only-secret-key-0123456789abcdef}"
# Email goes to the suite's own mail server (end2end/mail/sink.mjs), which keeps each message
# in $TANDEM_E2E_DIR/mail for the tests to read (codes that prove an address, notices of a link).
export TANDEM_E2E_MAIL_PORT=$((port + 300))
# The suite's OpenID provider runs on this machine over plain http: allowed for tests only.
export TANDEM_TEST_SSO_LOOPBACK=true
# The database: SQLite unless TANDEM_E2E_ENGINE=postgres, then a fresh database on the
# tests' own PostgreSQL server (scripts/postgres.sh).
if [ "${TANDEM_E2E_ENGINE:-sqlite}" = postgres ]; then
  TANDEM_E2E_DATABASE="$(bash scripts/postgres.sh fresh e2e)"
  export TANDEM_E2E_DATABASE
else
  export TANDEM_E2E_DATABASE="sqlite://$TANDEM_E2E_DIR/tandem.db"
fi
export TANDEM_E2E_SERVER="env TANDEM_DATABASE_URL=$TANDEM_E2E_DATABASE TANDEM_ADDR=127.0.0.1:$port TANDEM_DEMO=true LEPTOS_SITE_ROOT=$TANDEM_E2E_SITE TANDEM_SMTP_URL=smtp://127.0.0.1:$TANDEM_E2E_MAIL_PORT TANDEM_MAIL_FROM=tandem@oakfield.example RUST_LOG=warn $TANDEM_BIN serve"
npx playwright test --config end2end/playwright.config.ts "$@"
