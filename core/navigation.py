"""Links of the page header: this page in each language, and the display mode switch.

Called by the public templates (``portal.jinja2`` exposes them).
"""

from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from core import display


def language_versions(request):
    """This page in each language: code, native name, absolute URL, and whether it is current.

    Slugs are the same in every language, so the other language's URL is the
    same path under the other prefix.
    """
    current = translation.get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = page_in_language(request, code)
        info = translation.get_language_info(code)
        versions.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": request.build_absolute_uri(url),
                "is_current": code == current,
            }
        )
    return versions


def x_default_url(url):
    """The address for visitors of no listed language, from the default language's address.

    The same path without its language prefix: ``LocaleMiddleware`` redirects it after the
    browser's language. The sitemap and every page name it as ``hreflang="x-default"``.
    """
    return url.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)


def page_links(request, query=None):
    """This page's canonical address and its ``hreflang`` alternates, as the sitemap gives them.

    The page's own path in each language, with ``query`` (the parameters that make it
    another page, such as the directory's ``page``) and nothing else: a visitor's
    ``?utm_source=`` or search terms name no other page. Absolute, at the address the page
    was asked for: ``settings.SITE_URL`` for statically published pages.
    Returns ``{"canonical": url, "alternates": [{"hreflang": code, "href": url}, ...]}``,
    ``x-default`` last.
    """
    query_string = f"?{urlencode(query)}" if query else ""
    current = translation.get_language()
    canonical = default = None
    alternates = []
    for code, _name in settings.LANGUAGES:
        path = urlsplit(page_in_language(request, code)).path
        url = request.build_absolute_uri(path) + query_string
        alternates.append({"hreflang": code, "href": url})
        if code == current:
            canonical = url
        if code == settings.LANGUAGE_CODE:
            default = x_default_url(url)
    if default is not None:
        alternates.append({"hreflang": "x-default", "href": default})
    return {"canonical": canonical, "alternates": alternates}


def page_in_language(request, language):
    """``translate_url(request.get_full_path(), language)``, without resolving the path again.

    translate_url resolves the path it is given. For the page being served
    that gives the request's own ``resolver_match`` (same path, same URLconf),
    so only the reverse is left to do, once per language: the language switcher
    and the page's ``hreflang`` links both ask (kept on the request).
    """
    full_path = request.get_full_path()
    if not hasattr(request, "pages_in_languages"):
        request.pages_in_languages = {}
    key = (full_path, language)
    if key not in request.pages_in_languages:
        request.pages_in_languages[key] = translated_path(request, full_path, language)
    return request.pages_in_languages[key]


def translated_path(request, full_path, language):
    parsed = urlsplit(full_path)
    match = request.resolver_match
    if (
        match is None
        or unquote(parsed.path) != request.path_info
        or getattr(request, "urlconf", None) is not None
    ):
        return translate_url(full_path, language)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return full_path
    return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))


def display_mode_toggle(request):
    """The link that switches to the other display mode and comes back to this page."""
    elderly = getattr(request, "display_mode", display.STANDARD) == display.ELDERLY
    query = urlencode(
        {"mode": display.STANDARD if elderly else display.ELDERLY, "next": request.get_full_path()}
    )
    return {
        "url": f"{reverse('display_settings')}?{query}",
        # The modes' own names, as everywhere: what the link switches to.
        "label": _("Standard mode") if elderly else _("Elderly-friendly mode"),
        "description": _("Switch back to standard mode")
        if elderly
        else _("Switch to elderly-friendly mode: large text and high contrast"),
    }
