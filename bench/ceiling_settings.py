"""Settings of bench/page_cache_ceiling.py's servers: the portal's own, with the page cache
middleware replaced, in its place, by ``bench.ceiling_site.VariantPageCacheMiddleware``.
Only that script starts a gunicorn with them (``BENCH_CEILING_VARIANT`` names the variant).

(Session 12's ``outermost`` variant, the page cache first in the stack, is what ships.)"""

from portal.settings import *  # noqa: F403 - the portal's settings, the page cache replaced
from portal.settings import MIDDLEWARE

SHIPPED = "delivery.page_cache.PageCacheMiddleware"
VARIANT = "bench.ceiling_site.VariantPageCacheMiddleware"

MIDDLEWARE = [VARIANT if name == SHIPPED else name for name in MIDDLEWARE]
