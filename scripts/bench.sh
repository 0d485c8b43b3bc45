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

start=$(date +%s%N)
TANDEM_DATABASE_URL="sqlite://$dir/tandem.db" TANDEM_ADDR="127.0.0.1:$port" TANDEM_DEMO=true \
  LEPTOS_SITE_ROOT=target/site RUST_LOG=warn "$CARGO_TARGET_DIR/release/tandem" serve >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.02; done
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

run() { # label, connections, threads, url
  local out; out=$(wrk -t"$3" -c"$2" -d"${duration}s" --latency -H "Cookie: $cookie" "$4")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-44s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
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
save_out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" -s "$dir/save.lua" "$base/api/log/save")
printf '%-44s %10s req/s   p50 %8s   p99 %8s\n' "log-entry saves, 32 writers (budget 1000/s, p99 10 ms)" \
  "$(awk '/Requests\/sec/ {print $2}' <<<"$save_out")" "$(awk '$1=="50%" {print $2}' <<<"$save_out")" "$(awk '$1=="99%" {print $2}' <<<"$save_out")"
errors=$(awk '/Non-2xx/ {print $NF}' <<<"$save_out"); [ -z "$errors" ] || echo "  non-2xx answers: $errors"
echo "memory after load: $(rss)  (budget 150 MB)"
