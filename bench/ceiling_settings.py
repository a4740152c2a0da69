"""Settings of bench/page_cache_ceiling.py's servers: the portal's own, with the page cache
middleware replaced by ``bench.ceiling_site.VariantPageCacheMiddleware`` and, for the
variants named "outermost", moved to the front of the stack. Only that script starts a
gunicorn with them (``BENCH_CEILING_VARIANT`` names the variant)."""

import os

from portal.settings import *  # noqa: F403 - the portal's settings, the page cache's place changed
from portal.settings import MIDDLEWARE

SHIPPED = "delivery.page_cache.PageCacheMiddleware"
VARIANT = "bench.ceiling_site.VariantPageCacheMiddleware"

if "outermost" in os.environ.get("BENCH_CEILING_VARIANT", ""):
    # First after the health check: a hit replays the answer as the whole stack left it.
    MIDDLEWARE = [name for name in MIDDLEWARE if name != SHIPPED]
    MIDDLEWARE.insert(1, VARIANT)
else:
    MIDDLEWARE = [VARIANT if name == SHIPPED else name for name in MIDDLEWARE]
