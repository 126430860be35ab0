# The two commands of the quick start: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := wsgi
# Test processes per run (pytest-xdist): the machines have two cores. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

.PHONY: run test test-quick lint system-packages install clean-venv bench bench-pages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print('# Written by make run on first start; local only (git-ignored).'); print('SECRET_KEY = ' + repr(secrets.token_hex(32))); print('SESSION_COOKIE_SECURE = False  # served over plain http on 127.0.0.1'); print('REMEMBER_COOKIE_SECURE = False'); print('PUBLIC_BASE_URL = \'http://127.0.0.1:5000\'  # links in mails')" > instance/config.py
	@echo "Wrote instance/config.py with a new random SECRET_KEY."

run: $(STAMP) instance/config.py
	@bash scripts/ensure-system-packages.sh app
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo --if-empty
	@echo ""
	@echo "peerreview draait op http://127.0.0.1:5000  (stoppen: Ctrl+C)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

system-packages:
	@bash scripts/ensure-system-packages.sh

lint: $(STAMP)
	$(BIN)/ruff check peerreview tests migrations/env.py wsgi.py scripts
	$(BIN)/bandit -q -r peerreview -lll

# The whole suite: lint, everything on a SQLite file (browser tests included), then every
# database test again on a throwaway PostgreSQL server that the tests start and stop. Each run on
# TEST_WORKERS processes (pytest-xdist, --dist worksteal: a worker that runs out takes the other's tests);
# every worker has its own database file, PostgreSQL server, browser and live server.
test: $(STAMP) system-packages lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal
	PEERREVIEW_TEST_DATABASE=postgres $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "db and not browser"

# For local iteration: SQLite only, no browser.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not browser" -q

# Speed and memory on the synthetic national data, SQLite and PostgreSQL side by side: writes BENCHMARKS.md.
# Needs wrk (Debian) and PostgreSQL's server binaries; options: make bench BENCH_ARGS="--database sqlite --quick".
# Then scripts/bench_pages.py adds the pages' bytes and Lighthouse scores, before (main) and after, to it.
bench: $(STAMP) system-packages
	@bash scripts/ensure-bench-packages.sh
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_pages.py $(BENCH_PAGES_ARGS)

# Only the pages' table (Lighthouse in Debian's Chromium, before and after): make bench-pages BENCH_PAGES_ARGS="--runs 3".
bench-pages: $(STAMP) system-packages
	@bash scripts/ensure-bench-packages.sh
	$(BIN)/python scripts/bench_pages.py $(BENCH_PAGES_ARGS)

clean-venv:
	rm -rf $(VENV)
