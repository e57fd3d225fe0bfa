# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test demo bench mutation clean

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

# The npm packages of the Node.js function runner (esbuild for TypeScript, the AWS SDK a Lambda Node.js runtime
# provides) and of the shipped JavaScript handlers, from their lock files. Without npm only Node.js functions are
# unavailable, so that is a note, not a failure (and no stamp: installing Node later is picked up).
NPM_FOLDERS := emulator/services/functions/node_worker triggers/js
$(VENV)/.installed-node: $(foreach folder,$(NPM_FOLDERS),$(folder)/package-lock.json) | $(BIN)/python
	@if command -v npm >/dev/null; then \
	  for folder in $(NPM_FOLDERS); do \
	    (cd $$folder && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock) \
	      || exit 1; \
	  done; \
	  touch $@; \
	else \
	  echo "note: npm was not found: Node.js trigger functions (triggers/js) need Node.js 18 or newer and npm"; \
	fi

run: $(VENV)/.installed-run $(VENV)/.installed-node
	$(BIN)/python -m emulator $(ARGS)

test: $(VENV)/.installed-test $(VENV)/.installed-node
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Start an emulator, tell every scenario against it step by step, stop it.
demo: $(VENV)/.installed-run $(VENV)/.installed-node
	$(BIN)/python -m emulator.scenarios --demo

$(VENV)/.installed-bench: pyproject.toml bench/package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	if command -v npm >/dev/null; then cd bench && npm ci --no-audit --no-fund --loglevel=error; fi
	touch $@

# This emulator against moto's server and cognito-local (BENCH_ARGS=--quick for a short run).
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

$(VENV)/.installed-mutation: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

# Mutation testing of the security-relevant modules ([tool.mutmut] in pyproject.toml): mutmut changes them one small
# edit at a time in a copy (mutants/), runs the tests that reach each changed function, and the report prints killed,
# survived and timed-out mutants per module and in total, failing below 90 % killed. From scratch, so new tests
# count; its log is mutants/mutmut.log. MUTATION_JOBS sets the parallel workers (default: the CPU count). A whole run
# takes hours on two cores: MUTATION_RESUME=1 keeps mutants/ and goes on where a cut-short run stopped (mutmut tests
# the mutants not yet tested and those of functions changed since; a survivor is tested again only when named:
# .venv/bin/mutmut run <name>...).
MUTATION_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
mutation: $(VENV)/.installed-mutation $(VENV)/.installed-node
	$(if $(MUTATION_RESUME),mkdir -p mutants,rm -rf mutants && mkdir mutants)
	@echo "mutmut: generating and testing mutants (log: mutants/mutmut.log) ..."
	@start=$$(date +%s); \
	$(abspath $(BIN))/mutmut run --max-children $(MUTATION_JOBS) > mutants/mutmut.log 2>&1 \
	  || { tr '\r' '\n' < mutants/mutmut.log | tail -40; exit 1; }; \
	echo "mutmut: done in $$(( $$(date +%s) - start )) s"
	$(BIN)/python tests/mutation_report.py

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info mutants
