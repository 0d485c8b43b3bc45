#!/usr/bin/env bash
# Fails when a crate declares a dependency its code never names (the check `cargo machete`
# makes, without installing anything). A dependency that is only switched on for its
# features, never named, is listed in KEEP with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

# crate:dependency — why it stays although no code names it: the server's pins of the
# features its tests' dependencies turn on (server/Cargo.toml says why).
KEEP=(server:bitflags server:cipher server:getrandom server:ttf-parser server:unicode-properties)

unused=0
for manifest in */Cargo.toml; do
  crate=$(dirname "$manifest")
  [ -d "$crate/src" ] || continue
  # Dependency names from [dependencies], [dev-dependencies] and target-specific tables.
  deps=$(awk '
    /^\[/ { on = ($0 ~ /dependencies\]$/) ; next }
    on && /^[A-Za-z0-9_-]+[ ]*=/ { sub(/[ ]*=.*/, ""); print }
  ' "$manifest")
  for dep in $deps; do
    ident=${dep//-/_}
    if grep -rqE "\b${ident}\b" "$crate/src" "$crate"/tests "$crate"/benches "$crate"/build.rs 2>/dev/null; then
      continue
    fi
    keep=no
    for k in "${KEEP[@]}"; do [ "$k" = "$crate:$dep" ] && keep=yes; done
    if [ "$keep" = no ]; then
      echo "unused dependency: $crate depends on $dep, but nothing in $crate names it" >&2
      unused=1
    fi
  done
done
exit $unused
