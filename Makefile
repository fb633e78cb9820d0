# errdiag: every command a developer or CI needs. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install run test lint eval openapi schema check bench load clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/errdiag: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	@touch $@

install: $(BIN)/errdiag  ## create .venv and install errdiag with its test tools

run: install  ## start the service on the bundled catalogue (HOST, PORT)
	$(BIN)/errdiag serve --host $(HOST) --port $(PORT)

test: install  ## run the whole test suite (lint included)
	$(BIN)/ruff check app tests bench
	$(BIN)/hadolint Dockerfile
	$(BIN)/pytest

lint: install  ## ruff and hadolint only
	$(BIN)/ruff check app tests bench
	$(BIN)/hadolint Dockerfile

eval: install  ## accuracy reports over tests/eval and both held-out corpora, with the naive baseline
	$(BIN)/errdiag eval
	$(BIN)/errdiag eval --eval-dir tests/eval-holdout
	$(BIN)/errdiag eval --eval-dir tests/eval-holdout-2

openapi: install  ## regenerate openapi/openapi.json
	$(BIN)/errdiag openapi -o openapi/openapi.json

schema: install  ## regenerate catalog/schema.json and catalog/published-ids.txt
	$(BIN)/python -m app.engine.schema

check: install  ## validate the catalogue and run its examples
	$(BIN)/errdiag catalog check catalog

bench: install  ## benchmarks (prints figures, writes bench/results/)
	$(BIN)/python -m bench

load: install  ## bounded load test against a local server (LOAD_ARGS="--seconds 10 --reload-every 5")
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
