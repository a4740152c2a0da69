"""Site-wide settings that editors change in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteSettings(models.Model):
    """The one row of editable site settings: the site's government, footer and ICP filing number.

    The site is named after its government (``site_name``), so that the government has
    one name, edited in one place: ``Government.name``.
    """

    SINGLETON_PK = 1

    government = models.ForeignKey(
        "departments.Government",
        verbose_name=_("government"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The government whose portal this is: the site is named after it."),
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    icp_filing_number = models.CharField(
        _("ICP filing number"),
        max_length=100,
        blank=True,
        help_text=_("The website's ICP filing (备案) number, shown in the footer."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        # There is one row of settings; whatever is saved becomes that row.
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, or an unsaved blank one before any is seeded.

        With its government, whose name is the site's. Read on every page
        (``portal.context_processors.site``): a filter on
        the primary key finds one row at most, so it needs neither the ORDER
        BY nor the LIMIT that ``first()`` would compile.
        """
        rows = list(cls.objects.select_related("government").filter(pk=cls.SINGLETON_PK))
        return rows[0] if rows else cls(pk=cls.SINGLETON_PK)

    @property
    def site_name(self):
        """The site's name: its government's, in the active language (or empty)."""
        return self.government.name if self.government is not None else ""

    @classmethod
    def current(cls):
        """The settings as the public pages show them (one query)."""
        return cls.load()
