#!/usr/bin/env bash
# Performance figures, printed (never asserted): the release server on loopback with a
# fresh demo database, loaded by wrk. Budgets are in ../shared/DESIGN.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
port=${TANDEM_BENCH_PORT:-3200}
base="http://127.0.0.1:$port"
dir=target/bench
rm -rf "$dir" && mkdir -p "$dir"
duration=${TANDEM_BENCH_SECONDS:-10}

export TANDEM_DATABASE_URL="sqlite://$dir/tandem.db"
start_server() {
  TANDEM_ADDR="127.0.0.1:$port" TANDEM_DEMO=true LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    "$CARGO_TARGET_DIR/release/tandem" serve >>"$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.02; done
}
stop_server() { kill "$pid" && wait "$pid" 2>/dev/null || true; }
trap 'kill $pid 2>/dev/null || true' EXIT
start=$(date +%s%N)
start_server
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"; }

cookie=$(curl -s -D - -o /dev/null -H "Origin: $base" -H 'Accept: application/json' \
  --data-urlencode email=sam@oakfield.example --data-urlencode password=tandem-demo-2026 \
  "$base/api/sign_in" | awk -F'[: ;]+' 'tolower($1)=="set-cookie" {print $2; exit}')
[ -n "$cookie" ] || { echo "bench: could not sign in"; exit 1; }
page="$base/modules/m2/knowledge"
status=$(curl -s -o "$dir/page.html" -w '%{http_code}' -H "Cookie: $cookie" "$page")
[ "$status" = 200 ] || { echo "bench: $page answered $status"; exit 1; }

echo "== Tandem benchmarks ($(nproc) cores, loopback, ${duration}s per run) =="
echo "cold start to serving (migrations + content + demo seed): ${ready_ms} ms  (budget 1000 ms)"
echo "memory idle: $(rss)  (budget 50 MB)"

html_gz=$(gzip -9 -c "$dir/page.html" | wc -c)
asset() { stat -c %s "target/site/pkg/$1.br" 2>/dev/null || echo 0; }
css=$(asset tandem.css); js=$(asset tandem.js); wasm=$(asset tandem_bg.wasm)
total=$(( html_gz + css + js + wasm ))
echo "first load of a section page, compressed: $(( total / 1024 )) KB (HTML ${html_gz} B gzip, CSS ${css} B, JS ${js} B, wasm ${wasm} B brotli)  (budget 300 KB)"

report() { # label, wrk output: one line of figures
  printf '%-58s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$2")" \
    "$(awk '$1=="50%" {print $2}' <<<"$2")" "$(awk '$1=="99%" {print $2}' <<<"$2")"
}
run() { # label, connections, threads, url
  report "$1" "$(wrk -t"$3" -c"$2" -d"${duration}s" --latency -H "Cookie: $cookie" "$4")"
}
run "section page, 1 client" 1 1 "$page"
run "section page, 32 clients (budget p99 15 ms)" 32 2 "$page"

# Log-entry saves: every request is a new save (new op id) of one answer, so each is a
# write transaction; once the entry exists they are stale saves, kept as conflict revisions.
cat > "$dir/save.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "$base"
local function hex(n) local t = {} for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end return table.concat(t) end
request = function()
  local op = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-8" .. hex(3) .. "-" .. hex(12)
  wrk.body = "op_id=" .. op .. "&entry_id=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee&section_key=m1.reflection&prompt_key=p1&base_rev=0&body=Benchmark+reflection+text+" .. op
  return wrk.format()
end
LUA
saves() { # label, extra lua
  cp "$dir/save.lua" "$dir/save-run.lua" && echo "$2" >>"$dir/save-run.lua"
  local out; out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" -s "$dir/save-run.lua" "$base/api/log/save")
  report "$1" "$out"
  local errors; errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$errors" ] || { echo "bench: $errors saves were refused; the figures above are not valid"; exit 1; }
}
# Flat out: how many saves per second the server sustains with 32 writers always waiting.
saves "log-entry saves, 32 writers flat out (budget 1000/s)" ""
# The budget's load: 32 writers each saving every 32 ms (about 1,000 saves/s in all).
saves "log-entry saves, 32 writers at ~1000/s (budget p99 10 ms)" "delay = function() return 32 end"

# The SENCo dashboard for a setting of 500 staff (generated with realistic progress). One
# client, so the latency is the server's time, not time spent queueing behind others.
echo "memory after load: $(rss)  (budget 150 MB)"
stop_server
gen_start=$(date +%s%N)
"$CARGO_TARGET_DIR/release/tandem" generate --staff 500 >/dev/null
echo "generated a 500-staff setting in $(( ($(date +%s%N) - gen_start) / 1000000 )) ms"
start_server
senco=$(curl -s -D - -o /dev/null -H "Origin: $base" -H 'Accept: application/json' \
  --data-urlencode email=senco@large.example --data-urlencode password=tandem-demo-2026 \
  "$base/api/sign_in" | awk -F'[: ;]+' 'tolower($1)=="set-cookie" {print $2; exit}')
rows=$(curl -s -X POST -H "Cookie: $senco" -H "Origin: $base" -H 'Accept: application/json' "$base/api/staff/dashboard" | grep -o '"id":' | wc -l)
[ "$rows" -ge 500 ] || { echo "bench: the dashboard answered with $rows rows, not 500"; exit 1; }
cat > "$dir/dashboard.lua" <<LUA
wrk.method = "POST"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
report "SENCo dashboard data, 500 staff (budget 50 ms)" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/dashboard.lua" "$base/api/staff/dashboard")"
report "SENCo dashboard page (HTML), 500 staff" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" "$base/staff")"
echo "memory after the dashboard runs: $(rss)  (budget 150 MB)"
