"""Whole public pages in the shared cache (Redis in production), invalidated exactly.

A view opts in with :func:`cached_page`, naming what its page shows:

- every page depends on the ``site`` topic (site settings, governments);
- pages that list departments (home, directory, search, feed, sitemap, API list)
  depend on the ``departments`` topic;
- a department's structure page and API entry depend on ``department:<slug>``.

Each topic has a *version*, a random token kept in the cache without expiry.
A page's key contains the versions of its topics, so :func:`invalidate`,
which gives the topics new tokens, makes exactly the affected pages miss, on
every application server at once, without knowing which pages were cached.
Tokens are random rather than counters so that a version the cache evicted
cannot come back as a number an old page was stored under.

A publication scheduled for later goes live without any event, so no page is
kept beyond the next scheduled ``live_from``.

Pages are only cached for anonymous visitors (no session cookie), for GET and
HEAD, per scheme, host, full path with query string and display mode; only a
200 answer that sets no cookie and is not private is stored. If the cache is
unreachable, pages are served uncached and the error is logged (at most once
a minute per process); the cache is then left alone for ``RETRY_SECONDS``.
"""

import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
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


def versions(topics):
    """The current version token of each topic, creating missing ones."""
    keys = [VERSION_PREFIX + topic for topic in topics]
    found = cache.get_many(keys)
    result = []
    for key in keys:
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


def page_key(request, topic_versions):
    identity = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            display.display_mode(request),
            *topic_versions,
        ]
    )
    return "page:" + hashlib.sha256(identity.encode()).hexdigest()


def storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


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
        if topics is None or outage.active():
            return self.get_response(request)
        try:
            key = page_key(request, versions(topics))
            entry = cache.get(key)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            outage.record(error)
            return self.get_response(request)
        if entry is not None:
            return self.rebuild(entry)
        response = self.get_response(request)
        if request.method == "GET" and storable(response):
            self.store(key, response)
        return response

    def cacheable_topics(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        language = translation.get_language_from_path(request.path_info)
        try:
            with translation.override(language or settings.LANGUAGE_CODE):
                match = resolve(request.path_info)
        except Resolver404:
            return None
        if not getattr(match.func, "page_cached", False):
            return None
        return topics_of(match)

    def store(self, key, response):
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
            cache.set(key, (response.status_code, headers, response.content), timeout)
        except Exception as error:  # noqa: BLE001
            outage.record(error)

    @staticmethod
    def rebuild(entry):
        status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
