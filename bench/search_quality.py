"""Search quality: do citizens' everyday words find the right responsibility?

    .venv/bin/python bench/search_quality.py [--departments 5000] [--database search_quality]
        [--reuse] [--rounds 3] [--server postgres://postgres@127.0.0.1:5432]

Builds a fresh PostgreSQL database (migrate, the seed, ``generate_departments.py``
with ``--departments`` more published departments), then runs every query of
``bench/search_quality.tsv`` in this process through
``departments.search_fallbacks.find`` (what the search page shows), and prints
recall@3 (the expected responsibility of the seed department among the first
three hits), the median and 95th-percentile time of a search, and the
queries that missed. ``--reuse`` keeps an existing database of that name (it is
left in place after every run, for ``--reuse``). A report, not a test: a missed
target prints FAIL and the exit status stays 0. See bench/README.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
QUERIES = BENCH_DIR / "search_quality.tsv"
SEED_SLUG = "public-security"
TOP = 3
RECALL_TARGET = 0.90
P95_TARGET_MS = 50


def read_queries(path=QUERIES):
    """[(query, expected anchor)] of the data file (tab-separated; # starts a comment)."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, anchor, *_note = line.split("\t")
        queries.append((query, anchor))
    return queries


def database_exists(server, name):
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def build_database(server, name, departments):
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": f"{server}/{name}"}
    python = sys.executable
    steps = [
        ("migrate", [python, "manage.py", "migrate", "--noinput", "-v", "0"]),
        ("the seed", [python, "manage.py", "load_initial_data"]),
    ]
    if departments:
        generator = [python, str(BENCH_DIR / "generate_departments.py"), "--count"]
        steps.append((f"{departments} departments", [*generator, str(departments)]))
    for what, command in steps:
        started = time.perf_counter()
        subprocess.run(command, cwd=BASE_DIR, env=env, check=True, capture_output=True)
        print(f"  {what}: {time.perf_counter() - started:.1f} s")


def found_in_top(hits, anchor):
    return any(hit.slug == SEED_SLUG and hit.anchor == anchor for hit in hits[:TOP])


def measure(queries, rounds):
    """(misses, times in ms): one untimed round to warm up, then ``rounds`` timed ones."""
    from departments.search import SearchQueryText
    from departments.search_fallbacks import find

    misses, times = [], []
    for query, anchor in queries:
        hits = find(SearchQueryText.parse(query)).hits
        if not found_in_top(hits, anchor):
            best = [f"{hit.slug}#{hit.anchor}" for hit in hits[:TOP]]
            misses.append((query, anchor, best))
    for _round in range(rounds):
        for query, _anchor in queries:
            started = time.perf_counter()
            find(SearchQueryText.parse(query))
            times.append((time.perf_counter() - started) * 1000)
    return misses, times


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=5000)
    parser.add_argument("--database", default="search_quality")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of every query")
    args = parser.parse_args(argv)

    if args.database in {"test", "postgres"} or args.database.startswith("portal_bench"):
        parser.error("choose a database of this benchmark's own")
    if args.reuse and database_exists(args.server, args.database):
        print(f"Reusing database {args.database}")
    else:
        print(f"Building database {args.database}")
        build_database(args.server, args.database, args.departments)

    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from departments.models import Department

    queries = read_queries()
    published = Department.objects.published().count()
    misses, times = measure(queries, args.rounds)
    recall = 1 - len(misses) / len(queries)
    median, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"{len(queries)} queries, {published} published departments, {args.rounds} rounds")
    print(f"recall@{TOP}: {recall:.1%}  ({'ok' if recall >= RECALL_TARGET else 'FAIL'})")
    print(f"median: {median:.1f} ms   p95: {p95:.1f} ms  ", end="")
    print(f"({'ok' if p95 < P95_TARGET_MS else 'FAIL'}, target < {P95_TARGET_MS} ms)")
    for query, anchor, best in misses:
        print(f"  missed: {query!r} (expected #{anchor}; top {TOP}: {', '.join(best) or 'none'})")


if __name__ == "__main__":
    main()
