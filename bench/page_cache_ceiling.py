"""What Django's page cache could reach against whitenoise, part by part (issue 19's target).

    .venv/bin/python bench/page_cache_ceiling.py [--duration 6] [--rounds 3]

Builds the seed site in a temporary PostgreSQL database (``portal_bench_ceiling``) and
Redis database 5, writes the structure page's bytes as a static file, and for each
variant (``bench/ceiling_site.py``, ``bench/ceiling_wsgi.py``) starts a gunicorn
(deploy/gunicorn.conf.py, 5 workers) and measures, in alternating rounds, the page from
the page cache and the same bytes from whitenoise in that gunicorn (wrk -t2 -c16). Prints
the median ratio of each variant. A hit costs the same at 1 and 5,000 departments (its
work does not read them), so the seed is enough. It is a report, not a test; see bench/README.md.
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import redis
from benchmark import (
    APP_VARIABLES,
    CONNECTIONS,
    GUNICORN,
    THREADS,
    Servers,
    StackError,
    app_task,
    drop_database,
    free_port,
    manage,
    recreate_database,
    run_task,
    run_wrk,
    say,
    wait_until_serving,
)

DATABASE = "portal_bench_ceiling"
PAGE = "/en/government/structure/public-security/"
STATIC_PAGE = "/static/bench-page.html"
VARIANTS = [
    (
        "shipped",
        "the shipped page cache: first in the stack, versions pushed, one Redis GET",
    ),
    ("before-django", "+ the hit answered in front of Django's handler (not adopted)"),
    ("process-memory", "entries and versions in the process: no round trip (dropped design)"),
]


def measure(servers, env, folder, variant, port, args):
    module = "bench.ceiling_wsgi" if variant == "before-django" else "portal.wsgi"
    argv = [GUNICORN, "-c", "deploy/gunicorn.conf.py", module]
    variant_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "5",
        "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings",
        "BENCH_CEILING_VARIANT": variant,
    }
    redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5).flushdb()
    servers.start(variant, argv, variant_env, folder / f"gunicorn-{port}.log")
    wait_until_serving(servers, port, PAGE)
    ratios = []
    for number in range(1, args.rounds + 1):
        cached = run_wrk(f"http://127.0.0.1:{port}{PAGE}", args.duration)["rps"]
        static = run_wrk(f"http://127.0.0.1:{port}{STATIC_PAGE}", args.duration)["rps"]
        ratios.append(cached / static)
        say(f"  {variant} round {number}: {cached:,.0f} vs {static:,.0f} req/s ({ratios[-1]:.2f})")
    servers.stop_all()
    return statistics.median(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=6, help="seconds per measurement (6)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (3)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="portal-ceiling-"))
    servers = Servers()
    env = {name: value for name, value in os.environ.items() if name not in APP_VARIABLES}
    env = {name: value for name, value in env.items() if not name.startswith("GUNICORN_")}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"{args.postgres}/{DATABASE}",
        REDIS_URL=args.redis,
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PAGE_CACHE_SECONDS="600",
        TASKS_IMMEDIATE="true",
        LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning",
    )
    try:
        recreate_database(args.postgres, DATABASE)
        run_task("migrate", manage("migrate", "--noinput", "-v", "0"), env, 600)
        run_task("collectstatic", manage("collectstatic", "--noinput", "-v", "0"), env, 600)
        run_task("load_initial_data", manage("load_initial_data"), env, 300)
        # The page's bytes as gunicorn answers them (the page names its own address, so the
        # Host header matters: each variant's server answers in turn on the same port).
        port = free_port()
        output = folder / "static" / "bench-page.html"
        render = app_task("render", PAGE, "--host", f"127.0.0.1:{port}", "--output", str(output))
        run_task("render the page", render, env, 120)
        medians = [
            (variant, what, measure(servers, env, folder, variant, port, args))
            for variant, what in VARIANTS
        ]
    except StackError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    finally:
        servers.stop_all()
        drop_database(args.postgres, DATABASE)
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\nPage cache ÷ whitenoise, the same bytes, wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{args.duration}s, median of {args.rounds} alternating rounds:"
    )
    for variant, what, median in medians:
        print(f"  {median:5.2f}  {variant:40} {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
