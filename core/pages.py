"""Public pages: the apps that own them say what they are and when they change.

Three things, so that delivery (the page cache, static publishing) never imports the
apps whose pages it delivers:

- :data:`public_pages_changed`, the announcement that public pages changed, sent by
  the domain (``announce_change`` / ``announce_site_change``) inside the transaction
  of the change;
- :func:`cached_page`, the mark of a public view whose whole page may be cached and
  published, with what it shows;
- a registry that apps fill in their ``AppConfig.ready()``: the *sources* of pages
  kept one per key (the department source: one structure page per slug), the
  site's own pages, by URL name, and what else makes two pages of one address
  differ (the display mode).

The announcement is sent inside the transaction of the change, not on its commit:
the page cache's new versions are rows that must commit, or roll back, with the change
itself, so that no cache (Redis losing writes, restarting from an old snapshot) can
serve a page older than it. A receiver that acts outside the database (re-rendering
the published files) waits for the commit itself (``transaction.on_commit``).

Every page shows the site (settings, governments): a site-wide change changes them
all. A page of one key (``page_of``) shows that key's publication; a page that lists
a source (``lists``) shows every key of it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

# Sent with ``source`` (a registered source's name, or None for a change every page
# shows) and ``keys`` (the keys of that source whose pages changed).
public_pages_changed = Signal()


def announce_change(source, keys):
    """The pages of these keys of ``source`` changed, and so did every page listing it."""
    public_pages_changed.send(sender=source, source=source, keys=tuple(sorted(set(keys))))


def announce_site_change():
    """Something every public page shows changed: the site settings, a government."""
    public_pages_changed.send(sender=None, source=None, keys=())


# ``lists`` of a page that lists every registered source (the safe default).
EVERY_SOURCE = "*"


def cached_page(view, *, page_of=None, key_kwarg=None, lists=EVERY_SOURCE, query_parameters=()):
    """Marks a public view for the whole-page cache and static publishing.

    With ``page_of`` (a source's name), the page shows the one key of that source
    named by the URL keyword argument ``key_kwarg``, and nothing else that another
    key's publication changes. Otherwise it shows every key of the sources in
    ``lists`` (all of them by default; ``()`` for a page that names none).

    ``query_parameters`` are the names of every query parameter the view (and its
    template) reads; the view sees only these, and the page is cached per their
    values. nginx serves the published file of a page whose query string has none
    of them (``deploy/nginx.conf`` names them all).
    """
    if (page_of is None) != (key_kwarg is None):
        raise ValueError("page_of and key_kwarg go together.")
    view.page_cache_page_of = page_of
    view.page_cache_key_kwarg = key_kwarg
    view.page_cache_lists = () if page_of else lists
    view.page_cache_query_parameters = tuple(sorted(query_parameters))
    view.page_cached = True
    return view


def listed_sources(view):
    """The names of the sources every key of which the marked view's page shows."""
    if view.page_cache_lists == EVERY_SOURCE:
        return tuple(_sources)
    return tuple(view.page_cache_lists)


@dataclass(frozen=True)
class PageSource:
    """Public pages kept one per key, as their app tells what the public sees.

    ``live(keys=None)``: ``{key: version}`` of the keys whose pages are public now
    (all, or only those of ``keys``); the version (a publication's primary key)
    changes with every publication.
    ``scheduled(keys=None)``: ``{key: moment}``, the earliest moment at which a
    publication scheduled for later goes live, per key that has one.
    ``next_scheduled(now)``: the earliest of all such moments after ``now``, or None.
    ``paths(keys)``: ``{key: [path of its page in each language]}``.
    ``folders()``: per language, the path of the folder in which each key's page is
    the folder named after the key (``/en/government/structure/`` + slug + ``/``).
    """

    name: str
    live: Callable
    scheduled: Callable
    next_scheduled: Callable
    paths: Callable
    folders: Callable


_sources = {}
# [(URL name, localized)], in registration order.
_site_pages = []
# Functions of a request whose values make different pages of one address.
_variants = []


def register_source(source):
    _sources[source.name] = source


def sources():
    return list(_sources.values())


def get_source(name):
    return _sources[name]


def register_site_pages(*url_names, localized=True):
    """Pages of the site that are not one key's: published as files like the others.

    ``localized``: one page per language (``reverse()`` in each); otherwise one page.
    """
    for name in url_names:
        if (name, localized) not in _site_pages:
            _site_pages.append((name, localized))


def site_page_names():
    """``[(URL name, localized)]`` of every registered site page."""
    return list(_site_pages)


def register_variant(function):
    """Pages at one address differ by ``function(request)`` (a short string): the display
    mode a cookie chooses, say. Cached per value; published as files for none but the
    default (``deploy/nginx.conf`` passes the others to Django)."""
    if function not in _variants:
        _variants.append(function)


def variant_of(request):
    """The values of every registered variant for ``request``, as one string."""
    return "|".join(function(request) for function in _variants)
