# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
# Local development only: `make run` turns DEBUG on; production never does.
DEV_ENV := DJANGO_DEBUG=true
# The first line of the .env `make run` writes; manage.py reads only such a file (kb/dev_env.py).
DEV_ENV_MARK := \# Written by `make run` for local development
# The suite's Redis on 127.0.0.1 (REDIS_PORT=6390 make test beside another copy's suite).
REDIS_PORT ?= 6379

.PHONY: redis redis-stop dev-env install-dev lighthouse run serve install migrate seed backup restore test test-unit test-browser worker cron chromium fonts poppler lint format hooks check-migrations clean bench-search bench-http wrk fault-drill

# `make run` installs what running needs (requirements.txt); `make test` adds the test
# tools (requirements-dev.txt: pytest, Playwright, ruff, mypy).
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed fonts

install-dev: install $(BIN)/.installed-dev

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_essay --seed

# A snapshot of the database (pg_dump custom format, or SQLite's online backup)
# into KB_BACKUP_DIR (default backups/), keeping the newest KB_BACKUP_KEEP (14).
backup: install
	$(DEV_ENV) $(BIN)/python manage.py backup

# Into an empty database only; RESTORE_ARGS=--force overwrites one that is not.
restore: install
	@test -n "$(FILE)" || { echo "用法: make restore FILE=backups/kb-20260101T020000Z.pgdump" >&2; exit 2; }
	$(DEV_ENV) $(BIN)/python manage.py restore "$(FILE)" $(RESTORE_ARGS)

# A git-ignored .env with development settings, so every manage.py command in the README
# works as written afterwards; production never reads it (kb/dev_env.py). A .env of
# one's own (without the mark on its first line) is left alone.
dev-env:
	@if [ -f .env ] && ! head -n 1 .env | grep -qxF '$(DEV_ENV_MARK)'; then \
	  echo ".env was not written by make run: left as it is."; \
	else \
	  printf '%s\n' '$(DEV_ENV_MARK)' '# manage.py reads it when DJANGO_DEBUG and DJANGO_SECRET_KEY are unset.' \
	    'DJANGO_DEBUG=true' 'KB_SITE_URL=http://127.0.0.1:$(PORT)' > .env; \
	fi

run: seed dev-env
	@echo "基层心得知识库: http://127.0.0.1:$(PORT)/"
	$(DEV_ENV) KB_SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, browser tests included (they need Debian's Chromium, and the
# two-server test a Redis at 127.0.0.1:$(REDIS_PORT); the devtools tests wrk). .ci/with-redis
# starts that Redis when none answers and stops it when the suite ends; one already running is
# left alone. With REDIS_URL (a database of its own, e.g. redis://127.0.0.1:6379/15: each test
# flushes it), the cache is Redis, as in production; without it, local memory.
test: install-dev chromium poppler wrk
	.ci/with-redis $(REDIS_PORT) $(BIN)/pytest $(PYTEST_ARGS)

test-unit: install-dev wrk
	.ci/with-redis $(REDIS_PORT) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install-dev chromium poppler
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Playwright cannot download its own browser here: it drives Debian's Chromium.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Chromium is missing at $(CHROMIUM): installing Debian's package."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; } \
	    || { echo "Could not install Chromium: run 'apt-get install -y chromium' as root." >&2; exit 1; }; \
	fi

# Share images are drawn in Noto Sans CJK SC (Debian's fonts-noto-cjk); without it
# `manage.py check` fails, so it is installed with the rest.
SHARE_FONT_DIR ?= $(or $(KB_SHARE_FONT_DIR),/usr/share/fonts/opentype/noto)
fonts:
	@if [ ! -f "$(SHARE_FONT_DIR)/NotoSansCJK-Bold.ttc" ] || [ ! -f "$(SHARE_FONT_DIR)/NotoSansCJK-Regular.ttc" ]; then \
	  echo "Noto Sans CJK is missing in $(SHARE_FONT_DIR): installing Debian's fonts-noto-cjk."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q fonts-noto-cjk; } \
	    || { echo "Could not install fonts-noto-cjk (the share images' font): run 'apt-get install -y fonts-noto-cjk' as root." >&2; exit 1; }; \
	  [ -f "$(SHARE_FONT_DIR)/NotoSansCJK-Bold.ttc" ] || { echo "fonts-noto-cjk is installed but $(SHARE_FONT_DIR) has no NotoSansCJK-Bold.ttc: set KB_SHARE_FONT_DIR." >&2; exit 1; }; \
	fi

# The print test reads the PDFs Chromium prints with pdftotext and pdftoppm (poppler-utils).
poppler:
	@if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  echo "pdftotext/pdftoppm are missing: installing Debian's poppler-utils."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q poppler-utils; } \
	    || { echo "Could not install poppler-utils: run 'apt-get install -y poppler-utils' as root." >&2; exit 1; }; \
	fi

# Redis on 127.0.0.1:$(REDIS_PORT) (nothing kept on disk), left running: started, installed
# first if need be. `make redis-stop` stops it again.
redis:
	@if ! redis-cli -h 127.0.0.1 -p $(REDIS_PORT) ping 2>/dev/null | grep -q PONG; then \
	  echo "Redis is not answering on 127.0.0.1:$(REDIS_PORT): starting it."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  command -v redis-server >/dev/null || { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q redis-server; } \
	    || { echo "Could not install Redis: run 'apt-get install -y redis-server' as root." >&2; exit 1; }; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port $(REDIS_PORT) --save "" --appendonly no; \
	  sleep 1; redis-cli -h 127.0.0.1 -p $(REDIS_PORT) ping | grep -q PONG || { echo "Redis did not start." >&2; exit 1; }; \
	fi

redis-stop:
	redis-cli -h 127.0.0.1 -p $(REDIS_PORT) shutdown nosave || true

# ruff (lint rules and formatting), mypy with django-stubs (it imports the settings,
# which need DJANGO_DEBUG or a secret key) and import-linter: the domains' layer order
# (pyproject.toml, [tool.importlinter]).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The checks of .pre-commit-config.yaml before every commit (the venv's tools, no download).
hooks: install-dev
	$(BIN)/pre-commit install

check-migrations: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Production-style serving: DEBUG off, gunicorn, whitenoise with hashed, compressed files.
# Needs DJANGO_SECRET_KEY (and DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL as deployed).
# Notification mail is sent by the task queue's worker, not by gunicorn: run
# `make worker` beside it with the same environment (docs/operations.md, "Deployment").
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) $(BIN)/gunicorn kb.wsgi:application --config kb/gunicorn_conf.py

# The task queue's worker (notification mail): RQ on Redis, mail from the outbox
# (admin: 待发邮件), other jobs' dead letters (admin: 失败的任务). Production runs it
# beside the app servers, with the same environment (DJANGO_SECRET_KEY, DATABASE_URL,
# REDIS_URL or KB_QUEUE_URL, EMAIL_*, KB_SITE_URL); --with-scheduler makes the delayed
# retries happen, and MailWorker's scheduler survives Redis restarts and stops with its
# worker. Run it and `make cron` under systemd with Restart=always (the default
# KillMode=control-group also ends the scheduler of a killed worker). `make run` needs
# none: without a queue URL, debug runs each job in-process after commit.
worker: install
	$(BIN)/python manage.py rqworker --with-scheduler --worker-class experiences.notifications.worker.MailWorker mail

# The queue's periodic jobs (the daily 学习专题 reminders: experiences/study/cron.py,
# and the mail outbox's sweep every minute),
# one per deployment beside the workers, with the same environment.
cron: install
	$(BIN)/python manage.py rqcron experiences.study.cron

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache

# Benchmarks and the fault drill (scripts, not timed tests) live in kb/devtools, an app
# installed only with KB_DEVTOOLS=true (or DEBUG). They need PostgreSQL and a scratch
# database: they refuse a name not starting with kb_bench, kb_drill, kb_scratch or test_.
DEVTOOLS_ENV := $(DEV_ENV) KB_DEVTOOLS=true
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/kb_bench
BENCH_REFLECTIONS ?= 100000

# BENCH_HTTP_DB names the scratch database (it must start with kb_bench); BENCH_HTTP_ARGS
# passes options, e.g. BENCH_HTTP_ARGS="--runs 1 --duration 5" or "--reflections 100000".
BENCH_HTTP_DB ?= kb_bench_http
BENCH_HTTP_ARGS ?=
bench-http: install wrk
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_HTTP_DB)'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres $(BENCH_HTTP_DB)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_HTTP_DB) $(DEV_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_HTTP_DB) REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/3} \
	  $(DEVTOOLS_ENV) $(BIN)/python manage.py benchmark_http $(BENCH_HTTP_ARGS)

# wrk drives bench-http: Debian's package, installed when missing.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  echo "wrk is missing: installing Debian's package."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q wrk; } \
	    || { echo "Could not install wrk: run 'apt-get install -y wrk' as root." >&2; exit 1; }; \
	fi

# FAULT_DRILL_ARGS passes options, e.g. "--skip postgres_restart" where others use the
# machine's PostgreSQL cluster, or "--only lock outbox" (manage.py fault_drill --help).
FAULT_DRILL_ARGS ?=
fault-drill: install
	dropdb -h 127.0.0.1 -U postgres --if-exists kb_drill && createdb -h 127.0.0.1 -U postgres kb_drill
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_drill $(DEV_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_drill $(DEV_ENV) $(BIN)/python manage.py import_essay --seed > /dev/null
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_drill $(DEVTOOLS_ENV) $(BIN)/python manage.py fault_drill $(FAULT_DRILL_ARGS)

bench-search: install
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'kb_bench'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres kb_bench
	DATABASE_URL=$(BENCH_DB) $(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DB) $(DEVTOOLS_ENV) $(BIN)/python manage.py benchmark_search --reflections $(BENCH_REFLECTIONS)

# Lighthouse 12.2.3 (npm, pinned in .ci/lighthouse) with Debian's Chromium, mobile, on the
# home, principle, reflection and search pages of a local production-style server
# (gunicorn, DEBUG off) on 127.0.0.1 with a scratch SQLite database: prints the four scores.
lighthouse: install chromium
	cd .ci/lighthouse && npm install --no-audit --no-fund --loglevel=error
	CHROME_PATH=$(CHROMIUM) $(BIN)/python .ci/lighthouse/run.py
