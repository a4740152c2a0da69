#!/bin/sh
# The task worker, beside gunicorn on an application server, with the same environment
# (DJANGO_ENV=production, DATABASE_URL, STATIC_PUBLISHING_ROOT, SITE_URL, ...): it
# re-renders the published pages after each publication (delivery/tasks.py). Run it
# under the process manager that runs gunicorn, restarted with each release.
#
# --interval 0.2: a queued task is taken within 0.2 s, so the published files follow a
# publication within a second. --no-reload: never restart in the middle of a task.
cd "$(dirname "$0")/.." || exit 1
exec .venv/bin/python manage.py db_worker --interval 0.2 --no-reload "$@"
