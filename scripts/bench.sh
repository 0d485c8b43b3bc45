#!/usr/bin/env bash
# Performance figures, printed (never asserted): the release server on loopback with a
# fresh demo database, loaded by wrk. Budgets are in ../shared/DESIGN.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
port=${TANDEM_BENCH_PORT:-3200}
base="http://127.0.0.1:$port"
. scripts/bench-common.sh
dir=target/bench
rm -rf "$dir" && mkdir -p "$dir"
duration=${TANDEM_BENCH_SECONDS:-10}
settle=${TANDEM_BENCH_SETTLE:-30}
# Every figure of the summary table, as `key<TAB>value` (see the end of this script).
results=$dir/results.tsv
record() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }

# The engine: SQLite (a file in $dir), or with TANDEM_BENCH_ENGINE=postgres a fresh database
# on the tests' own PostgreSQL server (scripts/postgres.sh).
engine=${TANDEM_BENCH_ENGINE:-sqlite}
if [ "$engine" = postgres ]; then
  TANDEM_DATABASE_URL="$(bash scripts/postgres.sh fresh bench)"
  export TANDEM_DATABASE_URL
else
  export TANDEM_DATABASE_URL="sqlite://$dir/tandem.db"
fi
start_server() {
  serve_for_bench "$dir/server.log" TANDEM_ADDR="127.0.0.1:$port" TANDEM_TRUSTED_PROXIES=127.0.0.1/32 \
    TANDEM_DEMO=true LEPTOS_SITE_ROOT=target/site RUST_LOG=warn
}
stop_server() { kill "$pid" && wait "$pid" 2>/dev/null || true; }
trap 'kill ${pid:-} 2>/dev/null || true' EXIT
start=$(date +%s%N)
start_server
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }

cookie=$(sign_in sam@oakfield.example)
[ -n "$cookie" ] || { echo "bench: could not sign in"; exit 1; }
page="$base/modules/m2/knowledge"
status=$(curl -s -o "$dir/page.html" -w '%{http_code}' -H "Cookie: $cookie" "$page")
[ "$status" = 200 ] || { echo "bench: $page answered $status"; exit 1; }

echo "== Tandem benchmarks on $engine ($(nproc) cores, loopback, ${duration}s per run) =="
echo "cold start to serving (migrations + content + demo seed): ${ready_ms} ms  (budget 1000 ms)"
echo "memory idle: $(rss)  (budget 50 MB)"
record rss.idle "$(rss_mb)"

html_gz=$(gzip -9 -c "$dir/page.html" | wc -c)
asset() { stat -c %s "target/site/pkg/$1.br" 2>/dev/null || echo 0; }
css=$(asset tandem.css); js=$(asset tandem.js); wasm=$(asset tandem_bg.wasm)
total=$(( html_gz + css + js + wasm ))
echo "first load of a section page, compressed: $(( total / 1024 )) KB (HTML ${html_gz} B gzip, CSS ${css} B, JS ${js} B, wasm ${wasm} B brotli)  (budget 150 KB)"

# wrk's latencies in ms, whatever unit it printed.
ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'; }
report() { # label, wrk output[, key for the summary table]: one line of figures
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1=="50%" {print $2}' <<<"$2"); p99=$(awk '$1=="99%" {print $2}' <<<"$2")
  printf '%-62s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
  if [ -n "${3:-}" ]; then
    record "$3.rps" "$(printf '%.0f' "$rps")"; record "$3.p50" "$(ms <<<"$p50")"; record "$3.p99" "$(ms <<<"$p99")"
  fi
}
# 32 clients reading at once, after 2 s of the same load unmeasured, so that the figures
# are a running server's: a connection's first statements cost more (PostgreSQL plans each
# for its values on a connection's first five runs, about 5 ms for one that reads the
# community's visibility view, where a kept plan takes 0.1 ms). The cold start is above.
wrk32() { wrk -t2 -c32 -d2s "$@" >/dev/null; wrk -t2 -c32 -d"${duration}s" --latency "$@"; }
run() { # label, key (or ""), connections, threads, url, more wrk arguments
  local label=$1 key=$2 c=$3 t=$4 url=$5; shift 5
  [ "$c" = 1 ] || wrk -t"$t" -c"$c" -d2s -H "Cookie: $cookie" "$@" "$url" >/dev/null
  report "$label" "$(wrk -t"$t" -c"$c" -d"${duration}s" --latency -H "Cookie: $cookie" "$@" "$url")" "$key"
}
# The server's memory, sampled every 10 ms from `sample_from` until `peak_since` prints the
# highest figure seen.
sample_from() {
  peak_file="$dir/peak"; echo 0 >"$peak_file"
  ( max=0; while kill -0 "$pid" 2>/dev/null; do
      kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status"); [ "$kb" -gt "$max" ] && { max=$kb; echo "$max" >"$peak_file"; }
      sleep 0.01
    done ) &
  sampler=$!
}
peak_since() { kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; awk '{printf "%.1f MB", $1/1024}' "$peak_file"; }
browser="Accept-Encoding: gzip, deflate, br, zstd"
run "section page, 1 client, uncompressed" "" 1 1 "$page"
run "section page, 32 clients, uncompressed" "" 32 2 "$page"
# As browsers ask: every HTML answer compressed on the fly.
sample_from
run "section page, 1 client, compressed as for a browser" section1 1 1 "$page" -H "$browser"
run "section page, 32 clients, compressed (budget p99 15 ms)" section32 32 2 "$page" -H "$browser"
peak=$(peak_since); sleep "$settle"
echo "memory with compressed pages: peak $peak, $(rss) $settle s after  (budget 150 MB)"

# First visits in Chromium, cold cache: bytes per type of file, and time to interactive on a
# busy school Wi-Fi with a tablet's CPU (scripts/first-page.mjs).
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  senco_session=$(sign_in senco@oakfield.example)
  # Something for the SENCo to review.
  entry=$(cat /proc/sys/kernel/random/uuid)
  curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $base" -H 'Accept: application/json' \
    --data "op_id=$(cat /proc/sys/kernel/random/uuid)&entry_id=$entry&section_key=m1.reflection&prompt_key=p1&base_rev=0&body=For+the+benchmark" "$base/api/log/save"
  curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $base" -H 'Accept: application/json' --data "id=$entry" "$base/api/log/submit"
  node scripts/first-page.mjs "$base" "${cookie#tandem_session=}" "${senco_session#tandem_session=}" >"$dir/first.tsv"
  cat "$dir/first.tsv" >>"$results"
  value() { awk -v k="$1" '$1==k {print $2}' "$dir/first.tsv"; }
  for p in signin section log review thread; do
    printf 'first visit, %-7s cold: %4d KB on the wire (HTML %d, JS %d, wasm %d, CSS %d, fonts %d, other %d bytes), then %d KB for offline use; interactive in %d ms on 1.6 Mbit/s, 150 ms RTT, 4x CPU\n' \
      "$p" $(( $(value "first.$p.total") / 1024 )) \
      $(for t in html js wasm css fonts other; do value "first.$p.$t"; done) \
      $(( $(value "first.$p.background") / 1024 )) "$(value "first.$p.slow_ms")"
  done
  echo "  (budgets: a section page 150 KB on the wire, its wasm 100 KB, interactive in 1.5 s)"
  echo "next section page, service worker warm: interactive in $(value first.section.next_ms) ms on the same profile  (budget 800 ms)"
  echo "wasm bundles (brotli): learner's $(stat -c %s target/site/pkg/tandem_bg.wasm.br) B, full $(stat -c %s target/site/pkg/tandem-full_bg.wasm.br) B  (budget 100 KB for a section page)"
fi

# Everything from here runs on a setting of 500 generated staff with realistic progress
# and 40 entries each (20,000 entries of varied text).
echo "memory after load: $(rss)  (budget 150 MB)"
record rss.peak_pages "${peak% MB}"; record rss.settled_pages "$(rss_mb)"
stop_server
gen_start=$(date +%s%N)
"$CARGO_TARGET_DIR/release/tandem" generate --staff 500 --entries 40 >/dev/null
echo "generated a 500-staff setting with 20,000 entries in $(( ($(date +%s%N) - gen_start) / 1000000 )) ms"
gen_start=$(date +%s%N)
network=$("$CARGO_TARGET_DIR/release/tandem" generate-community --settings 50 --posts 10000 | sed -n 's/.*network id \([0-9]*\).*/\1/p')
[ -n "$network" ] || { echo "bench: could not generate the community"; exit 1; }
echo "generated a network of 50 settings with 10,000 posts in $(( ($(date +%s%N) - gen_start) / 1000000 )) ms"
start_server

# Log-entry saves by 200 people (one person's writes are throttled): each writer carries
# its entry's revision forward from the replies, so every request is a real save of new
# text, a write transaction with its revision and search index update. The answer is the
# second reflection prompt, which the generator leaves empty, so the entry is the writer's.
writers=200
for i in $(seq 0 $((writers - 1))); do sign_in "$(printf 'staff%04d@large.example' "$i")"; done >"$dir/cookies"
[ "$(grep -c . "$dir/cookies")" = "$writers" ] || { echo "bench: could not sign the writers in"; exit 1; }
# The start of a wrk script that posts forms as the writers: their cookies, the headers,
# and `op()`, a new op id.
writers_lua() {
  echo "local cookies = {"; sed 's/.*/  "&",/' "$dir/cookies"; echo "}"
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "$base"
-- Op ids must never repeat across runs or threads (Lua's generator starts the same in
-- each): a repeated id is a replay, answered from its record without writing anything.
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1; if per_thread then per_thread(thread) end end
function init(args) math.randomseed(os.time() * 64 + id) end
local function hex(k) local t = {} for i = 1, k do t[i] = string.format("%x", math.random(0, 15)) end return table.concat(t) end
local function op() return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-8" .. hex(3) .. "-" .. hex(12) end
LUA
}
{
  writers_lua
  cat <<LUA
-- "first" is global: thread:set gives each thread its own (a local would hide it). No
-- backquotes in this text: the shell would run them (the here-document is unquoted).
local revs, index, n = {}, {}, 0
first = 0
function per_thread(thread) thread:set("first", first); first = first + math.floor(#cookies / 2) end
local function entry(i) return string.format("bbbbbbbb-0000-4000-8000-%012x", i) end
request = function()
  local i = first + (n % math.floor(#cookies / 2)) + 1
  n = n + 1
  index[entry(i)] = i
  local op = op()
  wrk.headers["Cookie"] = cookies[i]
  wrk.body = "op_id=" .. op .. "&entry_id=" .. entry(i) .. "&section_key=m1.reflection&prompt_key=p2&base_rev=" .. (revs[i] or 0) .. "&body=Benchmark+reflection+text+" .. op
  return wrk.format()
end
response = function(status, headers, body)
  local id, rev = body:match('"entry_id":"([^"]+)","rev":(%d+)')
  if id and index[id] then revs[index[id]] = tonumber(rev) end
end
LUA
} >"$dir/save.lua"
# Progress events as pages send them: "opened" and half a minute of reading, by the same
# 200 people, over the course's sections, each with its own op id.
{
  writers_lua
  cat <<LUA
local sections = { "m1.knowledge", "m1.practice", "m2.knowledge", "m2.areas", "m3.knowledge", "m4.knowledge", "m5.knowledge", "m6.question" }
local n = 0
request = function()
  n = n + 1
  wrk.headers["Cookie"] = cookies[(n % #cookies) + 1]
  local kind = (n % 2 == 0) and "opened" or "time_spent&seconds=30"
  wrk.body = "op_id=" .. op() .. "&section_key=" .. sections[(n % #sections) + 1] .. "&kind=" .. kind
  return wrk.format()
end
LUA
} >"$dir/progress.lua"
checked() { # label, key, lua, url, connections, threads, seconds: a run in which every answer must be a 2xx
  local out; out=$(wrk -t"$6" -c"$5" -d"$7s" --latency -s "$3" "$4")
  report "$1" "$out" "$2"
  local errors; errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$errors" ] || { echo "bench: $errors requests were refused; the figures above are not valid"; exit 1; }
}
saves() { # label, key, connections, threads, extra lua
  cp "$dir/save.lua" "$dir/save-run.lua" && echo "$5" >>"$dir/save-run.lua"
  checked "$1" "$2" "$dir/save-run.lua" "$base/api/log/save" "$3" "$4" "$duration"
}
saves "log-entry saves, 1 writer at a time" save1 1 1 ""
# Flat out: how many saves per second the server sustains with 32 writers always waiting.
saves "log-entry saves, 32 writers flat out (budget 2000/s)" save32 32 2 ""
# The budget's load: 32 writers each saving every 32 ms (about 1,000 saves/s in all).
saves "log-entry saves, 32 writers at ~1000/s (budget p99 10 ms)" save1000 32 2 "delay = function() return 32 end"
# The same load with each writer's pause drawn at random (0 to 64 ms, 32 on average), as
# people's saves come: with a fixed pause the writers fall into step with the server's
# batched commits and arrive in bursts of a batch at a time.
saves "log-entry saves, 32 writers at ~1000/s, pauses at random (budget p99 10 ms)" save1000r 32 2 "delay = function() return math.random(0, 64) end"
checked "progress events, 1 client" progress1 "$dir/progress.lua" "$base/api/progress/record" 1 1 "$duration"
checked "progress events, 32 clients" progress32 "$dir/progress.lua" "$base/api/progress/record" 32 2 "$duration"

# The SENCo dashboard for the 500 staff. One client, so the latency is the server's time,
# not time spent queueing behind others.
senco=$(sign_in senco@large.example)
# (It computes over everyone and sends the first page of the table, PAGE_SIZE rows.)
staff=$(curl -s -X POST -H "Cookie: $senco" -H "Origin: $base" -H 'Accept: application/json' "$base/api/staff/dashboard" | sed -n 's/.*"staff_total":\([0-9]*\).*/\1/p')
[ "${staff:-0}" -ge 500 ] || { echo "bench: the dashboard answered for ${staff:-no} staff, not 500"; exit 1; }
cat > "$dir/dashboard.lua" <<LUA
wrk.method = "POST"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
report "SENCo dashboard data, 500 staff (budget 25 ms)" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/dashboard.lua" "$base/api/staff/dashboard")" dash_data1
report "SENCo dashboard data, 500 staff, 32 clients" \
  "$(wrk32 -H "Cookie: $senco" -s "$dir/dashboard.lua" "$base/api/staff/dashboard")" dash_data32
report "SENCo dashboard page (HTML), 500 staff, uncompressed" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" "$base/staff")"
report "SENCo dashboard page (HTML), 500 staff, compressed (budget p50 25 ms)" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -H "$browser" "$base/staff")" dash_page1
report "SENCo dashboard page (HTML), 500 staff, compressed, 32 clients" \
  "$(wrk32 -H "Cookie: $senco" -H "$browser" "$base/staff")" dash_page32
# The picture of need, from the self-reviews and goals of the staff sharing their plan
# (the generator shares 327 of 500): it must have counted them for the figures to mean much.
need=$(curl -s -w '\n%{http_code}' -X POST -H "Cookie: $senco" -H "Origin: $base" -H 'Accept: application/json' "$base/api/plan/need")
people=$(sed -n 's/.*"people":\([0-9]*\).*/\1/p' <<<"$need")
[ "$(tail -n1 <<<"$need")" = 200 ] && [ "${people:-0}" -ge 100 ] ||
  { echo "bench: the picture of need answered $(tail -n1 <<<"$need") for ${people:-no} people sharing a plan, not hundreds"; exit 1; }
report "SENCo picture of need, 500 staff (budget p50 25 ms)" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $senco" -s "$dir/dashboard.lua" "$base/api/plan/need")" need1
report "SENCo picture of need, 500 staff, 32 clients" \
  "$(wrk32 -H "Cookie: $senco" -s "$dir/dashboard.lua" "$base/api/plan/need")" need32
echo "memory after the dashboard runs: $(rss)  (budget 150 MB)"

# The community: a network space of 10,000 posts from 50 settings, as a member sees it,
# its first page and a search (two common words, so thousands of posts match).
member=$(sign_in member@network.example)
list="$base/community?space=network-$network"
search="$list&q=visual+support"
shown=$(curl -s -H "Cookie: $member" "$list" | grep -o 'More than [0-9][0-9,]* posts' | head -1 || true)
[ "$shown" = "More than 1,000 posts" ] || { echo "bench: the network space shows ${shown:-nothing}, not more than 1,000 posts"; exit 1; }
report "Community list page, 10,000 posts, compressed" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $member" -H "$browser" "$list")" community_list1
report "Community list page, 10,000 posts, compressed, 32 clients (budget p99 20 ms)" \
  "$(wrk32 -H "Cookie: $member" -H "$browser" "$list")" community_list32
report "Community search page, 10,000 posts, compressed" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $member" -H "$browser" "$search")" community_search1
report "Community search page, 10,000 posts, compressed, 32 clients (budget p99 50 ms)" \
  "$(wrk32 -H "Cookie: $member" -H "$browser" "$search")" community_search32
echo "memory after the community runs: $(rss)  (budget 150 MB)"

# The browser mix: 32 clients at once for 60 s, as a school's browsers load the server:
# 16 reading section pages (compressed), 8 saving answers, 8 sending progress events.
mix=${TANDEM_BENCH_MIX_SECONDS:-60}
reader=$(sed -n 3p "$dir/cookies")
cat > "$dir/mix-pages.lua" <<LUA
wrk.headers["Cookie"] = "$reader"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
LUA
cp "$dir/save.lua" "$dir/mix-save.lua"
sample_from
checked "browser mix: section pages (16 of 32 clients, ${mix} s)" mix_section "$dir/mix-pages.lua" "$page" 16 1 "$mix" >"$dir/mix.1" & m1=$!
checked "browser mix: saves (8 of 32 clients)" mix_save "$dir/mix-save.lua" "$base/api/log/save" 8 1 "$mix" >"$dir/mix.2" & m2=$!
checked "browser mix: progress events (8 of 32 clients)" mix_progress "$dir/progress.lua" "$base/api/progress/record" 8 1 "$mix" >"$dir/mix.3" & m3=$!
mix_ok=0; wait "$m1" || mix_ok=1; wait "$m2" || mix_ok=1; wait "$m3" || mix_ok=1
cat "$dir"/mix.{1,2,3}
[ "$mix_ok" = 0 ] || exit 1
peak=$(peak_since); record rss.peak_mix "${peak% MB}"; sleep "$settle"; record rss.settled_mix "$(rss_mb)"
echo "memory in the browser mix: peak $peak, $(rss) $settle s after  (budget 150 MB)"

# Search, the worst a person can type: eight three-letter prefixes that each match many
# words, over 20,000 entries in the database (the searcher's own 40 and everyone else's).
searcher=$(head -n1 "$dir/cookies")
worst="q=the+and+wit+lea+vis+tim+sup+pro"
found=$(curl -s -X POST -H "Cookie: $searcher" -H "Origin: $base" -H 'Accept: application/json' --data "$worst" "$base/api/log/list" | grep -o '"id":' | wc -l)
cat > "$dir/search.lua" <<LUA
wrk.method = "POST"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "$worst"
LUA
report "search, worst query, 20,000 entries ($found found) (budget 100 ms)" \
  "$(wrk -t1 -c1 -d"${duration}s" --latency -H "Cookie: $searcher" -s "$dir/search.lua" "$base/api/log/list")"

# Abuse: 200 wrong passwords at once for one account, then 500 sign-ins and joins at once
# from 500 different addresses (unknown accounts, a real invite code), with the server's
# memory sampled throughout. The server trusts loopback as a proxy, so X-Forwarded-For
# gives each request its own address, as a botnet or a busy proxy would.
admin=$(sign_in admin@oakfield.example)
code=$(curl -s -X POST -H "Cookie: $admin" -H "Origin: $base" -H 'Accept: application/json' --data 'role=practitioner&days=7&uses=500' "$base/api/admin/create_invite" | sed -n 's/.*"code":"\([^"]*\)".*/\1/p')
[ -n "$code" ] || { echo "bench: could not create an invite code"; exit 1; }
by_status() { sort | uniq -c | awk '{printf "%s×%s ", $1, $2}'; }
echo "200 parallel wrong passwords for one account: $(seq 1 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
  -H "Origin: $base" -H 'Accept: application/json' -H 'X-Forwarded-For: 10.1.0.{}' \
  --data-urlencode email=staff0001@large.example --data-urlencode password=wrong-guess "$base/api/sign_in" | by_status)(by status; an account from everywhere takes 20 tries, then waits seconds between them)"
sample_from
burst=$( { seq 1 250 | xargs -P 250 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Origin: $base" -H 'Accept: application/json' \
    -H 'X-Forwarded-For: 10.2.0.{}' --data-urlencode "email=nobody{}@large.example" --data-urlencode password=wrong-guess "$base/api/sign_in" &
  seq 1 250 | xargs -P 250 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Origin: $base" -H 'Accept: application/json' \
    -H 'X-Forwarded-For: 10.3.0.{}' --data-urlencode "code=$code" --data-urlencode display_name=Jo --data-urlencode "email=joiner{}@large.example" \
    --data-urlencode "password=a long enough pass phrase" --data-urlencode sector=school_age "$base/api/join"; wait; } | by_status)
sleep 2; peak=$(peak_since)
echo "500 parallel sign-ins and joins from 500 addresses: $burst(by status: 200 joined, 422 wrong password, 503 shed with Retry-After)"
echo "memory during the burst: peak $peak, after $(rss)  (budget 150 MB)"
record rss.peak_burst "${peak% MB}"

# One table: these figures beside those of the build before issue 13's changes
# (scripts/bench-before.tsv, made by this script on that build), and the budgets.
node scripts/bench-table.mjs scripts/bench-before.tsv "$results"
if [ -n "${TANDEM_BENCH_SAVE:-}" ]; then cp "$results" "$TANDEM_BENCH_SAVE"; fi
