"""An Atom feed of the published departments, newest publication first, in each language.

Every publication of a department is one entry: its ``<id>`` names the page and
the moment the publication went live, so a feed reader shows a republished
department as a new entry and the same publication never twice.
"""

import copy
from datetime import timezone as dt_timezone

from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from core.models import SiteSettings
from core.text import without_lead_in

from .models import Department

FEED_SIZE = 50


class PublishedDepartmentsFeed(Feed):
    """``/<lang>/government/structure/feed/``: what :model:`departments.Department` published.

    The language is the URL's: titles, links and summaries are in it.
    """

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: each request gets its own copy to
        # remember its request in (item_guid needs the host).
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self):
        return _("Government Structure: latest publications")

    def subtitle(self):
        return _(
            "The structure pages of the government's departments as last published, newest first."
        )

    def link(self):
        return reverse("departments:department_list")

    def feed_url(self):
        return reverse("departments:feed")

    def author_name(self):
        return SiteSettings.current().site_name or _("Government portal")

    def items(self):
        return (
            Department.objects.published()
            .select_related("government")
            .order_by("-live_from", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        # Atom's summary is HTML: the plain-text introduction is escaped here. Without the
        # page's list after it, the sentence leading into that list would dangle.
        return linebreaks(without_lead_in(item.introduction), autoescape=True)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        # To the second, as the pages and the API print it: live_from keeps its fraction of a
        # second, which orders two publications made within one second.
        return item.live_from.replace(microsecond=0)

    def item_updateddate(self, item):
        return item.live_from.replace(microsecond=0)

    def item_author_name(self, item):
        return item.government.name

    def item_guid(self, item):
        """A tag URI (RFC 4151) naming the page and the moment this publication went live."""
        live_from = item.live_from.astimezone(dt_timezone.utc)
        return "tag:{host},{date}:{path}#{moment}".format(
            host=split_domain_port(self.request.get_host())[0],
            date=live_from.strftime("%Y-%m-%d"),
            path=item.get_absolute_url(),
            moment=live_from.strftime("%Y%m%dT%H%M%S.%fZ"),
        )
