# Sourced by the scripts: where tools and build output live, and the PATH that finds them
# before anything the system has (Debian's wasm-opt 108 breaks hydration; see README).
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export TANDEM_TOOLS="${TANDEM_TOOLS:-$HOME/.cache/tandem/tools}"
# Where cargo builds: `target/` in the clone (.cargo/config.toml), unless the caller shares
# one cache between clones with CARGO_TARGET_DIR (CI does: .ci/run). The scripts need the path.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$_root/target}"
# .cargo/config.toml gives every build `--cfg erase_components` (and SQLX_OFFLINE), but a
# RUSTFLAGS variable replaces the config's flags: keep the one flag hydration depends on.
if [ -n "${RUSTFLAGS:-}" ]; then
  case " $RUSTFLAGS " in
    *" --cfg erase_components "*) ;;
    *) export RUSTFLAGS="$RUSTFLAGS --cfg erase_components" ;;
  esac
fi
export PATH="$_root/node_modules/.bin:$TANDEM_TOOLS/bin:$CARGO_HOME/bin:$PATH"
unset _root
