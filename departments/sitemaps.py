"""``/sitemap.xml``: the public pages in every language, each listing its translations.

With ``i18n`` every page appears once per language; ``alternates`` and
``x_default`` make each entry name all its language versions
(``<xhtml:link rel="alternate" hreflang="...">``), the unprefixed address
(which redirects after the browser's language) being the ``x-default``.

:func:`sitemap` writes the XML that ``django.contrib.sitemaps.views.sitemap``
writes, byte for byte, without its template: with 5,000 departments the
sitemap has 10,000 addresses, which Django's view took 4–5 s to render (it
switches the language four times per address and runs a template loop per
link), and the whole sitemap is rendered again on every publication.
"""

import datetime
import html

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import InvalidPage, Paginator
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import http_date

from core.navigation import x_default_url

from .addresses import department_url, department_urls
from .models import Department

# The site's own pages, by URL name; names not (yet) in the URLconf are left out.
STATIC_PAGES = ["home", "government", "departments:department_list", "api_docs"]

XML_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
XML_END = "\n</urlset>\n"


def escape(text):
    # What the template's autoescaping gives (django.utils.html.escape calls
    # html.escape), without the lazy-string wrapper that costs more than the
    # escaping itself, 30,000 times per sitemap.
    return html.escape(str(text))


def sitemap_date(value, zone):
    """The ``lastmod`` as Django's template writes it: the date in the current time zone.

    (What ``timezone.template_localtime`` does, with the zone looked up once per sitemap.)
    """
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_aware(value):
        value = value.astimezone(zone)
    return value.strftime("%Y-%m-%d")


def latest_moment(value):
    """A ``lastmod`` as an aware datetime, to compare dates and datetimes as Django does."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.timezone.utc)
    return value


class TranslatedSitemap(Sitemap):
    """Every item in every language of ``LANGUAGES``, each naming its translations."""

    i18n = True
    alternates = True
    x_default = True

    def xml_entries(self, page, base_url):
        """(``<url>`` elements of ``page``, latest ``lastmod`` or None) for :func:`sitemap`.

        The entries of ``get_urls()``, in its order and paging, with each
        item's addresses computed once per language rather than once per link.
        """
        items = list(self.items())
        languages = self.languages or [code for code, _name in settings.LANGUAGES]
        zone = timezone.get_current_timezone()
        # Each item's address in each language, escaped once for its entry and its links.
        locations = {}
        for code in languages:
            with translation.override(code):
                locations[code] = [escape(base_url + path) for path in self.locations(items)]
        pairs = Paginator(range(len(items) * len(languages)), self.limit).page(page)
        entries = []
        latest = None
        all_have_lastmod = True
        links = None
        for pair in pairs.object_list:
            index, language = divmod(pair, len(languages))
            item = items[index]
            if language == 0 or links is None:
                links = self._alternate_links(locations, languages, index)
                lastmod = self.value_of("lastmod", item)
                changefreq = self.value_of("changefreq", item)
                priority = self.value_of("priority", item)
                details = "".join(
                    [
                        f"<lastmod>{sitemap_date(lastmod, zone)}</lastmod>" if lastmod else "",
                        f"<changefreq>{escape(changefreq)}</changefreq>" if changefreq else "",
                        f"<priority>{escape(priority)}</priority>"
                        if priority is not None and str(priority)
                        else "",
                    ]
                )
                if lastmod is None:
                    all_have_lastmod = False
                elif all_have_lastmod:
                    latest = lastmod if latest is None else max(latest, lastmod)
            location = locations[languages[language]][index]
            entries.append(f"<url><loc>{location}</loc>{details}{links}</url>")
        return entries, latest if all_have_lastmod else None

    def value_of(self, name, item):
        """An entry's ``lastmod``, ``changefreq`` or ``priority``: the attribute of that
        name, or what the method of that name returns for the item (as Django's sitemaps
        read them; the same in every language here)."""
        value = getattr(self, name, None)
        return value(item) if callable(value) else value

    def locations(self, items):
        """The path of each item's page in the active language."""
        return [self.location(item) for item in items]

    def _alternate_links(self, locations, languages, index):
        if not self.alternates:
            return ""
        links = [
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{locations[code][index]}"/>'
            for code in languages
        ]
        if self.x_default and settings.LANGUAGE_CODE in languages:
            # What each page names as its own x-default. "/en/" reads the same escaped or not.
            location = x_default_url(locations[settings.LANGUAGE_CODE][index])
            links.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{location}"/>')
        return "".join(links)


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
    """Every published department's structure page; ``lastmod`` is the day its
    publication went live."""

    changefreq = "weekly"

    def items(self):
        # (slug, date live from) rows rather than models: thousands of model
        # instances would cost more than the rest of the sitemap. The database
        # gives the date in the current time zone, as the template would write it.
        return (
            Department.objects.published()
            .order_by("sort_order", "slug")
            .values_list("slug", TruncDate("live_from"))
        )

    def location(self, item):
        slug, _live_from = item
        return department_url(slug)

    def locations(self, items):
        return department_urls([slug for slug, _live_from in items])

    def lastmod(self, item):
        _slug, live_from = item
        return live_from


SITEMAPS = {"pages": StaticPagesSitemap, "departments": DepartmentSitemap}


@x_robots_tag
def sitemap(request, sitemaps):
    """``/sitemap.xml`` (``?p=`` for the next 50,000 addresses), as Django's sitemap view.

    Every section is a ``TranslatedSitemap``. ``Last-Modified`` is sent when
    every entry has a ``lastmod``, as Django does.
    """
    entries = []
    latest = []
    for section in sitemaps.values():
        if callable(section):
            section = section()
        base_url = f"{section.get_protocol(request.scheme)}://{request.get_host()}"
        try:
            section_entries, section_latest = section.xml_entries(request.GET.get("p", 1), base_url)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        entries += section_entries
        latest.append(section_latest)
    headers = None
    if latest and None not in latest:
        moment = max(latest_moment(value) for value in latest)
        headers = {"Last-Modified": http_date(moment.timestamp())}
    return HttpResponse(
        XML_START + "".join(entries) + XML_END, content_type="application/xml", headers=headers
    )
