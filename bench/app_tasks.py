"""Small jobs that bench/benchmark.py runs inside the portal's Django, in the app's environment.

    .venv/bin/python bench/app_tasks.py profile [--repeat 11] [--json]
    .venv/bin/python bench/app_tasks.py render PATH --host HOST --output FILE
    .venv/bin/python bench/app_tasks.py publish-marker SLUG MARKER
    .venv/bin/python bench/app_tasks.py time-publish SLUG [--repeat 7]
    .venv/bin/python bench/app_tasks.py collectstatic

Each runs with whatever settings the environment gives (DATABASE_URL, DJANGO_ENV, ...), so
benchmark.py sees the pages exactly as its gunicorn instances serve them. They can also be
run by hand against any database.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage

BASE_DIR = Path(__file__).resolve().parent.parent

# The pages whose cost should not grow with the number of departments, and the seed
# department's structure page (present with or without the generated departments).
PROFILED_PAGES = {
    "structure page": "/en/government/structure/public-security/",
    "directory": "/en/government/structure/",
    "search": "/en/search/?q=police",
    # ?q=公安: Chinese is searched by other indexes than English.
    "search, Chinese": "/zh-hans/search/?q=%E5%85%AC%E5%AE%89",
    "API list": "/api/v1/departments/?lang=en",
    "API detail": "/api/v1/departments/public-security/?lang=en",
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def client(host="127.0.0.1"):
    from django.test import Client

    # A host from ALLOWED_HOSTS (the test client's own, "testserver", is refused).
    return Client(HTTP_HOST=host)


def profile(args):
    """SQL queries and median time of each profiled page, rendered in-process."""
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from departments.models import Department

    if settings.PAGE_CACHE_SECONDS:
        raise SystemExit("Profile with PAGE_CACHE_SECONDS=0: cached pages run no queries.")
    browser = client()
    results = {}
    for name, path in PROFILED_PAGES.items():
        # The first request compiles templates and fills per-process caches.
        response = browser.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        # Each request clears the connection's query log as it starts (reset_queries on
        # request_started); clear it before too, so that the context's slice is this
        # request's queries.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            browser.get(path)
        # Counted now: captured_queries reads the log, which the next request clears.
        query_count = len(queries.captured_queries)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            browser.get(path)
            timings.append(time.perf_counter() - started)
        results[name] = {
            "path": path,
            "queries": query_count,
            "median_ms": statistics.median(timings) * 1000,
            "bytes": len(response.content),
        }
    published = Department.objects.published().count()
    if args.json:
        print(json.dumps({"published_departments": published, "pages": results}))
        return
    print(f"{published} published department(s), median of {args.repeat} renders:")
    for name, result in results.items():
        print(
            f"  {name:15} {result['queries']:3} queries  {result['median_ms']:8.1f} ms  "
            f"{result['bytes']:>9} bytes  {result['path']}"
        )


def render(args):
    """Writes the page as Django answers it to a request for ``--host`` (the same bytes)."""
    response = client(args.host).get(args.path)
    if response.status_code != 200:
        raise SystemExit(f"{args.path} answered {response.status_code}")
    Path(args.output).write_bytes(response.content)
    print(len(response.content))


def publish_marker(args):
    """Renames a department's draft (English name) and publishes it, as a publisher would.

    Prints when publish() was called and when it returned (Unix time), which
    benchmark.py compares with the moment the name shows on the public pages.
    """
    from departments.models import Department
    from departments.services import publish

    draft = Department.objects.drafts().get(slug=args.slug)
    draft.name_en = args.marker
    draft.save()
    called = time.time()
    publish(draft)
    returned = time.time()
    print(json.dumps({"called": called, "returned": returned}), flush=True)


def time_publish(args):
    """Renames a department's draft and publishes it, --repeat times; prints publish()'s times.

    What a publisher waits for in the admin, less the admin's own page: the
    publication and, with STATIC_PUBLISHING_ROOT, queueing the re-rendering of the
    static pages it changes once the transaction commits (a worker renders them; with
    TASKS_IMMEDIATE=true they are rendered before publish() returns).
    benchmark.py reads the "publish() N: M ms" lines, of this file and of an older
    checkout's (--compare-with): keep their form.
    """
    from departments.models import Department
    from departments.services import publish

    timings = []
    for round_number in range(args.repeat):
        draft = Department.objects.drafts().get(slug=args.slug)
        draft.name_en = f"{args.slug} renamed {round_number} at {time.time():.0f}"
        draft.save()
        started = time.perf_counter()
        publish(draft)
        timings.append(time.perf_counter() - started)
        print(f"  publish() {round_number + 1}: {timings[-1] * 1000:.0f} ms", flush=True)
    print(f"median of {args.repeat}: {statistics.median(timings) * 1000:.0f} ms")


def collectstatic(args):
    """collectstatic, tolerating url()s that name missing files (see below).

    Production's storage (whitenoise's CompressedManifestStaticFilesStorage) rewrites
    every url() of every CSS file to the fingerprinted name, and stops at one it cannot
    find. django-static-jquery-ui's jquery-ui.theme.css has such url()s inside a comment
    (the ThemeRoller link), so `collectstatic` fails in production mode. benchmark.py
    tries the real command first and only falls back to this, saying so.
    """
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "app_tasks.TolerantManifestStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)


class TolerantManifestStorage(CompressedManifestStaticFilesStorage):
    """Production's static files storage, leaving a url() that names a missing file alone."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(match):
            try:
                return convert(match)
            except ValueError:
                return match.group(0)

        return converter


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("profile", help=profile.__doc__)
    command.add_argument("--repeat", type=int, default=11, help="timed renders per page (11)")
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=profile)
    command = commands.add_parser("render", help=render.__doc__)
    command.add_argument("path")
    command.add_argument("--host", required=True)
    command.add_argument("--output", required=True)
    command.set_defaults(run=render)
    command = commands.add_parser("publish-marker", help=publish_marker.__doc__.split("\n")[0])
    command.add_argument("slug")
    command.add_argument("marker")
    command.set_defaults(run=publish_marker)
    command = commands.add_parser("time-publish", help=time_publish.__doc__.split("\n")[0])
    command.add_argument("slug")
    command.add_argument("--repeat", type=int, default=7, help="publications (7)")
    command.set_defaults(run=time_publish)
    command = commands.add_parser("collectstatic", help=collectstatic.__doc__.split("\n")[0])
    command.set_defaults(run=collectstatic)
    args = parser.parse_args(argv)
    if not 1 <= getattr(args, "repeat", 1) <= 1000:
        parser.error("--repeat must be between 1 and 1000")
    setup_django()
    args.run(args)


if __name__ == "__main__":
    main()
