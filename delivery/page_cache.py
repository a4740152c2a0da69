"""Whole public pages in the shared cache (Redis in production), invalidated exactly.

A view opts in with ``core.pages.cached_page``, naming what its page shows and the
query parameters it reads. What a page shows is a set of *topics*:

- every page shows the ``site`` topic (site settings, governments);
- a page that lists a source (the directory, search, feed, sitemap, API list list
  departments) shows that source's topic (``department``);
- a page of one key (a department's structure page and API entry) shows that key's
  topic (``department:<slug>``).

Each topic has a *version*, a random token kept in the database
(``delivery.models.PageVersion``) and replaced in the same transaction as the
publication, withdrawal or edit that changes its pages: the domain announces the
change (``core.pages.public_pages_changed``) inside that transaction, and
:func:`pages_changed` writes the new tokens there. A page is cached under a key made
of its address, display mode and the versions of its topics, read from the database
*before* it is rendered. So a page rendered before a change is stored, at worst,
under versions the database has already left behind: a newer publication can never
be hidden by an older entry, on any server, whatever the cache did (lost writes, a
restart from an old snapshot). Tokens are random rather than counters so that a
database restored from a backup cannot bring back a version that later pages were
stored with. A hit costs one cache GET, and the versions: pushed to each process by
PostgreSQL in production (``delivery.version_feed``), else one small query.

A publication scheduled for later goes live without any event, so no page is kept
beyond the next scheduled moment (``core.pages`` sources' ``next_scheduled``).

Pages are only cached for anonymous visitors (no session cookie), for GET and HEAD,
per scheme, host, path, the query parameters the view reads, and the variants the
apps registered (the display mode); only a 200 answer that sets no cookie and is
not private is stored. The view is given only the query parameters it declared, in
a normal order: its page cannot depend on any other, and a query string of random
parameters (``?utm_source=…``) is the same page and the same cache entry. If the
cache is unreachable, pages are served uncached and the error is logged (at most
once a minute per process); the cache is then left alone for ``RETRY_SECONDS``.

While the database does not answer, nothing can be published, so the versions each
process read last, shortly (``RETRY_SECONDS``) before it stopped answering, still
name the current pages: cached pages are still served. Those versions are used for
nothing else; the database is asked again every ``DATABASE_RETRY_SECONDS``.
"""

import functools
import hashlib
import logging
import secrets
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connections, router
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from core import pages

from . import version_feed
from .models import PageVersion
from .version_feed import NO_VERSION

logger = logging.getLogger(__name__)

SITE = "site"
RETRY_SECONDS = 5
DATABASE_RETRY_SECONDS = 0.5
LOG_INTERVAL_SECONDS = 60
# Changed whenever what an entry holds changes: an entry of another layout is never read.
KEY_PREFIX = "delivery-page-2:"


def key_topic(source, key):
    return f"{source}:{key}"


def topics_of(match):
    """The topics of the page of a resolved ``cached_page`` view."""
    view = match.func
    if view.page_cache_page_of:
        return [SITE, key_topic(view.page_cache_page_of, match.kwargs[view.page_cache_key_kwarg])]
    return [SITE, *pages.listed_sources(view)]


def pages_changed(sender, source, keys, **kwargs):
    """Receiver of ``core.pages.public_pages_changed``: new versions, in its transaction."""
    if source is None:
        invalidate(SITE)
    else:
        invalidate(source, *(key_topic(source, key) for key in keys))


class Outage:
    """Remembers, per process, that the cache (or the database) failed, so that pages skip
    it for a while."""

    def __init__(self, message, retry_seconds=RETRY_SECONDS):
        self.message = message
        self.retry_seconds = retry_seconds
        self.until = 0.0
        self.logged_at = 0.0
        # When it began to fail (time.monotonic()); None while it answers.
        self.since = None

    def active(self):
        return time.monotonic() < self.until

    def record(self, error):
        now = time.monotonic()
        self.until = now + self.retry_seconds
        if self.since is None:
            self.since = now
        if now - self.logged_at >= LOG_INTERVAL_SECONDS or not self.logged_at:
            self.logged_at = now
            logger.error("%s (%s: %s)", self.message, type(error).__name__, error)

    def end(self):
        self.since = None

    def reset(self):
        self.until = self.logged_at = 0.0
        self.since = None


outage = Outage("The page cache is unreachable; serving pages uncached for now")
database_outage = Outage(
    "The database does not answer; serving the cached pages of the page versions last read",
    retry_seconds=DATABASE_RETRY_SECONDS,
)


def invalidate(*topics):
    """Give the topics new versions, in the current transaction.

    Committed with the change that calls it, or rolled back with it: no page
    cached before the change can be served after it, whatever the cache did.
    """
    token = secrets.token_hex(6)
    # Rows in one order for every caller, so that two transactions changing versions
    # wait for each other instead of deadlocking.
    PageVersion.objects.bulk_create(
        [PageVersion(topic=topic, token=token) for topic in sorted(set(topics))],
        update_conflicts=True,
        unique_fields=["topic"],
        update_fields=["token"],
    )
    version_feed.announce(token, sorted(set(topics)))


def seconds_until_next_publication():
    """Seconds until the next scheduled publication of any source goes live, or None.

    Asked of the database on every store (that is, on a miss only): a copy in
    the cache could miss a publication scheduled while it was being computed.
    """
    now = timezone.now()
    moments = [
        moment for source in pages.sources() if (moment := source.next_scheduled(now)) is not None
    ]
    return (min(moments) - now).total_seconds() if moments else None


def page_key(request, versions):
    """The page's cache key: its address (whose query string is already only the parameters
    it reads), its variant, and the versions of its topics."""
    identity = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            pages.variant_of(request),
            *versions,
        ]
    )
    return KEY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()


class CachedPage(NamedTuple):
    """What the page cache knows of a cached view: its topics and the query parameters it
    reads."""

    topics: tuple
    query_parameters: tuple


@functools.lru_cache(maxsize=4096)
def cached_page_at(path):
    """The ``CachedPage`` of the cacheable page at ``path``, or None (the URLconf never
    changes)."""
    language = translation.get_language_from_path(path)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            match = resolve(path)
    except Resolver404:
        return None
    if not getattr(match.func, "page_cached", False):
        return None
    return CachedPage(tuple(topics_of(match)), match.func.page_cache_query_parameters)


def keep_only_read_parameters(request, names):
    """Leave the request only the query parameters named, in a normal order.

    The view cannot then show anything of the others (a link that repeats the
    query string, say), so its page is the same with any of them: one cache
    entry, and the published file nginx serves.
    """
    if not request.META.get("QUERY_STRING"):
        return
    kept = QueryDict(mutable=True)
    for name in names:
        values = request.GET.getlist(name)
        if values:
            kept.setlist(name, values)
    query_string = kept.urlencode()
    request.META["QUERY_STRING"] = query_string
    request.GET = QueryDict(query_string)


def storable(request, response):
    """Whether the answer is the same for every request of its key, so may be replayed."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not rendered_with_a_nonce(request, response)
    )


def rendered_with_a_nonce(request, response):
    """Whether a template read django-csp's nonce: it is then in the page and in its policy,
    valid for this one answer. (``request.csp_nonce`` is true once it has been made.)"""
    policies = (
        response.get("Content-Security-Policy", ""),
        response.get("Content-Security-Policy-Report-Only", ""),
    )
    return bool(getattr(request, "csp_nonce", None)) or any("'nonce-" in p for p in policies)


def reaches_the_page(request):
    """Whether the stack would let the page answer: not over http while SECURE_SSL_REDIRECT
    is on (SecurityMiddleware redirects it), nor for a host not in ALLOWED_HOSTS
    (CommonMiddleware answers 400). Such a request is left to them, as it comes."""
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


# What ConditionalGetMiddleware answers to; a page is rendered without them (see below).
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def answer_conditionally(request, response):
    """304 (or 412) as ConditionalGetMiddleware would answer, for a page the cache answers
    or stores: that middleware runs inside the page cache, so never on a hit."""
    if request.method != "GET" or not any(name in request.META for name in CONDITIONAL_HEADERS):
        return response
    etag = response.get("ETag")
    last_modified = response.get("Last-Modified")
    last_modified = last_modified and parse_http_date_safe(last_modified)
    if etag or last_modified:
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
    return response


class LastReadVersions:
    """The versions this process last read from the database, and when: for while it does
    not answer, and for nothing else."""

    def __init__(self):
        self.read = {}

    def remember(self, versions, at=None):
        """Note the versions as current at ``at`` (a ``time.monotonic()``; now by default)."""
        at = time.monotonic() if at is None else at
        self.read.update((topic, (token, at)) for topic, token in versions.items())

    def before(self, topics, moment):
        """The topics' versions if each was read at most ``RETRY_SECONDS`` before
        ``moment``, else None: one read longer before may have been replaced meanwhile
        by another server."""
        versions = []
        for topic in topics:
            token, read_at = self.read.get(topic, (None, float("-inf")))
            if read_at < moment - RETRY_SECONDS:
                return None
            versions.append(token)
        return versions

    def clear(self):
        self.read = {}


last_read = LastReadVersions()


def read_versions(topics):
    """The topics' current versions, read from the database (one query).

    Every cached page asks this before its one cache GET, so it is plain SQL on a cursor:
    building the same query with the ORM cost several times what running it costs
    (``bench/README.md``).
    """
    using = router.db_for_read(PageVersion)
    connection = connections[using]
    placeholders = ", ".join(["%s"] * len(topics))
    with connection.cursor() as cursor:
        cursor.execute(versions_sql(using).format(placeholders=placeholders), list(topics))
        found = dict(cursor.fetchall())
    versions = {topic: found.get(topic, NO_VERSION) for topic in topics}
    last_read.remember(versions)
    return [versions[topic] for topic in topics]


@functools.cache
def versions_sql(using):
    """``SELECT topic, token`` of the topics, a ``{placeholders}`` slot for their names."""
    topic = version_feed.topic_column(using)
    return f"{version_feed.all_versions_sql(using)} WHERE {topic} IN ({{placeholders}})"


def versions_of(topics):
    """The topics' current versions; None if nothing can say.

    Pushed to this process by PostgreSQL where it listens (``delivery.version_feed``),
    else read from the database. While the database does not answer, the versions known
    last, if known shortly before it stopped answering (see ``LastReadVersions``).
    """
    pushed = version_feed.feed.current(topics)
    if pushed is not None:
        versions, known_at = pushed
        last_read.remember(dict(zip(topics, versions, strict=True)), at=known_at)
        return versions
    if not database_outage.active():
        try:
            versions = read_versions(topics)
        except DatabaseError as error:
            database_outage.record(error)
        else:
            database_outage.end()
            return versions
    if database_outage.since is None:
        return None
    return last_read.before(topics, database_outage.since)


class PageCacheMiddleware:
    """Answers cacheable public pages from the cache, and stores them.

    First after the health check (settings.MIDDLEWARE), so that a hit runs no other
    middleware. A page is stored as the whole stack answered it: with the security
    headers, Content-Security-Policy, Permissions-Policy and ETag, which a hit replays.
    What the middleware it skips would decide per request is decided here:

    - a request over http while SECURE_SSL_REDIRECT is on, or for a host not in
      ALLOWED_HOSTS, goes down the stack as it came (a redirect, a 400), never to the
      cache; the key holds the scheme, so https answers (with HSTS) are never replayed
      over http;
    - conditional GETs answer 304 (or 412) as ConditionalGetMiddleware would, on a hit
      and on a miss: the page is rendered without the request's conditions, so that a
      revalidation stores the page too;
    - only a 200 is stored (never a 304 nor a redirect), without cookies, not private,
      not rendered with a CSP nonce: nothing that differs from one request to the next.
      (Date is the web server's; Vary's headers are in the key or bypass the cache.)

    WhiteNoise's static files are no cached page: they go down the stack untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        page = cached_page_at(request.path_info)
        if page is None or not reaches_the_page(request):
            return self.get_response(request)
        keep_only_read_parameters(request, page.query_parameters)
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or outage.active()
        ):
            return self.get_response(request)
        versions = versions_of(page.topics)
        if versions is None:
            return self.get_response(request)
        key = page_key(request, versions)
        try:
            entry = cache.get(key)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            outage.record(error)
            return self.get_response(request)
        if entry is not None and entry[0] > time.time():
            return answer_conditionally(request, self.rebuild(request, entry))
        if request.method != "GET":
            return self.get_response(request)
        # Rendered unconditionally, so that a conditional request stores the page too.
        conditions = {
            name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META
        }
        try:
            response = self.get_response(request)
        finally:
            request.META.update(conditions)
        if storable(request, response):
            self.store(key, response)
        return answer_conditionally(request, response)

    def store(self, key, response):
        try:
            timeout = settings.PAGE_CACHE_SECONDS
            until_next = seconds_until_next_publication()
            if until_next is not None:
                timeout = min(timeout, int(until_next))
            if timeout <= 0:
                return
            headers = list(response.items())
            entry = (time.time() + timeout, response.status_code, headers, response.content)
            cache.set(key, entry, timeout)
        except Exception as error:  # noqa: BLE001
            outage.record(error)

    @staticmethod
    def rebuild(request, entry):
        _expires, status, headers, content = entry
        # HEAD: the headers of GET (Content-Length among them), no body.
        response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
        for name, value in headers:
            response[name] = value
        return response
