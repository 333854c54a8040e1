# Tasks: `make run` serves the API with the seed data loaded; `make test` runs the suite.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run load test test-sqlite test-postgresql soak lint fmt bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

load: $(VENV)/.installed
	$(PY) scripts/load_seeds.py

run: load
	$(VENV)/bin/uvicorn app.main:app --host $(HOST) --port $(PORT)

# The suite in two halves, each with its own summary line: SQLite (and everything that needs
# no database), then every database test again on a real PostgreSQL server.
test: test-sqlite test-postgresql

test-sqlite: $(VENV)/.installed
	$(VENV)/bin/pytest -k "not postgresql"

test-postgresql: $(VENV)/.installed
	$(VENV)/bin/pytest -k "postgresql"

soak: $(VENV)/.installed
	$(VENV)/bin/pytest -m soak -s

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed
	$(PY) scripts/bench.py --quick

clean:
	rm -rf $(VENV) initiatives.db initiatives.db-wal initiatives.db-shm .pytest_cache
