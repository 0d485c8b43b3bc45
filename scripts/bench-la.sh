#!/usr/bin/env bash
# A local authority's worth of data on each engine (`make bench-la`): 300 settings, 15,000
# staff and about a million learning-log entries (`tandem generate`), then the pages a
# SENCo and a practitioner use on it. Figures are printed, never asserted. On two cores
# each engine takes several minutes to generate.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
port=${TANDEM_BENCH_PORT:-3200}
base="http://127.0.0.1:$port"
. scripts/bench-common.sh
dir=target/bench-la
rm -rf "$dir" && mkdir -p "$dir"
duration=${TANDEM_BENCH_SECONDS:-10}
settings=${TANDEM_LA_SETTINGS:-300}
staff=${TANDEM_LA_STAFF:-50}
entries=${TANDEM_LA_ENTRIES:-64}
bin="$CARGO_TARGET_DIR/release/tandem"

for engine in sqlite postgres; do
  if [ "$engine" = postgres ]; then
    TANDEM_DATABASE_URL="$(bash scripts/postgres.sh fresh bench_la)"
  else
    TANDEM_DATABASE_URL="sqlite://$dir/tandem.db"
  fi
  export TANDEM_DATABASE_URL
  start=$(date +%s)
  "$bin" generate --settings "$settings" --staff "$staff" --entries "$entries" >/dev/null
  generated=$(( $(date +%s) - start ))
  serve_for_bench "$dir/server.log" TANDEM_ADDR="127.0.0.1:$port" TANDEM_DEMO=true LEPTOS_SITE_ROOT=target/site RUST_LOG=warn
  trap 'kill ${pid:-} 2>/dev/null || true' EXIT
  post_lua() { # file, body
    printf 'wrk.method = "POST"\nwrk.headers["Accept"] = "application/json"\nwrk.headers["Origin"] = "%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = "%s"\n' "$base" "$2" >"$1"
  }
  report() { # label, wrk output: every answer must be a 2xx, or the figures mean nothing
    if grep -q "Non-2xx" <<<"$2"; then echo "bench-la: $1 was refused: $(grep Non-2xx <<<"$2")"; exit 1; fi
    printf '%-10s %-58s p50 %8s   p99 %8s\n' "$engine" "$1" "$(awk '$1=="50%" {print $2}' <<<"$2")" "$(awk '$1=="99%" {print $2}' <<<"$2")"
  }
  senco=$(sign_in senco@large.example)
  member=$(sign_in staff0001@large.example)
  count="SELECT (SELECT COUNT(*) FROM settings) || ' settings, ' || (SELECT COUNT(*) FROM users) || ' people, ' || (SELECT COUNT(*) FROM log_entries) || ' entries'"
  if [ "$engine" = postgres ]; then made=$(psql -qtA "$TANDEM_DATABASE_URL" -c "$count"); else made=$(sqlite3 "$dir/tandem.db" "$count"); fi
  echo "$engine: generated $made in ${generated}s"
  post_lua "$dir/empty.lua" ""
  post_lua "$dir/search.lua" "q=the+and+wit+lea+vis+tim+sup+pro"
  report "SENCo dashboard data, a setting of $staff staff" \
    "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/empty.lua" "$base/api/staff/dashboard")"
  report "SENCo review queue" \
    "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/empty.lua" "$base/api/review/queue")"
  report "a practitioner's learning log (list)" \
    "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $member" -s "$dir/empty.lua" "$base/api/log/list")"
  report "a practitioner's log search, worst query" \
    "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $member" -s "$dir/search.lua" "$base/api/log/list")"
  report "SENCo dashboard data, 32 clients" \
    "$(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/empty.lua" "$base/api/staff/dashboard")"
  kill "$pid" && wait "$pid" 2>/dev/null || true
done
