"""The versions of what groups of public pages show: the *topics* of ``delivery.page_cache``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageVersion(models.Model):
    """The version of a topic: a random token, replaced in the same transaction as the
    publication, withdrawal or edit that changes its pages, so that it can neither be
    lost nor come back when the cache (Redis) loses writes or restarts from an old
    snapshot. A topic without a row has the empty version.
    """

    topic = models.CharField(_("topic"), max_length=150, primary_key=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        ordering = ["topic"]

    def __str__(self):
        return f"{self.topic}: {self.token}"
