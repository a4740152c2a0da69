"""The address of a department's structure page, computed fast enough for thousands of links.

The directory, the feed and the sitemap link hundreds or thousands of structure pages, and
a ``reverse()`` costs more than the rest of each link.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

# Paths under /government/structure/ that are not departments.
RESERVED_SLUGS = {"feed"}

# What the <slug:slug> of a structure page's URL matches.
URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_PLACEHOLDER = "slug-placeholder"


@functools.cache
def department_url_parts(language, script_prefix, urlconf):
    """(before, after) the slug in a structure page's path; see ``department_url``."""
    path = reverse("departments:department_detail", kwargs={"slug": SLUG_PLACEHOLDER})
    before, after = path.split(SLUG_PLACEHOLDER)
    return before, after


def department_url(slug):
    """The structure page's path: ``reverse("departments:department_detail", ...)``, for less.

    The directory, the feed and the sitemap link hundreds of pages, and a
    reverse() costs more than the rest of each link. What surrounds the slug
    depends only on the language, script prefix and URLconf, so it is
    reversed once for each; a slug reverse() would quote or refuse goes
    through reverse() itself.
    """
    if not URL_SLUG.fullmatch(slug):
        return reverse("departments:department_detail", kwargs={"slug": slug})
    before, after = current_department_url_parts()
    return f"{before}{slug}{after}"


def department_urls(slugs):
    """``department_url`` of each slug, its surroundings looked up once for all of them.

    For the sitemap's thousands of links, where looking up the language, script
    prefix and URLconf for each link would cost as much as the rest.
    """
    before, after = current_department_url_parts()
    return [
        f"{before}{slug}{after}" if URL_SLUG.fullmatch(slug) else department_url(slug)
        for slug in slugs
    ]


def current_department_url_parts():
    return department_url_parts(
        translation.get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
