# Two commands matter: `make run` (serve the demo) and `make test` (lint, typecheck and the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv run setup-demo test lint format typecheck bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

setup-demo: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py collectstatic --no-input --verbosity 0
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_model
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_instrument
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py ensure_admin

run: setup-demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py serve

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# mypy --strict over the files listed in pyproject.toml; incremental, so a rerun reads .mypy_cache.
typecheck: venv
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: venv
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
