"""The Jinja2 environment of the public templates (``templates/jinja2/``).

Public pages are rendered with Jinja2 rather than Django's template language
because the structure page must be served uncached at hundreds of requests a
second on two cores, and Jinja2 spends less time per page. The admin stays on
Django's templates.

Translatable text is written in the templates only as ``_("literal")``, which
``makemessages`` extracts (it reads .html files as Django templates). Sentences
that need ngettext or pgettext are built in Python, where it finds them: here,
or in the functions the templates call.
"""

import functools

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from jinja2 import Environment

from core.navigation import display_mode_toggle, language_versions, page_links
from core.text import list_separator
from departments.images import responsive_image
from departments.org_chart import organization_chart
from departments.structure_page import routine_work_note
from departments.structured_data import department_json_ld


def url(name, *args, **kwargs):
    if args or kwargs:
        return reverse(name, args=args, kwargs=kwargs)
    return reverse_without_arguments(
        name, translation.get_language(), get_script_prefix(), get_urlconf()
    )


@functools.lru_cache(maxsize=256)
def reverse_without_arguments(name, language, script_prefix, urlconf):
    """``reverse(name)``, once per language, script prefix and URLconf: what it depends on.

    Every page links the same few pages (home, search, government, directory)
    from its header; each reverse() costs more than the rest of its link.
    """
    return reverse(name)


@functools.lru_cache(maxsize=256)
def static(path):
    """``staticfiles_storage.url(path)``, once per file: every page links the same few, and
    the manifest storage's url() costs about 20 µs. The manifest is read once per process,
    so its addresses do not change while it runs; a test that changes the static files'
    settings empties this cache (below)."""
    return staticfiles_storage.url(path)


@receiver(setting_changed)
def forget_static_urls(setting, **kwargs):
    if setting in {"STORAGES", "STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS"}:
        static.cache_clear()


def date(value, format_string=None):
    """Django's ``date`` filter, in the current time zone as in Django's templates.

    Django's template engine converts an aware datetime to local time before
    this filter sees it; called directly, the filter would print UTC.
    """
    return defaultfilters.date(timezone.template_localtime(value), format_string)


def datetime_attribute(value):
    """A moment for HTML's ``datetime`` attribute: ISO 8601 in the current time zone, to the
    second (HTML allows at most three fractional digits; Django's ``c`` format prints six)."""
    return timezone.template_localtime(value).isoformat(timespec="seconds")


def linebreaks(value):
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def linebreaksbr(value):
    return defaultfilters.linebreaksbr(value, autoescape=True)


def departments_published(count):
    return ngettext(
        "%(counter)s department is published.", "%(counter)s departments are published.", count
    ) % {"counter": count}


def departments_counted(count):
    return ngettext("%(counter)s department", "%(counter)s departments", count) % {"counter": count}


def group_count(count):
    """A group's count after its heading, "(12)" or "（12）", the number in an element that
    the directory's filter updates."""
    number = format_html("<span data-group-count>{}</span>", count)
    pattern = pgettext("the number of items of a group, after its heading", "(%(count)s)")
    return mark_safe(conditional_escape(pattern) % {"count": number})


def labeled(label, value):
    """A label ending with a colon and its value on one line: "Label: value" in English,
    "标签：值" in Chinese (a full-width colon is followed by no space). Either may be HTML
    (``Markup``); text is escaped."""
    pattern = pgettext("a label ending with a colon, then its value", "%(label)s %(value)s")
    return mark_safe(
        conditional_escape(pattern)
        % {"label": conditional_escape(label), "value": conditional_escape(value)}
    )


def search_results_heading(count, text):
    return ngettext(
        "%(counter)s result for “%(text)s”", "%(counter)s results for “%(text)s”", count
    ) % {"counter": count, "text": text}


GLOBALS = {
    "_": gettext,
    "url": url,
    "static": static,
    "get_current_language": translation.get_language,
    "language_versions": language_versions,
    "page_links": page_links,
    "display_mode_toggle": display_mode_toggle,
    "routine_work_note": routine_work_note,
    "organization_chart": organization_chart,
    "department_json_ld": department_json_ld,
    "responsive_image": responsive_image,
    "departments_published": departments_published,
    "departments_counted": departments_counted,
    "group_count": group_count,
    "list_separator": list_separator,
    "search_results_heading": search_results_heading,
}

FILTERS = {
    "date": date,
    "datetime_attribute": datetime_attribute,
    "linebreaks": linebreaks,
    "linebreaksbr": linebreaksbr,
    "labeled": labeled,
}


def environment(**options):
    env = Environment(**options)
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    return env
