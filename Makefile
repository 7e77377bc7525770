# Everything installs into the repo: .venv for Python, node_modules for Spectral.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: install run test lint spec-lint clean

install: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(BIN)/linkis-mock serve --host $(HOST) --port $(PORT)

test: lint
	$(BIN)/pytest

lint: install spec-lint
	$(BIN)/ruff check .
	$(BIN)/mypy

spec-lint: install
	$(BIN)/openapi-spec-validator openapi/*.yaml
	npx --no-install spectral lint openapi/*.yaml --fail-severity=warn

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
