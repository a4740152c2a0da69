"""Settings of the benchmark's "page cost, step by step" server: the portal's own, with
``bench.floor_site`` as URLconf. Only bench/benchmark.py starts a gunicorn with them."""

from portal.settings import *  # noqa: F403 - the portal's settings, one changed

ROOT_URLCONF = "bench.floor_site"
