import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.cache import patch_cache_control, patch_vary_headers

from .display import display_mode
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
    """The visitor's address for django-axes, behind settings.TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the client is the TRUSTED_PROXY_COUNT-th entry from the
    right; anything further left was written by the client and cannot be trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote_addr
    return forwarded[-count] if len(forwarded) >= count else forwarded[0]


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
    raises then (connection refused or lost, timed out, a cancelled statement) is an
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
