# Two entry points, both self-installing (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.edusim-installed

.PHONY: demo test lint bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The pinned CPU build first, so that the torch range below installs nothing more.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/edusim demo

test: $(STAMP)
	bash .ci/browser-deps
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/python -m ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/env_throughput.py

# The README's app screenshots, from the browser test (headless Chromium).
screenshots: $(STAMP)
	bash .ci/browser-deps
	EDUSIM_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/app/test_browser.py

clean:
	rm -rf $(VENV) runs .pytest_cache
