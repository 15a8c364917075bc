# Two commands matter: `make run` and `make test`. Both work from a fresh clone.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_OPERATORS ?= 3000
VNU_VERSION := 26.9.27
VNU := var/vnu-$(VNU_VERSION).jar
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test test-setup setup serve soak cluster cluster-soak messages lint format screenshots bench bench-growth clean

help:
	@echo "make run      set up, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test     set up and run every test (browser tests need /usr/bin/chromium)"
	@echo "make serve    production server (gunicorn, DEBUG off)"
	@echo "make soak     mixed load for SOAK_SECONDS, then checks nothing was lost (PostgreSQL)"
	@echo "make cluster  HAProxy (TLS), two app servers, PgBouncer, primary + replica, Redis, SMTP sink"
	@echo "make cluster-soak  the soak through the cluster while its parts fail in turn"
	@echo "make bench    load-test the pages at 1,000,000 operators (PostgreSQL, wrk)"
	@echo "make bench-growth  each page's server time at 1,000,000 requests against 100,000"
	@echo "make messages re-extract and compile the translation catalogues"
	@echo "make lint     ruff check and format check"
	@echo "make screenshots  docs/screenshots/ from the browser suite"

# The virtual environment is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# A development .env (DEBUG on, a generated SECRET_KEY), written once.
.env:
	$(PY) scripts/write-dev-env .env

setup: $(VENV)/.installed .env
	@if command -v msgfmt >/dev/null; then \
	  $(PY) manage.py compilemessages --ignore=.venv --verbosity 0; \
	else echo "gettext not found: using the committed .mo catalogues"; fi
	@mkdir -p var/static

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py bootstrap_demo --operators $(DEMO_OPERATORS)
	@scripts/run-dev $(PORT)

# What the tests need, apart from running them (CI prepares once, then runs two suites at once).
test-setup: setup $(VNU)

test: test-setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The Nu HTML Checker for the browser tests, from the npm registry (a jar: Java runs it).
# Fetched once; without npm the browser tests skip the HTML check and say so (CI has npm).
$(VNU):
	@mkdir -p var
	@if command -v npm >/dev/null; then \
	  echo "fetching the Nu HTML Checker (npm pack vnu-jar@$(VNU_VERSION))"; \
	  tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
	    && tar xzf vnu-jar-$(VNU_VERSION).tgz) && mv $$tmp/package/build/dist/vnu.jar $@; \
	  rm -rf "$$tmp"; \
	else echo "npm not found: the browser tests will not run the HTML checker"; fi

serve: setup
	@scripts/serve

# Screenshots of the main pages, taken by the browser suite, into docs/screenshots/.
screenshots: setup
	SCREENSHOTS=1 $(PY) -m pytest tests/browser -q -k "english or phone"

# PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/traces_bench):
# seeds 1,000,000 operators and 100,000 requests (BENCH_ARGS="--requests 1000000":
# its own database, traces_bench_1m), drives each page with wrk, writes docs/benchmarks.md.
bench: setup
	@scripts/bench $(BENCH_ARGS)

# In-process server time of each page at 1,000,000 requests (traces_bench_1m, copied
# from traces_bench and topped up the first time) against 100,000, with the 1.2 target.
bench-growth: setup
	$(PY) scripts/bench_pages.py --growth $(BENCH_ARGS)

# Mixed load at `make serve` on loopback for SOAK_SECONDS (60), then checks that
# everything accepted is in the database exactly once. Needs PostgreSQL.
soak: setup
	$(PY) scripts/soak.py

# The production topology on loopback, in var/cluster/ and ports of its own
# (scripts/cluster.py): installs what is missing with apt-get, prints the URL,
# stops everything on Ctrl-C.
cluster: setup
	$(PY) scripts/cluster.py $(CLUSTER_ARGS)

# The soak's mixed load through the cluster for CLUSTER_SOAK_SECONDS (300) while
# an app server is killed, the primary restarts, the replica stops, Redis
# restarts and the mail server refuses; then the counts and the fault timeline.
cluster-soak: setup
	$(PY) scripts/cluster_soak.py $(CLUSTER_SOAK_ARGS)

messages: $(VENV)/.installed
	for app in core accounts entities requests_app; do \
	  (cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete --add-location file \
	    --ignore='tests/*'); done
	$(PY) manage.py makemessages -l fr --no-obsolete --add-location file \
	  --ignore='.venv/*' --ignore='core/*' --ignore='accounts/*' --ignore='entities/*' --ignore='requests_app/*' \
	  --ignore='scripts/*' --ignore='tests/*' --ignore='docs/*'
	$(PY) manage.py compilemessages --ignore=.venv

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .env
