"""Whole public pages in the shared cache (Redis in production), invalidated exactly.

A view opts in with :func:`cached_page`, naming what its page shows and the
query parameters it reads:

- every page depends on the ``site`` topic (site settings, governments);
- pages that list departments (home, directory, search, feed, sitemap, API list)
  depend on the ``departments`` topic;
- a department's structure page and API entry depend on ``department:<slug>``.

Each topic has a *version*, a random token kept in the database
(``portal.models.PageVersion``) and replaced in the same transaction as the
publication, withdrawal or edit that changes its pages (:func:`invalidate`).
A page is stored in the cache with the versions of its topics as they were
read *before* it was rendered, and served only while they are still the
current ones. So exactly the affected pages miss, on every application server
at once, without knowing which pages were cached; and since the cache holds
only page bodies, a cache that lost writes or came back from an old snapshot
(a Redis restart or failover) cannot serve a page older than a change: its
pages carry versions the database has left behind. Tokens are random rather
than counters so that a database restored from a backup cannot bring back a
version that later pages were stored with.

A publication scheduled for later goes live without any event, so no page is
kept beyond the next scheduled ``live_from``.

Each process keeps the versions it read, and the pages it served lately
(:class:`LocalPages`), in its own memory. It trusts those versions for
``PAGE_CACHE_VERSION_CHECK_SECONDS`` (half a second) before asking the
database again, so a popular page costs no I/O at all, and a publication on
another server reaches this one within that time. One small query renews them
all: every invalidation also replaces the version of ``*`` (any topic), and
only when that changed does the process read the other topics again. The
process that publishes forgets its copies at once. While the database does
not answer, the versions last read stay in use (nothing can be published
meanwhile), so cached pages are still served.

The site settings, read by every page, are kept the same way (:func:`held`): a
process reads their row again only when the ``site`` topic's version changed.

Pages are only cached for anonymous visitors (no session cookie), for GET and
HEAD, per scheme, host, path, the query parameters the view reads, and display
mode; only a 200 answer that sets no cookie and is not private is stored. The
view is given only the query parameters it declared, in a normal order: its
page cannot depend on any other, and a query string of random parameters
(``?utm_source=…``) is the same page and the same cache entry. If the cache is
unreachable, pages are served uncached and the error is logged (at most once a
minute per process); the cache is then left alone for ``RETRY_SECONDS``.
"""

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import set_response_etag

from core import display

logger = logging.getLogger(__name__)

SITE = "site"
DEPARTMENTS = "departments"
# Replaced with every other topic: a process that finds it unchanged knows every
# version it holds is still current.
ANY_TOPIC = "*"
# The version of a topic that has no row yet.
NO_VERSION = ""
RETRY_SECONDS = 5
LOG_INTERVAL_SECONDS = 60


def department_topic(slug):
    return f"department:{slug}"


def cached_page(view, *, department_kwarg=None, lists_departments=True, query_parameters=()):
    """Marks a public view for the whole-page cache.

    With ``department_kwarg``, the page shows the department whose slug is that
    URL keyword argument (and nothing else that publishing another department
    changes). Otherwise it depends on every published department, unless
    ``lists_departments`` is False (a page that names none).

    ``query_parameters`` are the names of every query parameter the view (and
    its template) reads; the view sees only these, and the page is cached per
    their values. nginx serves the published file of a page whose query string
    has none of them (``deploy/nginx.conf`` names them all).
    """
    view.page_cache_department_kwarg = department_kwarg
    view.page_cache_lists_departments = lists_departments
    view.page_cache_query_parameters = tuple(sorted(query_parameters))
    view.page_cached = True
    return view


def topics_of(match):
    department_kwarg = match.func.page_cache_department_kwarg
    if department_kwarg:
        return [SITE, department_topic(match.kwargs[department_kwarg])]
    if match.func.page_cache_lists_departments:
        return [SITE, DEPARTMENTS]
    return [SITE]


class Outage:
    """Remembers, per process, that the cache (or the database) failed, so that pages skip
    it for a while."""

    def __init__(self, message, retry_seconds=lambda: RETRY_SECONDS):
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
        self.until = now + self.retry_seconds()
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
# Asked again as often as versions are checked: a publication on another server once it
# answers again reaches this process as late as it would have anyway.
database_outage = Outage(
    "The database does not answer; serving the cached pages of the page versions last read",
    retry_seconds=lambda: settings.PAGE_CACHE_VERSION_CHECK_SECONDS,
)


def _new_token():
    return secrets.token_hex(6)


def invalidate(*topics):
    """Give the topics new versions, in the current transaction.

    Committed with the change that calls it, or rolled back with it: no page
    cached before the change can be served after it, whatever the cache did.
    This process forgets the versions it held now (code later in the same
    transaction reads the new ones) and once more at the commit (a request
    served meanwhile may have read the old ones).
    """
    from .models import PageVersion  # here: portal.models imports this module

    token = _new_token()
    # Rows in one order for every caller, so that two transactions changing versions
    # wait for each other instead of deadlocking (ANY_TOPIC, "*", comes first).
    PageVersion.objects.bulk_create(
        [PageVersion(topic=topic, token=token) for topic in sorted({*topics, ANY_TOPIC})],
        update_conflicts=True,
        unique_fields=["topic"],
        update_fields=["token"],
    )

    def forget():
        local_pages.forget_versions(topics)

    forget()
    transaction.on_commit(forget)


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
    """The cache key of the page: its query string is already only the parameters it reads."""
    identity = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            display.display_mode(request),
        ]
    )
    return "page:" + hashlib.sha256(identity.encode()).hexdigest()


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
        # {topic: token}, all read under the same version of ANY_TOPIC.
        self.versions = {}
        self.any_version = None
        self.checked_at = 0.0
        self.values = {}
        self.lock = threading.Lock()

    def trusted_versions(self, topics):
        """The versions last read for the topics, if they were checked recently enough."""
        if self.checked_at < time.monotonic() - settings.PAGE_CACHE_VERSION_CHECK_SECONDS:
            return None
        return self.known_versions(topics)

    def known_versions(self, topics):
        """The versions last read for the topics, however long ago; None if one is unknown."""
        versions = self.versions
        try:
            return [versions[topic] for topic in topics]
        except KeyError:
            return None

    def remember_versions(self, any_version, versions):
        """Versions just read, with ANY_TOPIC's: if that changed, the others held are stale."""
        with self.lock:
            if any_version != self.any_version:
                self.versions = {}
                self.any_version = any_version
            self.versions.update(versions)
            self.checked_at = time.monotonic()

    def forget_versions(self, topics):
        with self.lock:
            for topic in topics:
                self.versions.pop(topic, None)
            # The other topics' versions are checked again at the next read too.
            self.any_version = None

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
            self.versions = {}
            self.any_version = None
            self.checked_at = 0.0
            self.values.clear()


local_pages = LocalPages()


def read_versions(topics):
    """The topics' current versions, read from the database (one query)."""
    from .models import PageVersion

    wanted = [ANY_TOPIC, *topics]
    found = dict(PageVersion.objects.filter(topic__in=wanted).values_list("topic", "token"))
    versions = {topic: found.get(topic, NO_VERSION) for topic in topics}
    local_pages.remember_versions(found.get(ANY_TOPIC, NO_VERSION), versions)
    return [versions[topic] for topic in topics]


def versions_of(topics):
    """The topics' current versions: this process's copy if checked lately, else the
    database's; None if neither is known.

    While the database does not answer, nothing can be published, so the versions
    it last gave stay current, if it gave them shortly (``RETRY_SECONDS``) before it
    stopped answering: cached pages are still served. (Versions read longer before
    might have been replaced meanwhile by another server.)
    """
    versions = local_pages.trusted_versions(topics)
    if versions is not None:
        return versions
    if not database_outage.active():
        try:
            versions = read_versions(topics)
        except DatabaseError as error:
            database_outage.record(error)
        else:
            database_outage.end()
            return versions
    since = database_outage.since
    if since is None or local_pages.checked_at < since - RETRY_SECONDS:
        return None
    return local_pages.known_versions(topics)


def held(topic, load):
    """``load()``'s result, computed again only after ``topic`` was invalidated.

    For small values that every page reads from the database (the site settings).
    The value is read after the version, so a change committed in between is
    read again at the next version check. Nothing is kept inside a transaction,
    which could still roll back what it read.
    """
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
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
    """Answers cacheable public pages from the cache, and stores them.

    Placed right after whitenoise, so that a cached page costs about as much as
    a static file; the middleware outside it (security headers, CSP,
    conditional GET) still applies to every answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        page = cached_page_at(request.path_info)
        if page is None:
            return self.get_response(request)
        keep_only_read_parameters(request, page.query_parameters)
        if settings.PAGE_CACHE_SECONDS <= 0 or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        key = page_key(request)
        versions = versions_of(page.topics)
        if versions is None:
            return self.get_response(request)
        entry = local_pages.get(key)
        if is_current(entry, versions):
            return self.rebuild(entry)
        if outage.active():
            return self.get_response(request)
        try:
            entry = cache.get(key)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            outage.record(error)
            return self.get_response(request)
        if is_current(entry, versions):
            local_pages.put(key, entry)
            return self.rebuild(entry)
        response = self.get_response(request)
        if request.method == "GET" and storable(response):
            self.store(key, versions, response)
        return response

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
