"""An application server's health: ``GET /healthz`` answers whether it can serve the site.

For monitoring and for a rolling release (restart one server, wait for 200, go on to the
next), asked on each application server's own address (``http://10.0.1.12:8001/healthz``).
nginx answers ``/healthz`` itself (deploy/nginx.conf): a load balancer asking nginx learns
that nginx can serve the published pages and static files, which it does with every
application server or the database down; the public never learns how the database is.

- 200 ``{"status": "ok", "database": "ok", "cache": "ok"}``;
- 200 with ``"status": "degraded"`` and ``"cache": "unavailable"`` while Redis is down:
  pages are still served, uncached (delivery.page_cache);
- 503 with ``"status": "unavailable"`` and ``"database": "unavailable"`` while the database
  does not answer: no page that is not cached or published can be served.
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DatabaseError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

HEALTH_CHECK_PATH = "/healthz"
# Read, never written: a key no page uses.
PROBE_KEY = "portal:health-probe"


def database_status():
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer: %s", error)
        return "unavailable"
    return "ok"


def cache_status():
    try:
        cache.get(PROBE_KEY)
    except Exception as error:  # noqa: BLE001 - whatever the cache backend raises
        logger.warning("Health check: the cache does not answer: %s", error)
        return "unavailable"
    return "ok"


def health(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    checks = {"database": database_status(), "cache": cache_status()}
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse({"status": status, **checks}, status=code)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "HEAD":
        response.content = b""
    return response


class HealthCheckMiddleware:
    """Answers ``HEALTH_CHECK_PATH`` before any other middleware.

    First in settings.MIDDLEWARE because a monitor asks by the server's own address over
    plain HTTP: further down, ALLOWED_HOSTS would refuse that Host (400) and the HTTPS
    redirect would answer 301, and the page cache, sessions and locale have no business
    with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH:
            return health(request)
        return self.get_response(request)
