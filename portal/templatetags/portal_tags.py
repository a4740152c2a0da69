from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from portal import display

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language: code, native name, absolute URL, and whether it is current.

    Slugs are the same in every language, so the other language's URL is the
    same path under the other prefix.
    """
    request = context["request"]
    current = translation.get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
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


@register.simple_tag(takes_context=True)
def display_mode_toggle(context):
    """The link that switches to the other display mode and comes back to this page."""
    request = context["request"]
    elderly = getattr(request, "display_mode", display.STANDARD) == display.ELDERLY
    query = urlencode(
        {"mode": display.STANDARD if elderly else display.ELDERLY, "next": request.get_full_path()}
    )
    return {
        "url": f"{reverse('display_settings')}?{query}",
        "label": _("Standard text") if elderly else _("Large text"),
        "description": _("Switch back to the standard display")
        if elderly
        else _("Switch to the elderly-friendly display: large text and high contrast"),
    }
