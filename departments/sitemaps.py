"""``/sitemap.xml``: the public pages in every language, each listing its translations.

With ``i18n`` every page appears once per language; ``alternates`` and
``x_default`` make each entry name all its language versions
(``<xhtml:link rel="alternate" hreflang="...">``), the unprefixed address
(which redirects after the browser's language) being the ``x-default``.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from .models import Department

# The site's own pages, by URL name; names not (yet) in the URLconf are left out.
STATIC_PAGES = ["home", "government", "departments:department_list", "api_docs"]


class TranslatedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self):
        names = []
        for name in STATIC_PAGES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item):
        return reverse(item)


class DepartmentSitemap(TranslatedSitemap):
    """Every published department's structure page; ``lastmod`` is when its publication
    went live."""

    changefreq = "weekly"

    def items(self):
        return (
            Department.objects.published()
            .only("slug", "live_from", "sort_order")
            .order_by("sort_order", "slug")
        )

    def lastmod(self, item):
        return item.live_from


SITEMAPS = {"pages": StaticPagesSitemap, "departments": DepartmentSitemap}
