# Set-up and everyday commands. Each target creates .venv on first use.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= results/baseline

.PHONY: run test lint golden bench clean

# A Python >= 3.12, preferring 3.12 (what CI tests): python3.12 on PATH, pyenv's 3.12, then any
# newer python3.1x on PATH or in pyenv.
PYENV_VERSIONS := $${PYENV_ROOT:-$$HOME/.pyenv}/versions
PYTHON_312 := $(shell for p in python3.12 $(PYENV_VERSIONS)/3.12*/bin/python3 python3.13 python3 \
	  $(PYENV_VERSIONS)/3.1[3-9]*/bin/python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; \
	  done)

$(STAMP): pyproject.toml setup.py
	@test -n "$(PYTHON_312)" || { echo "error: no Python >= 3.12 found (install one, e.g. 'pyenv install 3.12')" >&2; exit 2; }
	test -x $(PY) || $(PYTHON_312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## Run the baseline scenario: results and plots in $(OUT), headline KPIs printed
	$(VENV)/bin/cxsim run scenarios/baseline.yaml --out $(OUT)

test: lint  ## Run the style checks and the test suite (test files spread over the cores)
	$(PY) -m pytest -q -n auto --dist loadfile

lint: $(STAMP)  ## Ruff: lint and format check (what CI runs)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

golden: $(STAMP)  ## Regenerate tests/data/golden (only when a change is meant to move results)
	$(PY) tests/golden.py

bench: $(STAMP)  ## Benchmarks: writes benchmarks/results.json and results.md, prints the table
	$(VENV)/bin/cxsim bench

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
