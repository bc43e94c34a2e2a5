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

# A generated SECRET_KEY for this checkout (git-ignored); settings read it when the environment has none.
.env.local:
	@(umask 077 && $(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@.tmp) && mv $@.tmp $@
	@echo "Wrote $@ with a generated SECRET_KEY (kept out of git)."

setup-demo: venv .env.local
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py collectstatic --no-input --verbosity 0
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_model
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_instrument
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_community_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py ensure_admin

# exec: the shell steps aside, so Ctrl-C reaches only `serve`, which stops everything and exits 0.
PORT ?= 8000
run: setup-demo
	DEBUG=$${DEBUG:-1} exec $(PY) manage.py serve --addr 127.0.0.1:$(PORT)

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
