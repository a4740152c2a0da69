import functools
import ipaddress
import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.display import display_mode
from departments import api

from .views import service_unavailable

logger = logging.getLogger(__name__)


class DisplayModeMiddleware:
    """Tells templates which display mode the visitor chose, and caches that pages vary by it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.display_mode = display_mode(request)
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        return response


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY as the Permissions-Policy header (Django has none).

    Cross-Origin-Opener-Policy and the other security headers come from Django's
    SecurityMiddleware; Content-Security-Policy from django-csp.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


def client_ip(request):
    """The visitor's address for django-axes: REMOTE_ADDR, unless a trusted proxy sent it.

    Each proxy appends to X-Forwarded-For the address it received the request from. On a
    request from one of settings.TRUSTED_PROXIES, the header is read from the right, past
    the trusted proxies' own addresses: the first other address is the client's, and what
    is left of it was written by the client (MDN's "trusted proxy list" method). Any other
    sender is a direct client, whatever headers it sends. (django-ipware's trusted proxies
    are matched by position against the header alone, never against REMOTE_ADDR: a direct
    client's "X-Forwarded-For: <victim>, 127.0.0.1" would name the victim.)
    """
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    address = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while forwarded and is_in(address, networks):
        hop = forwarded.pop().strip()
        if parsed_address(hop) is None:
            # No address where a trusted proxy writes one: the proxy is all we know.
            break
        address = hop
    return address


@functools.cache
def trusted_networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def parsed_address(text):
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client of a dual-stack socket: ::ffff:127.0.0.1 is 127.0.0.1.
    return getattr(address, "ipv4_mapped", None) or address


def is_in(text, networks):
    address = parsed_address(text or "")
    # An address of the other IP version is in no network, never an error.
    return address is not None and any(address in network for network in networks)


# Characters no PostgreSQL text value can hold (NUL), or that are no character on their own
# (UTF-16 surrogates): a query that compares a column with them fails.
UNUSABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class RefuseUnusableParametersMiddleware:
    """Answers 400 to a query string holding a character no query can use, for every view.

    A search for "a\\x00b" would otherwise reach PostgreSQL, which refuses it with a 500.
    Pages answer the site's 400 page (templates/jinja2/400.html) in their language; the
    API its JSON error, naming the parameter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if any(UNUSABLE_CHARACTERS.search(text) for text in (name, *values)):
                if api.is_api_request(request):
                    return api.refused_parameter(request, name)
                raise BadRequest(f"Unusable character in the query parameter {name!r}.")
        return self.get_response(request)


class PublicCacheControlMiddleware:
    """Lets browsers and proxies keep public pages for a while, never anything personal.

    A response that already says how to cache it (the admin's never_cache,
    the draft preview's private, no-store) keeps its header. Otherwise a
    successful GET by an anonymous visitor that sets no cookie is public for
    settings.PUBLIC_CACHE_SECONDS; everything else is private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        anonymous = user is None or not user.is_authenticated
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and anonymous
            and not response.cookies
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class DatabaseUnavailableMiddleware:
    """While the database does not answer, a page says so with 503 and Retry-After, not 500.

    A 503 tells visitors to come back, and crawlers to keep the page indexed. What Django
    raises then (connection refused or lost, timed out, a canceled statement) is an
    OperationalError or an InterfaceError; any other error stays a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "The database did not answer %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return service_unavailable(request)
