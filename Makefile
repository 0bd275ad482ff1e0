# The two commands of the README, and the steps they are made of.
#
#   make run    serve the app on http://127.0.0.1:3000 with the embedded database
#   make test   formatting, lints, unit and integration tests, browser tests
#
# Both install what is missing first (.ci/setup).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# One target folder outside the checkout, shared by every clone and CI run on
# this machine, so SurrealDB is compiled once and not per checkout.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/nongdang/target
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Tests and clippy build with the same features, flags and LEPTOS_* values
# that cargo-leptos 0.3.10 gives the debug server build, so all of them share
# one compiled dependency graph (SurrealDB takes minutes to build here).
LEPTOS_ENV := RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=nongdang \
	LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 \
	LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false \
	LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt
SSR := -p server -p app --features app/ssr
HYDRATE := -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate

.PHONY: run test setup fmt lint unit e2e release bench

run: setup
	cargo leptos serve

test: setup fmt lint unit e2e

setup:
	@.ci/setup

fmt:
	cargo fmt --all --check
	leptosfmt --check app/src

lint:
	$(LEPTOS_ENV) cargo clippy $(SSR) --all-targets -- -D warnings
	$(LEPTOS_ENV) cargo clippy $(HYDRATE) -- -D warnings

unit:
	$(LEPTOS_ENV) cargo test $(SSR)

# The browser tests run against a fresh archive on disk, whose administrator
# is created the way an operator would: with `nongdang create-admin`.
E2E_DATA := $(CARGO_TARGET_DIR)/e2e-data
e2e:
	rm -rf "$(E2E_DATA)" && mkdir -p "$(E2E_DATA)"
	cargo leptos build
	export NONGDANG_DATABASE_URL="surrealkv://$(E2E_DATA)/archive.db"; \
	export NONGDANG_MASTER_KEY_FILE="$(E2E_DATA)/master.key"; \
	export NONGDANG_KEYRING_FILE="$(E2E_DATA)/keyring"; \
	export NONGDANG_BACKUP_FOLDER="$(E2E_DATA)/backups"; \
	export NONGDANG_AUDIT_KEY_FILE="$(E2E_DATA)/audit-signing.key"; \
	export NONGDANG_AUDIT_CHECKPOINTS="$(E2E_DATA)/checkpoints.jsonl"; \
	export NONGDANG_E2E_ADMIN=e2e.admin; \
	export NONGDANG_E2E_ADMIN_PASSWORD="E2e-$$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; \
	printf '%s\n' "$$NONGDANG_E2E_ADMIN_PASSWORD" \
	  | "$(CARGO_TARGET_DIR)/debug/nongdang" create-admin --username "$$NONGDANG_E2E_ADMIN" --password-stdin; \
	"$(CARGO_TARGET_DIR)/debug/nongdang" seed-demo --files 40; \
	failed=0; cargo leptos end-to-end || failed=1; \
	node end2end/failures.mjs end2end/playwright-report/results.json; \
	exit $$failed

# An optimised build for production: target/site and the `nongdang` binary.
release: setup
	cargo leptos build --release

# The benchmark of README "Benchmarks", e.g. make bench ARGS="--files 100000".
ARGS ?=
bench: setup
	$(LEPTOS_ENV) cargo bench -p server --bench archive -- $(ARGS)
