# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test lint check bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(BENCH_STAMP): $(TEST_STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

run: $(STAMP)
	$(PY) -m bot run

test: $(TEST_STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(TEST_STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m mypy

check: $(STAMP)
	$(PY) -m bot check

# Speed, memory and scale (one table), then answer quality against the baselines.
bench: $(BENCH_STAMP)
	$(PY) -m bench
	$(PY) -m bot eval tests/dev_questions.yaml --baselines

# The Telegram bot under load over loopback HTTP: its own capacity (no send limit, three rounds
# to show memory staying flat), then as deployed, at Telegram's 30 messages a second.
bench-load: $(STAMP)
	$(PY) -m bench.load --rounds 3 --send-rate 0
	$(PY) -m bench.load --rounds 1 --send-rate 30

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
