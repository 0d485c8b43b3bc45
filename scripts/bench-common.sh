# Sourced by the benchmarks (bench.sh, bench-la.sh): wrk, and signing in. Needs $base.

# wrk from Debian when missing (the benchmarks' only extra tool).
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi

sign_in() { # email: the session cookie (every generated and demo account has the demo password)
  curl -s -D - -o /dev/null -H "Origin: $base" -H 'Accept: application/json' \
    --data-urlencode "email=$1" --data-urlencode password=tandem-demo-2026 \
    "$base/api/sign_in" | awk -F'[: ;]+' 'tolower($1)=="set-cookie" {print $2; exit}'
}
