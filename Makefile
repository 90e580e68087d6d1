# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(PY) -m bot run

test: $(TEST_STAMP)
	$(PY) -m ruff check bot tests
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(TEST_STAMP)
	$(PY) -m ruff check bot tests
	$(PY) -m mypy

check: $(STAMP)
	$(PY) -m bot check

bench: $(TEST_STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
