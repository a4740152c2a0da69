# Two commands for a fresh machine: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install checkers browser migrate seed superuser lint messages

# Browser tests drive Debian's Chromium (a test tool's own browser download does
# not work here); CJK fonts make the Chinese pages render in screenshots and PDFs;
# nginx checks deploy/nginx.conf (`nginx -t`); Java runs the Nu Html Checker.
SYSTEM_PACKAGES := chromium fonts-noto-cjk nginx default-jre-headless

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

# The Nu Html Checker (vnu-jar), pinned by package-lock.json, run with the machine's Java:
# --ignore-scripts skips the package's own download of a Java runtime.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then echo "The HTML check needs Node.js and npm (apt-get install -y npm)"; exit 0; fi; \
	npm ci --ignore-scripts --no-audit --no-fund --loglevel error && touch $@

checkers: node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_initial_data

run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/sbin/nginx ] && command -v java >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt_get="apt-get"; \
	elif sudo -n true 2>/dev/null; then apt_get="sudo apt-get"; \
	else echo "Browser and deployment tests need: apt-get install -y $(SYSTEM_PACKAGES)"; exit 0; fi; \
	$$apt_get update -qq && DEBIAN_FRONTEND=noninteractive $$apt_get install -y -qq $(SYSTEM_PACKAGES)

test: install checkers browser
	$(BIN)/python -m pytest

superuser: migrate
	$(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv
