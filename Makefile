# Two commands for a fresh machine: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed superuser lint messages

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_initial_data

run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

superuser: migrate
	$(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore .venv --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv
