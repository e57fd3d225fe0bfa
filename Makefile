# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools warns on every editable install that a folder named like the package may shadow it: here the folder
# is the package, so the note is noise.
export PYTHONWARNINGS := ignore:Editable installation

# Stamps: reinstall only when the package metadata changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/python -m emulator $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Start an emulator, tell every scenario against it step by step, stop it.
demo: $(VENV)/.installed-run
	$(BIN)/python -m emulator.scenarios --demo

$(VENV)/.installed-bench: pyproject.toml bench/package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	if command -v npm >/dev/null; then cd bench && npm ci --no-audit --no-fund --loglevel=error; fi
	touch $@

# This emulator against moto's server and cognito-local (BENCH_ARGS=--quick for a short run).
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
