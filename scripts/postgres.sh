#!/usr/bin/env bash
# A private PostgreSQL server for the tests that run on PostgreSQL: its own data folder
# beside the build output, trust sign-in on a socket in that folder and on 127.0.0.1 only,
# and durability off (a crash may lose the data; the tests make theirs afresh).
#
#   bash scripts/postgres.sh start   install the server (once), initialise (once), start it,
#                                    and print its URL: the only thing on stdout
#   bash scripts/postgres.sh stop    stop it (the data stays)
#   bash scripts/postgres.sh url     print its URL
#   bash scripts/postgres.sh clean   start it if need be, and drop the databases tests made
#   bash scripts/postgres.sh fresh NAME
#                                    start it if need be, make database NAME afresh (dropping
#                                    what was there) and print its URL
#
# TANDEM_PG_PORT chooses the port, TANDEM_PG_DIR the folder (by default both follow from the
# build folder, $CARGO_TARGET_DIR: a port from 54000 to 54999, /tmp/tandem-postgres-<n>).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

# One server per build folder (so two clones never share one), in a folder of its own under
# /tmp: as root the server runs as another user, who could not reach a folder under /root.
key=$(printf '%s' "$CARGO_TARGET_DIR" | cksum | cut -d' ' -f1)
port="${TANDEM_PG_PORT:-$((54000 + key % 1000))}"
dir="${TANDEM_PG_DIR:-${TMPDIR:-/tmp}/tandem-postgres-$key}"
url="postgres://tandem@127.0.0.1:$port/tandem"

# stdout carries the URL alone, so that callers can capture it: everything else goes to stderr.
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

case "${1:-}" in
  url) echo "$url"; exit 0 ;;
  start | stop | clean) ;;
  fresh) [ -n "${2:-}" ] || { echo "usage: bash scripts/postgres.sh fresh NAME" >&2; exit 2; } ;;
  *) echo "usage: bash scripts/postgres.sh start|stop|clean|fresh NAME|url" >&2; exit 2 ;;
esac

# The server binaries: Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin
# (newest first); pg_config may belong to libpq-dev alone, so each folder must hold them all.
find_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" \
    $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) /usr/local/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
if ! bin="$(find_bindir)"; then
  if [ "$1" = stop ]; then exit 0; fi
  log "installing Debian's postgresql (one-time)"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  bin="$(find_bindir)"
fi

# initdb and pg_ctl refuse to run as root: as root, the server runs as a user of its own
# (Debian's package makes `postgres`), which owns the folder.
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [ "$(id -u)" = 0 ]; then
  user="${TANDEM_PG_USER:-postgres}"
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir "$dir" --shell /usr/sbin/nologin "$user"
  fi
  chown "$user:" "$dir"
  as_server() { runuser -u "$user" -- "$@"; }
  if ! as_server test -w "$dir"; then
    echo "scripts/postgres.sh: $user cannot reach $dir; set TANDEM_PG_DIR to a folder it can" >&2
    exit 1
  fi
else
  as_server() { "$@"; }
fi
chmod 700 "$dir"
# Whoever runs the server needs a working directory it can read.
cd "$dir"
data="$dir/data"

# Several test runs may start it at once: one at a time initialises and starts it.
exec 9>"$dir/lock"
flock 9

running() { [ -f "$data/postmaster.pid" ] && as_server "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if [ "$1" = stop ]; then
  if running; then
    log "stopping PostgreSQL in $dir"
    as_server "$bin/pg_ctl" -D "$data" -w -m fast stop >/dev/null
  fi
  exit 0
fi

# A unix socket's path is limited to 107 bytes; a deep target folder would exceed it.
if [ "${#dir}" -gt 90 ]; then
  echo "scripts/postgres.sh: $dir is too long for a unix socket path; set TANDEM_PG_DIR" >&2
  exit 1
fi

if [ ! -f "$data/PG_VERSION" ]; then
  log "initialising PostgreSQL in $data"
  rm -rf "$data"
  # Byte order for text (collation C), as SQLite's BINARY compares; Unicode letters and case
  # (C.UTF-8, where the system has it) for lower() and full-text search.
  ctype=C
  if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then ctype=C.UTF-8; fi
  as_server "$bin/initdb" -D "$data" --username=postgres --auth=trust --encoding=UTF8 \
    --lc-collate=C --lc-ctype="$ctype" --lc-messages=C >/dev/null
  # Only for tests: nothing is worth an fsync, and the suite opens many connections at once.
  cat >>"$data/postgresql.conf" <<EOF

# scripts/postgres.sh: a private server for tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
fi

if running; then
  # Already up: on this port, or the URL would point elsewhere.
  up_port="$(sed -n 4p "$data/postmaster.pid")"
  if [ "$up_port" != "$port" ]; then
    echo "scripts/postgres.sh: already running on port $up_port, not $port; stop it first" >&2
    exit 1
  fi
else
  log "starting PostgreSQL on 127.0.0.1:$port (log: $dir/postgres.log)"
  # The port is given at each start, so that TANDEM_PG_PORT applies to an existing folder.
  # The server must not inherit the lock's descriptor, or it would hold the lock for good.
  as_server "$bin/pg_ctl" -D "$data" -w -t 60 -l "$dir/postgres.log" -o "-p $port" start >/dev/null 9>&-
fi

# The role and database the URL names, made once; the role may make databases (one per test).
as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres >&2 <<'SQL'
SELECT 'CREATE ROLE tandem LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tandem') \gexec
SELECT 'CREATE DATABASE tandem OWNER tandem' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tandem') \gexec
SQL
if [ "$1" = clean ]; then
  # Each store test makes a database of its own (t_…); a run leaves them behind.
  as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres >&2 <<'SQL'
SELECT format('DROP DATABASE %I', datname) FROM pg_database
WHERE datname LIKE 't\_%' OR datname LIKE 'prepare\_%' \gexec
SQL
  exit 0
fi
if [ "$1" = fresh ]; then
  as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" -c "CREATE DATABASE \"$2\" OWNER tandem" >&2
  echo "${url%/*}/$2"
  exit 0
fi
echo "$url"
