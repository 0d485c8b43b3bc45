# Sourced by the scripts: where tools and build output live, and the PATH that finds them
# before anything the system has (Debian's wasm-opt 108 breaks hydration; see README).
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export TANDEM_TOOLS="${TANDEM_TOOLS:-$HOME/.cache/tandem/tools}"
# The build cache lives outside the clone so fresh clones (and CI) reuse compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
# Leptos' type erasure: a smaller wasm (about a fifth) and quicker builds. It changes the
# markers in the server's HTML too, so server and browser must both be built with it or
# hydration fails on every page.
# Added once, so that sourcing this twice does not change the flags (which rebuilds everything).
case " ${RUSTFLAGS:-} " in
  *" --cfg erase_components "*) ;;
  *) export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components" ;;
esac
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_root/node_modules/.bin:$TANDEM_TOOLS/bin:$CARGO_HOME/bin:$PATH"
unset _root
