"""What a page cache hit could cost, by parts, for bench/page_cache_ceiling.py.

``VariantPageCacheMiddleware`` is the portal's ``PageCacheMiddleware`` with some of its
parts swapped, as ``BENCH_CEILING_VARIANT`` names them:

- ``process-memory``: entries and versions kept in the process once read, the design
  issue 19 dropped (no round trip at all);
- ``before-django`` is not here but in ``bench/ceiling_wsgi.py``: the hit answered in
  front of Django's request handler.

Never part of the portal: measured only by a gunicorn that script starts. (Session 12's
variants ``outermost``, ``one-client`` and ``no-version-read`` ship since session 13: the
page cache is first in the stack, django-redis keeps one Redis client per process, and
PostgreSQL pushes the versions, ``delivery/version_feed.py``.)
"""

import os

from delivery import page_cache

VARIANT = set(filter(None, os.environ.get("BENCH_CEILING_VARIANT", "").split("+")))


class ProcessMemory:
    """Entries kept in the process once read from ``store``."""

    def __init__(self, store):
        self.store = store
        self.entries = {}

    def get(self, key):
        entry = self.entries.get(key)
        if entry is None:
            entry = self.store.get(key)
            if entry is not None:
                self.entries[key] = entry
        return entry

    def set(self, key, value, timeout):
        self.store.set(key, value, timeout)


def known_versions(topics):
    return ["bench"] * len(topics)


class VariantPageCacheMiddleware(page_cache.PageCacheMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        # The module's names are what PageCacheMiddleware calls: one variant per process.
        if "process-memory" in VARIANT:
            page_cache.cache = ProcessMemory(page_cache.cache)
            page_cache.versions_of = known_versions
