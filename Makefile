# The two commands of the README: `make run` (the platform with demo data on this machine)
# and `make test`. With no environment, everything runs on SQLite under var/; DATABASE_URL and
# REDIS_URL switch to PostgreSQL and Redis (see README.md).

VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run demo-passwords test lint

install: $(STAMP)

# Reinstalled whenever pyproject.toml (the dependencies) changes.
$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -e '.[test]'
	touch $@

# Development server: back office on localhost, each site on <primary domain>.localhost.
# DEBUG=1 because the default (production) settings redirect to HTTPS. Every site is published
# again (in full: files on disk are compared with what they should be) before the server starts,
# and the addresses printed are those of the sites in the database.
SITE_ADDRESSES := from sites.models import Domain; \
	[print(f"站点 / public site: http://{d.name}.localhost:$(PORT)/  {d.site.name}") \
	 for d in Domain.objects.filter(is_primary=True).select_related("site").order_by("site__pk")]

run: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo
	$(MANAGE) publish --all --full
	$(MANAGE) check_sites
	DEBUG=1 $(MANAGE) collectstatic --noinput -v 0
	@echo
	@echo "后台 / back office:   http://localhost:$(PORT)/admin/"
	@$(MANAGE) shell --no-imports -c '$(SITE_ADDRESSES)'
	@echo "演示账号的密码只在创建时显示一次；新密码 / new demo passwords: make demo-passwords"
	@echo
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

demo-passwords: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo --new-passwords

# An empty suite (pytest's exit code 5) fails like any other error: a test run must test something.
test: install
	$(VENV)/bin/pytest -n 2

# ruff, and the layers of the README's layout (import-linter's contract in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
