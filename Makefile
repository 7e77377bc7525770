# Everything installs into the repo: .venv for Python, node_modules for the npm tools
# (Spectral, Redocly, openapi-typescript, TypeScript).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPX := npx --no-install
PORT ?= 8080
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
SPECS := $(wildcard openapi/*.yaml)
DOCS := build/docs

.PHONY: install lock run test fuzz soak lint spec-lint types clients docs clean bench image

install: $(STAMP)

# constraints.txt pins every Python package (as package-lock.json does for npm), so a fresh
# machine installs what the tests passed with; `make lock` refreshes it.
CONSTRAINTS := constraints.txt

$(STAMP): pyproject.toml $(CONSTRAINTS) package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Resolve pyproject.toml's ranges afresh in a clean venv and pin the result.
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet '.[test]'
	{ echo "# Pinned by make lock from pyproject.toml's ranges; make install installs these."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude linkis-mock --exclude setuptools; } > $(CONSTRAINTS)
	rm -rf $(LOCK_VENV)

run: install
	$(BIN)/linkis-mock serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium, installed here with apt-get when missing; the
# image tests (tests/image) the container image `make image` builds with podman, as root.
# Test files run in parallel (pytest-xdist), one worker more than there are cores: many
# tests wait on a process (PostgreSQL, podman, a server starting), and the spare worker
# keeps the cores busy meanwhile (on 2 cores, 3 workers took 101 s where 2 took 120).
# Each file is on one worker, in the order collected (the long ones first: conftest.py);
# Python may cache bytecode, which the many mock processes the tests start then share.
# The wheel the wheel and plugin tests install is built first too (tests/helpers/wheel.py).
# The ten slowest steps are listed at the end (docs/testing.md).
# The gates, the image and the docs pages are made side by side: the image's cold build is
# mostly downloads (Debian's packages, the wheels), which the others' CPU work overlaps.
test: install install-postgres
	$(MAKE) --no-print-directory -j2 lint image docs
	tools/install_browser.sh
	$(BIN)/python -m tests.helpers.wheel > /dev/null
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $$(( $$(nproc) + 1 )) --dist loadfile --no-loadscope-reorder \
	  --durations=10

# The PostgreSQL backend's tests start throwaway servers (tests/helpers/postgres.py) from
# Debian's PostgreSQL binaries, installed here with apt-get when no initdb is found. Needs root
# or passwordless sudo for that; fails loudly otherwise, and so do those tests.
.PHONY: install-postgres
install-postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  exit 0; \
	elif [ "$$(id -u)" -eq 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else \
	  echo "install-postgres: no initdb, and this user cannot run apt-get as root;" >&2; \
	  echo "  install it with: apt-get update && apt-get install -y postgresql" >&2; exit 1; \
	fi; \
	command -v apt-get >/dev/null 2>&1 || { \
	  echo "install-postgres: no initdb, and there is no apt-get to install it" >&2; exit 1; }; \
	echo "install-postgres: installing postgresql from Debian's packages" >&2; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "install-postgres: apt-get finished but there is still no initdb" >&2; exit 1; }

# Schemathesis on every spec, every phase and check, with more examples per operation
# than `make test` runs; each spec's run stops generating after FUZZ_MAX_TIME seconds. Then
# the raw-socket hostile-input net, exploring (new random cases each run) at 300 examples
# per operation and backend (make test: 12, the same every run).
FUZZ_MAX_EXAMPLES ?= 200
FUZZ_MAX_TIME ?= 240
HOSTILE_NET_EXAMPLES ?= 300
fuzz: install clients install-postgres
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_MAX_TIME=$(FUZZ_MAX_TIME) \
	  $(BIN)/pytest contract_tests/schemathesis_runs
	HOSTILE_NET_EXAMPLES=$(HOSTILE_NET_EXAMPLES) HOSTILE_NET_EXPLORE=1 \
	  $(BIN)/pytest -n auto tests/http/test_hostile_net.py

# A report: mixed submit, poll and kill load for SOAK_SECONDS (300) from a second process,
# with the server's memory sampled; fails if it grows over 10% after the first minute or
# any reply is a 5xx. Figures in build/soak.json. SOAK_SERVER_ARGS="--state build/soak.db".
soak: install
	$(BIN)/python tools/soak.py

# The gates: every spec valid and lint-free under three linters (and no schema named like a
# type a client generator derives: tools/check_spec_names.py), the generated
# types up to date with the specs, and the code ruff- and mypy --strict-clean.
lint: install spec-lint clients
	$(BIN)/python tools/generate_types.py --check
	$(BIN)/ruff check .
	$(BIN)/mypy

spec-lint: install
	$(BIN)/openapi-spec-validator $(SPECS)
	$(BIN)/python tools/check_spec_names.py $(SPECS)
	$(NPX) spectral lint $(SPECS) --fail-severity=hint
	$(NPX) redocly lint $(SPECS)

# Python (openapi-python-client) and TypeScript (openapi-typescript types; orval React Query
# hooks and @hey-api/openapi-ts SDKs, both over fetch) clients of every spec, into the
# git-ignored build/clients; any generator warning fails, and so does any tsc --strict error in
# the orval and hey-api output (clients/generated.tsconfig.json). mypy reads the Python ones.
CLIENTS_STAMP := build/clients/.generated

clients: $(CLIENTS_STAMP)

$(CLIENTS_STAMP): $(STAMP) tools/generate_clients.sh $(SPECS) \
    $(wildcard clients/*.yaml clients/*.cjs clients/*.mjs clients/*.json clients/python/*.yaml \
      clients/ts-smoke/*)
	tools/generate_clients.sh

# Regenerate linkis_mock/api_types from the specs (commit the result).
types: install
	$(BIN)/python tools/generate_types.py

# A static HTML reference of each spec, with Redoc inlined: opens without a server.
# Each page is made again only when its spec or the Redocly config is newer (tests/spec/
# test_docs.py checks the pages as made here, and makes its own where one is stale).
docs: $(patsubst openapi/%.yaml,$(DOCS)/%.html,$(SPECS))

$(DOCS)/%.html: openapi/%.yaml redocly.yaml $(STAMP)
	mkdir -p $(DOCS)
	$(NPX) redocly build-docs $< --inlineBundle -o $@

clean:
	rm -rf $(VENV) node_modules build .mypy_cache .ruff_cache .pytest_cache .hypothesis
	rm -f deploy/wheels/*.whl deploy/wheels/*.tar.gz

# The container image (Dockerfile), built with podman as root, offline: podman and its tools
# from Debian's packages when missing (tools/install_podman.sh), a local Debian bookworm base
# image made with debootstrap, the runtime dependencies' wheels prepared on the host
# (deploy/wheels), and the PostgreSQL image tests/image use beside it. IMAGE names the image;
# tools/build_image.sh prints each step's time and the image's size.
IMAGE ?= localhost/linkis-mock:dev
image: install
	IMAGE=$(IMAGE) tools/build_image.sh

# A report, not a gate (bench/run.py): wrk throughput of the mock next to Prism
# (bench/package.json) and a bare Starlette app, start-up time, memory and throughput with
# 100 000 jobs, log paging, and the Schemathesis run's time; figures in build/bench.json.
# BENCH_SECONDS=5 shortens each wrk run; BENCH_ARGS="--only throughput,startup" picks.
BENCH_ARGS ?=
bench: install
	command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/run.py $(BENCH_ARGS)
