"""What a page cache hit could cost, by parts, for bench/page_cache_ceiling.py.

``VariantPageCacheMiddleware`` is the portal's ``PageCacheMiddleware`` with some of its
parts swapped, as ``BENCH_CEILING_VARIANT`` names them (words joined by "+"):

- ``no-version-read``: the topics' versions known without asking the database, what any
  design that reads them in the same round trip as the page (or is told them) could reach;
- ``process-memory``: entries kept in the process once read, the design issue 19 dropped.

Never part of the portal: measured only by a gunicorn that script starts. (Session 12's
``outermost`` and ``one-client`` variants ship: the page cache is first in the stack, and
django-redis keeps one Redis client per process.)
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
        if "no-version-read" in VARIANT or "process-memory" in VARIANT:
            page_cache.versions_of = known_versions
