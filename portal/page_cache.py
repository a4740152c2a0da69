"""Whole public pages in the shared cache (Redis in production), invalidated exactly.

A view opts in with :func:`cached_page`, naming what its page shows:

- every page depends on the ``site`` topic (site settings, governments);
- pages that list departments (home, directory, search, feed, sitemap, API list)
  depend on the ``departments`` topic;
- a department's structure page and API entry depend on ``department:<slug>``.

Each topic has a *version*, a random token kept in the cache without expiry.
A page is stored with the versions of its topics as they were read *before*
it was rendered, and fetched together with their current versions in one
round trip; it is served only if they still match. :func:`invalidate` gives
the topics new tokens, so exactly the affected pages miss, on every
application server at once, without knowing which pages were cached. Tokens
are random rather than counters so that a version the cache evicted cannot
come back as a value an old page was stored with.

A publication scheduled for later goes live without any event, so no page is
kept beyond the next scheduled ``live_from``.

Each process also keeps the pages it served lately in its own memory
(:class:`LocalPages`), with the versions it last read from the shared cache.
It trusts those versions for ``PAGE_CACHE_VERSION_CHECK_SECONDS`` (half a
second) before asking the shared cache again, so a popular page costs no
round trip to Redis at all, and a publication on another server reaches this
one within that time. The process that publishes forgets its copies at once.

The site settings, read by every page, are kept the same way (:func:`held`): a
process reads their row again only when the ``site`` topic's version changed.
Both need a cache that every process sees (``CACHE_IS_SHARED``).

Pages are only cached for anonymous visitors (no session cookie), for GET and
HEAD, per scheme, host, full path with query string and display mode; only a
200 answer that sets no cookie and is not private is stored. If the cache is
unreachable, pages are served uncached and the error is logged (at most once
a minute per process); the cache is then left alone for ``RETRY_SECONDS``.
"""

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import set_response_etag

from . import display

logger = logging.getLogger(__name__)

SITE = "site"
DEPARTMENTS = "departments"
VERSION_PREFIX = "page-version:"
RETRY_SECONDS = 5
LOG_INTERVAL_SECONDS = 60


def department_topic(slug):
    return f"department:{slug}"


def cached_page(view, *, department_kwarg=None, lists_departments=True):
    """Marks a public view for the whole-page cache.

    With ``department_kwarg``, the page shows the department whose slug is that
    URL keyword argument (and nothing else that publishing another department
    changes). Otherwise it depends on every published department, unless
    ``lists_departments`` is False (a page that names none).
    """
    view.page_cache_department_kwarg = department_kwarg
    view.page_cache_lists_departments = lists_departments
    view.page_cached = True
    return view


def topics_of(match):
    department_kwarg = match.func.page_cache_department_kwarg
    if department_kwarg:
        return [SITE, department_topic(match.kwargs[department_kwarg])]
    if match.func.page_cache_lists_departments:
        return [SITE, DEPARTMENTS]
    return [SITE]


class CacheOutage:
    """Remembers, per process, that the cache failed, so that pages skip it for a while."""

    def __init__(self):
        self.until = 0.0
        self.logged_at = 0.0

    def active(self):
        return time.monotonic() < self.until

    def record(self, error):
        now = time.monotonic()
        self.until = now + RETRY_SECONDS
        if now - self.logged_at >= LOG_INTERVAL_SECONDS or not self.logged_at:
            self.logged_at = now
            logger.error(
                "The page cache is unreachable; serving pages uncached for now (%s: %s)",
                type(error).__name__,
                error,
            )


outage = CacheOutage()


def _new_token():
    return secrets.token_hex(6)


def current_versions(topics, found):
    """The version token of each topic among ``found`` (a get_many), creating missing ones."""
    result = []
    for topic in topics:
        key = VERSION_PREFIX + topic
        token = found.get(key)
        if token is None:
            token = _new_token()
            # Another server may have created it meanwhile: theirs wins.
            if not cache.add(key, token, timeout=None):
                token = cache.get(key) or token
        result.append(token)
    return result


def invalidate(*topics):
    """Give the topics new versions now, and again once the current transaction commits.

    A page rendered between the two bumps may have read the content from before
    the commit; the second bump leaves it behind. The first makes the change
    visible at once to code running inside the same transaction.
    """

    def bump():
        local_pages.forget_versions(topics)
        try:
            cache.set_many({VERSION_PREFIX + topic: _new_token() for topic in topics}, timeout=None)
        except Exception as error:  # noqa: BLE001 - any cache failure must not fail a publish
            outage.record(error)

    bump()
    transaction.on_commit(bump)


def seconds_until_next_publication():
    """Seconds until the next scheduled publication goes live, or None.

    Asked of the database on every store (that is, on a miss only): a copy in
    the cache could miss a publication scheduled while it was being computed.
    """
    from departments.models import Department

    now = timezone.now()
    moment = Department.objects.next_scheduled_live_from(now)
    return None if moment is None else (moment - now).total_seconds()


def page_key(request):
    identity = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            display.display_mode(request),
        ]
    )
    return "page:" + hashlib.sha256(identity.encode()).hexdigest()


@functools.lru_cache(maxsize=4096)
def topics_for_path(path):
    """The topics of the cacheable page at ``path``, or None (the URLconf never changes)."""
    language = translation.get_language_from_path(path)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            match = resolve(path)
    except Resolver404:
        return None
    if not getattr(match.func, "page_cached", False):
        return None
    return tuple(topics_of(match))


def storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class LocalPages:
    """This process's own copies of pages (most recent first), of the topics' versions, and
    of the values kept while a topic's version stays the same."""

    def __init__(self, max_pages=500):
        self.max_pages = max_pages
        self.pages = OrderedDict()
        self.versions = {}
        self.values = {}
        self.lock = threading.Lock()

    def trusted_versions(self, topics):
        """The versions last read for the topics, if all were read recently enough."""
        oldest = time.monotonic() - settings.PAGE_CACHE_VERSION_CHECK_SECONDS
        versions = []
        for topic in topics:
            token, read_at = self.versions.get(topic, (None, 0.0))
            if token is None or read_at < oldest:
                return None
            versions.append(token)
        return versions

    def remember_versions(self, topics, versions):
        now = time.monotonic()
        self.versions.update(
            (topic, (token, now)) for topic, token in zip(topics, versions, strict=True)
        )

    def forget_versions(self, topics):
        for topic in topics:
            self.versions.pop(topic, None)

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > self.max_pages:
                self.pages.popitem(last=False)

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.versions.clear()
            self.values.clear()


local_pages = LocalPages()


def versions_of(topics):
    """The topics' current versions: this process's copy if recent, else the shared cache's.
    None if the cache is unreachable."""
    versions = local_pages.trusted_versions(topics)
    if versions is not None:
        return versions
    if outage.active():
        return None
    try:
        keys = [VERSION_PREFIX + topic for topic in topics]
        versions = current_versions(topics, cache.get_many(keys))
    except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
        outage.record(error)
        return None
    local_pages.remember_versions(topics, versions)
    return versions


def held(topic, load):
    """``load()``'s result, computed again only after ``topic`` was invalidated.

    For small values that every page reads from the database (the site settings).
    The value is read after the version, so a change committed in between is
    read again at the next version check. Nothing is kept inside a transaction,
    which could still roll back what it read, nor when the cache is not shared
    or unreachable: then each call loads.
    """
    if not settings.CACHE_IS_SHARED or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return load()
    versions = versions_of([topic])
    if versions is None:
        return load()
    kept = local_pages.values.get(topic)
    if kept is not None and kept[0] == versions:
        return kept[1]
    value = load()
    local_pages.values[topic] = (versions, value)
    return value


def is_current(entry, versions):
    return entry is not None and entry[0] == versions and entry[1] > time.time()


class PageCacheMiddleware:
    """Answers cacheable public pages from the shared cache, and stores them.

    Placed right after whitenoise, so that a cached page costs about as much as
    a static file; the middleware outside it (security headers, CSP,
    conditional GET) still applies to every answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        topics = self.cacheable_topics(request)
        if topics is None:
            return self.get_response(request)
        key = page_key(request)
        versions = local_pages.trusted_versions(topics)
        entry = local_pages.get(key)
        if versions is not None and is_current(entry, versions):
            return self.rebuild(entry)
        if outage.active():
            return self.get_response(request)
        try:
            found = cache.get_many([key, *(VERSION_PREFIX + topic for topic in topics)])
            versions = current_versions(topics, found)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            outage.record(error)
            return self.get_response(request)
        local_pages.remember_versions(topics, versions)
        entry = found.get(key)
        if is_current(entry, versions):
            local_pages.put(key, entry)
            return self.rebuild(entry)
        response = self.get_response(request)
        if request.method == "GET" and storable(response):
            self.store(key, versions, response)
        return response

    def cacheable_topics(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        return topics_for_path(request.path_info)

    def store(self, key, versions, response):
        try:
            timeout = settings.PAGE_CACHE_SECONDS
            until_next = seconds_until_next_publication()
            if until_next is not None:
                timeout = min(timeout, int(until_next))
            if timeout <= 0:
                return
            # The ETag that ConditionalGetMiddleware would compute, once instead of per hit.
            set_response_etag(response)
            headers = [(name, value) for name, value in response.items()]
            expires = time.time() + timeout
            entry = (versions, expires, response.status_code, headers, response.content)
            local_pages.put(key, entry)
            cache.set(key, entry, timeout)
        except Exception as error:  # noqa: BLE001
            outage.record(error)

    @staticmethod
    def rebuild(entry):
        _versions, _expires, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
