from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

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
