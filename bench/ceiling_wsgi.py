"""The ``before-django`` variant of bench/page_cache_ceiling.py: a page cache hit answered
in front of Django's request handler (no request signals, no middleware, no
``HttpResponse``), as a WSGI wrapper of the portal's application.

A measurement, not a design: it skips what the shipped hit does per request (conditional
GET, HEAD) and everything Django's handler would add later. Session 13 measured it at
about 0.1 above the shipped page cache, still short of whitenoise (bench/README.md), and
did not adopt it.
"""

import time

# ruff: noqa: I001 - the portal's application first: it sets Django up
from portal.wsgi import application as django_application

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest

from delivery import page_cache


def application(environ, start_response):
    if environ["REQUEST_METHOD"] == "GET":
        request = WSGIRequest(environ)
        page = page_cache.cached_page_at(request.path_info)
        if (
            page is not None
            and page_cache.reaches_the_page(request)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            page_cache.keep_only_read_parameters(request, page.query_parameters)
            versions = page_cache.versions_of(page.topics)
            if versions is not None:
                entry = cache.get(page_cache.page_key(request, versions))
                if entry is not None and entry[0] > time.time():
                    _expires, _status, headers, content = entry
                    start_response("200 OK", headers)
                    return [content]
    return django_application(environ, start_response)
