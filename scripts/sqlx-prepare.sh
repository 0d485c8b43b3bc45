#!/usr/bin/env bash
# Refreshes `.sqlx/`, the query data that lets `sqlx::query!` and `query_as!` check every
# fixed SQL statement against the schema at compile time without a database (builds run
# with SQLX_OFFLINE=true, from .cargo/config.toml). Run it after changing a query or a
# migration, and commit `.sqlx/` with the change: a query whose data is missing does not
# compile.
#
#   bash scripts/sqlx-prepare.sh          rewrite .sqlx/
#   bash scripts/sqlx-prepare.sh --check  fail if .sqlx/ is not what the code and schema give
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/env.sh

work="$(mktemp -d)"
out="$work/sqlx"
mkdir -p "$out"
# `services` (the one crate with checked queries) must be checked again for its macros to
# run, which a cached check would skip: its lib.rs looks newer for the check, then gets its
# own time back, so that the release build does not take it as changed. The profile,
# packages and features are clippy's (see the Makefile's lint): clippy reuses this work.
lib=services/src/lib.rs
stamp="$work/lib.rs.time"
touch -r "$lib" "$stamp"
pg_db=""
pg_url=""
cleanup() {
  touch -r "$stamp" "$lib"
  if [ -n "$pg_db" ]; then psql -q "${pg_url%/*}/tandem" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Each engine's queries are checked against that engine's schema as its migrations make it
# (the macros only read it); `#[engines::both]` leaves the other engine's bodies out
# meanwhile (TANDEM_SQLX_ENGINE). Both engines' data go to the one `.sqlx/`.
check() {
  touch "$lib"
  TANDEM_SQLX_ENGINE="$1" SQLX_OFFLINE=false DATABASE_URL="$2" SQLX_OFFLINE_DIR="$out" \
    cargo check --release -q -p domain -p services -p app -p server --features app/ssr --all-targets
}

db="$work/schema.db"
for migration in migrations/*.sql; do
  sqlite3 "$db" < "$migration"
done
check sqlite "sqlite://$db"

pg_db="prepare_$$"
pg_url="$(bash scripts/postgres.sh fresh "$pg_db")"
for migration in migrations/postgres/*.sql; do
  psql -q -v ON_ERROR_STOP=1 "$pg_url" -f "$migration" >/dev/null
done
check postgres "$pg_url"
touch -r "$stamp" "$lib"

if [ "${1:-}" = "--check" ]; then
  if ! diff -r -q "$out" .sqlx >/dev/null 2>&1; then
    echo "scripts/sqlx-prepare.sh: .sqlx/ is out of date; run it and commit .sqlx/" >&2
    diff -r -q "$out" .sqlx >&2 || true
    exit 1
  fi
  echo ".sqlx/ is up to date ($(ls .sqlx | wc -l) queries)"
else
  rm -rf .sqlx
  cp -r "$out" .sqlx
  echo "wrote .sqlx/ ($(ls .sqlx | wc -l) queries)"
fi
