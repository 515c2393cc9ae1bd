# Two commands: `make run` (try Abierta locally) and `make test` (everything CI checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export ABIERTA_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test install install-dev lock system-deps node lint typecheck checks unit unit-fast browser fallback messages vendor bench bench-complaints bench-consultation bench-contracts bench-works bench-fanout bench-page-cache bench-bigcity clean

# QR codes and email links point at the port actually served (unless SITE_URL is set).
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/abierta migrate --noinput
	$(BIN)/abierta demo
	$(BIN)/abierta collectstatic --noinput -v0
	@echo "Abierta: http://127.0.0.1:$(PORT)/  (Ctrl+C stops the site and its worker; emails are printed here)"
	$(BIN)/abierta worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn abierta.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --no-control-socket --access-logfile - \
		--access-logformat '%(t)s "%(r)s" %(s)s %(b)s' \
		--logger-class abierta.core.gunicorn_logging.QuietPathsLogger

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Exactly the versions in the lock files, then the project itself without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check -q
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e '.[dev]'
	$(BIN)/pip check -q
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Rewrite requirements.lock and requirements-dev.lock from the installed packages: after
# `$(BIN)/pip install -U -e '.[dev]'` (or one package) and a green `make test`.
lock:
	$(BIN)/python scripts/lock.py

# Debian packages the tests need: Chromium for browser tests, gettext for compilemessages.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
node: node_modules/.installed

# Refresh the vendored front-end files from the npm packages pinned in package.json. No package runs
# an install script (--ignore-scripts): swagger-ui-dist's dependency @scarf/scarf would send telemetry.
vendor: node
	cp node_modules/htmx.org/dist/htmx.min.js abierta/static/vendor/htmx.min.js
	mkdir -p abierta/static/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css \
		node_modules/leaflet/LICENSE abierta/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png abierta/static/vendor/leaflet/images/
	mkdir -p abierta/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		node_modules/swagger-ui-dist/swagger-ui.css.map node_modules/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt \
		node_modules/swagger-ui-dist/LICENSE node_modules/swagger-ui-dist/NOTICE abierta/static/vendor/swagger-ui/

messages: install-dev system-deps
	cd abierta && ../$(BIN)/abierta compilemessages --ignore='.venv' -v0

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy abierta

checks: install-dev messages
	$(BIN)/abierta makemigrations --check --dry-run
	$(BIN)/abierta check

# One test process per CPU (pytest-xdist); each gets its own test database.
unit: install-dev messages
	$(BIN)/pytest -m "not browser" -n auto

# The daily loop: the unit tests without the slow ones (real files, hypothesis, schemathesis, demo).
unit-fast: install-dev messages
	$(BIN)/pytest -m "not browser and not slow" -n auto

# Two processes, each with its own Chromium, live server (a free port) and test database. Every
# browser test is in tests/browser: collecting only there saves reading the 3,000 unit tests.
browser: install-dev system-deps node messages
	$(BIN)/pytest -m browser -n 2 tests/browser

# On PostgreSQL, also run the tests of the SQLite fallbacks on SQLite.
fallback: install-dev messages
	@case "$${DATABASE_URL:-}" in postgres*) \
		DATABASE_URL= $(BIN)/pytest -m dbfallback ;; \
	*) echo "fallback: already on SQLite; dbfallback tests ran in 'unit'" ;; esac

test: lint typecheck checks unit browser fallback

bench: install-dev
	$(BIN)/python bench/pages.py

bench-complaints: install-dev
	$(BIN)/python bench/complaints.py

bench-consultation: install-dev
	$(BIN)/python bench/consultation.py

# Needs Debian's wrk and nginx (the static-file baseline): apt-get install wrk nginx.
bench-contracts: install-dev
	$(BIN)/python bench/contracts.py

bench-works: install-dev
	$(BIN)/python bench/works.py

bench-fanout: install-dev
	$(BIN)/python bench/fanout.py

# Needs PostgreSQL and Redis on 127.0.0.1 (the page cache shared by the workers).
bench-page-cache: install-dev
	$(BIN)/python bench/page_cache.py

# Seeds Cartagena (scale 1) and a city ten times its size (scale 10) on PostgreSQL, crawls both.
bench-bigcity: install-dev
	$(BIN)/python bench/bigcity.py run

clean:
	rm -rf $(VENV) node_modules var
