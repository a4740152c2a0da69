from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView
from django.views.static import serve

from core import display
from departments import api
from departments.models import Government

# How long a visitor (or a crawler, which then keeps the page indexed) is asked to wait.
SERVICE_UNAVAILABLE_RETRY_SECONDS = 120


def service_unavailable(request):
    """503 while the database does not answer (portal.middleware.DatabaseUnavailableMiddleware).

    A page is rendered like Django's 500 page, without context processors: they read the
    database. The API answers its JSON error instead, as for any other error.
    """
    if api.is_api_request(request):
        error = api.ApiError(
            503,
            "service_unavailable",
            gettext_lazy(
                "The service is temporarily unavailable. Please try again in a few minutes."
            ),
        )
        response = api.error_response(request, error)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(SERVICE_UNAVAILABLE_RETRY_SECONDS)
    add_never_cache_headers(response)
    return response


class HomeView(TemplateView):
    """The portal's home page, leading to the government structure.

    Template: ``portal/home.html``.
    """

    template_name = "portal/home.html"


class GovernmentView(ListView):
    """The governments whose departments the portal publishes.

    Template: ``portal/government.html``; context: ``governments``, each with
    ``department_count`` of its published departments.
    """

    template_name = "portal/government.html"
    context_object_name = "governments"

    def get_queryset(self):
        return Government.objects.with_published_department_count()


class DisplaySettingsView(TemplateView):
    """Switches the elderly-friendly display mode, or shows the choice.

    ``?mode=elderly|standard&next=/path/`` remembers the mode in a cookie and
    returns to ``next``; without ``mode`` the page offers both modes.
    Template: ``portal/display_settings.html``; context: ``next``, ``error``.
    """

    template_name = "portal/display_settings.html"

    def get(self, request, *args, **kwargs):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        mode = request.GET.get("mode")
        if mode is None:
            return self.render_to_response(self.get_context_data(next=next_url))
        if mode not in display.MODES:
            context = self.get_context_data(
                next=next_url, error=_("Unknown display mode. Choose one of the modes below.")
            )
            return self.render_to_response(context, status=400)
        response = redirect(next_url or request.path)
        return display.remember_display_mode(response, mode)


def serve_media(request, path):
    """Uploaded files, when the application serves them itself (``SERVE_MEDIA``)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# The site's icon, a static file (static/favicon.ico); every page links it by its
# fingerprinted address, and browsers also ask for /favicon.ico itself.
FAVICON = "favicon.ico"
# /favicon.ico has no fingerprint: a day, so that a new icon reaches browsers soon.
FAVICON_CACHE_SECONDS = 24 * 60 * 60


@require_safe
def favicon(request):
    """``/favicon.ico``, which browsers ask for on their own. nginx serves it from the
    collected static files (deploy/nginx.conf); this answers when Django serves alone."""
    path = finders.find(FAVICON)
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    patch_cache_control(response, public=True, max_age=FAVICON_CACHE_SECONDS)
    return response


@require_safe
def robots_txt(request):
    """``/robots.txt``: keep crawlers out of the admin, the display-mode switch and search
    results; name the sitemap.

    Draft previews need no line here: they answer with ``X-Robots-Tag: noindex``
    and only to signed-in staff.
    """
    # A custom admin path is chosen so that it is not public: never name it.
    disallowed = ["/admin/"] if settings.ADMIN_URL.strip("/") == "admin" else []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed += [reverse("display_settings"), reverse("search")]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sign_in_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username has failed to sign in too often from one address.

    An admin page (429, ``axes/lockout.html``) that says for how long; the
    admin's "Access attempts" list or ``manage.py axes_reset`` lifts it early.
    """
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed sign-in attempts"),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


# Errors inside the admin are admin pages (its header, its language, a way back); elsewhere
# they are the public site's pages.


def is_admin_request(request):
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return False
    return request.path.startswith(admin_root)


def admin_error(request, exception, template_name, title, status):
    # Our own Http404/PermissionDenied messages say what happened; a Resolver404's
    # argument is a dict for Django's debug page, and most PermissionDenied carry none.
    message = exception.args[0] if exception and exception.args else None
    context = {
        **admin.site.each_context(request),
        "title": title,
        "message": message if isinstance(message, str) else "",
    }
    return render(request, template_name, context, status=status)


def page_not_found(request, exception):
    """``handler404``: the API's JSON error under it, the admin's own 404 page under
    ``ADMIN_URL``, else ``404.html``."""
    if api.is_api_request(request):
        return api.error_response(request, api.nothing_at_this_address())
    if is_admin_request(request):
        return admin_error(request, exception, "admin/404.html", _("Page not found"), 404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """``handler400``: the API's JSON error under it, else ``400.html``."""
    if api.is_api_request(request):
        # In English: the query string, and so ``lang``, may be what cannot be read.
        return api.error_response(request, api.malformed_request(), language=api.DEFAULT_LANGUAGE)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """``handler403``: the admin's own 403 page under ``ADMIN_URL``, else Django's."""
    if is_admin_request(request):
        return admin_error(request, exception, "admin/403.html", _("Permission denied"), 403)
    return defaults.permission_denied(request, exception)
