"""The departments' public pages, as delivery (the page cache, static publishing) learns them.

One structure page per department, by slug, in each language (the API's entry shows
the same publication). Registered in ``DepartmentsConfig.ready()`` as the
``department`` source of ``core.pages``, with the site pages this app's URLconf has.
"""

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation

from core import pages

from .addresses import department_urls
from .models import Department

SOURCE = "department"


def live(keys=None):
    """``{slug: publication pk}`` of the departments the public sees now."""
    published = Department.objects.published(at=timezone.now())
    if keys is not None:
        published = published.filter(slug__in=keys)
    return dict(published.values_list("slug", "pk"))


def scheduled(keys=None):
    """``{slug: moment}``: when each department's earliest scheduled publication goes live."""
    publications = Department.objects.scheduled(at=timezone.now())
    if keys is not None:
        publications = publications.filter(slug__in=keys)
    moments = publications.values("slug").annotate(moment=Min("live_from")).order_by()
    return {row["slug"]: row["moment"] for row in moments}


def next_scheduled(now):
    return Department.objects.next_scheduled_live_from(now)


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def paths(keys):
    """``{slug: [path of its structure page in each language]}``."""
    keys = list(keys)
    found = {key: [] for key in keys}
    for code in language_codes():
        with translation.override(code):
            for key, path in zip(keys, department_urls(keys), strict=True):
                found[key].append(path)
    return found


def folders():
    """The directory's path in each language: each department's page is a folder in it."""
    found = []
    for code in language_codes():
        with translation.override(code):
            found.append(reverse("departments:department_list"))
    return found


def register():
    pages.register_source(
        pages.PageSource(
            name=SOURCE,
            live=live,
            scheduled=scheduled,
            next_scheduled=next_scheduled,
            paths=paths,
            folders=folders,
        )
    )
    pages.register_site_pages("departments:department_list", "departments:feed")
