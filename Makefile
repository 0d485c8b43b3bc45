# The two commands (see README.md):
#   make run   install what is missing, build, migrate, seed demo data on a new database, serve
#   make test  formatting, clippy (deny warnings), unit and integration tests, browser tests
SHELL := /bin/bash
ENV := . scripts/env.sh &&
BIN = $${CARGO_TARGET_DIR}/release/tandem

.PHONY: run test tools build dev lint unit e2e soak bench bench-la clean-db

run: tools build
	@$(ENV) TANDEM_DEMO=$${TANDEM_DEMO:-true} LEPTOS_SITE_ROOT=$${LEPTOS_SITE_ROOT:-target/site} exec $(BIN) serve

tools:
	@bash scripts/ensure-tools.sh $(if $(filter test unit e2e bench soak,$(MAKECMDGOALS)),--browser)

build:
	@bash scripts/build.sh

# Rebuild and restart the server whenever a file changes.
dev: tools
	@bash scripts/dev.sh

test: tools lint unit build e2e
	@bash scripts/postgres.sh stop
	@echo "make test: all checks passed"

# Clippy and the .sqlx/ check run in the release profiles, so that they reuse the build
# scripts and macros `make build` compiles (and it theirs): only the checks themselves are
# extra work.
lint:
	@bash scripts/unused-deps.sh
	@$(ENV) cargo fmt --all -- --check
	@bash scripts/sqlx-prepare.sh --check
	@$(ENV) cargo clippy --release -p domain -p engines -p services -p app -p server --features app/ssr --all-targets -- -D warnings
	@$(ENV) cargo clippy --profile wasm-release -p frontend --target wasm32-unknown-unknown -- -D warnings

# Tests build in release mode so they reuse the dependencies `make build` compiled, and run
# under cargo-nextest: each test in its own process, so tests that read process-wide figures
# (memory, metrics, the mail switch) are not disturbed by their neighbours. One run for
# every crate, with the server's features: its dependencies are exactly those `make build`
# compiled (server/Cargo.toml pins the features the tests' own dependencies add).
#
# The store's and the router's tests run twice: on SQLite, then on PostgreSQL (a private
# server of the tests' own, scripts/postgres.sh; each test makes its own database there).
# SQLite's backup and restore are left out of the second run (PostgreSQL has pg_dump; the
# refusal is tested on the first).
unit:
	@$(ENV) cargo nextest run --release --no-fail-fast -p domain -p services -p app -p server --features app/ssr
	@bash scripts/postgres.sh clean
	@TANDEM_TEST_POSTGRES="$$(bash scripts/postgres.sh start)" $(ENV) cargo nextest run --release --no-fail-fast -p domain -p services -p app -p server --features app/ssr -E 'package(services) | (package(server) & not test(/^backup::/))'
	@bash scripts/postgres.sh clean
	@node --test end2end/unit/

# The browser suite on each engine, both at once: SQLite (a school's) and PostgreSQL (a
# trust's). `bash scripts/e2e.sh [spec]` runs one engine (TANDEM_E2E_ENGINE=postgres).
e2e:
	@bash scripts/e2e-both.sh

# The browser suite N times over (N=5 unless given), to show it passes every time.
N ?= 5
soak: tools build
	@bash scripts/e2e.sh --repeat-each=$(N)

# Every figure on SQLite, then on PostgreSQL, then the two side by side.
bench: tools build
	@TANDEM_BENCH_SAVE="$${CARGO_TARGET_DIR:-target}/bench-sqlite.tsv" bash scripts/bench.sh
	@TANDEM_BENCH_ENGINE=postgres TANDEM_BENCH_SAVE="$${CARGO_TARGET_DIR:-target}/bench-postgres.tsv" bash scripts/bench.sh
	@node scripts/bench-table.mjs "$${CARGO_TARGET_DIR:-target}/bench-sqlite.tsv" "$${CARGO_TARGET_DIR:-target}/bench-postgres.tsv" SQLite PostgreSQL

# A local authority's worth (300 settings, 15,000 staff, about a million entries) on each
# engine, and the SENCo's and a practitioner's pages on it. Takes a while: see the script.
bench-la: tools build
	@bash scripts/bench-la.sh

clean-db:
	rm -f data/tandem.db data/tandem.db-wal data/tandem.db-shm
