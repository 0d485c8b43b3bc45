# Sourced by the benchmarks (bench.sh, bench-la.sh): wrk, and signing in. Needs $base.

# wrk from Debian when missing (the benchmarks' only extra tool).
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi

# Starts the release server with the given environment (`VAR=value …`, as for `env`) and
# waits until it answers on $base: sets $pid. Refuses a port something already answers on,
# whose figures would be taken for ours.
serve_for_bench() { # log file, env assignments…
  local log=$1; shift
  if curl -s -o /dev/null "$base/healthz"; then
    echo "bench: something already answers on $base; stop it first"; exit 1
  fi
  env "$@" "$CARGO_TARGET_DIR/release/tandem" serve >>"$log" 2>&1 &
  pid=$!
  until curl -sf "$base/healthz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: the server did not start: $log"; exit 1; }
    sleep 0.02
  done
}
sign_in() { # email: the session cookie (every generated and demo account has the demo password)
  curl -s -D - -o /dev/null -H "Origin: $base" -H 'Accept: application/json' \
    --data-urlencode "email=$1" --data-urlencode password=tandem-demo-2026 \
    "$base/api/sign_in" | awk -F'[: ;]+' 'tolower($1)=="set-cookie" {print $2; exit}'
}
