"""Site-wide pieces that every app may import: the site's settings, the base of a department's
page items and the label of a choice.

This package imports nothing of the portal's apps or project.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def generate_code():
    """A short, stable identifier for a child row an editor did not name."""
    return secrets.token_hex(4)


def choice_label(choices, value):
    """What ``get_FOO_display()`` gives for a value of a field with these ``choices``.

    Django's method translates the label of every choice to find the value's
    one; pages show such labels for every affiliated unit and contact.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class DepartmentChildManager(models.Manager):
    """Natural keys of a department's items: (the department's slug, the item's code), among
    the drafts (a publication copies the codes of its draft)."""

    def get_by_natural_key(self, department_slug, code):
        return self.get(department__slug=department_slug, department__draft__isnull=True, code=code)


class DepartmentChild(models.Model):
    """An ordered item of a department's page, addressed by (department, code).

    Subclasses declare their ``department`` foreign key (``departments.Department``), with
    a related name of their own.
    """

    code = models.SlugField(
        _("code"),
        max_length=60,
        blank=True,
        help_text=_("Stable identifier within the department; generated when left empty."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    objects = DepartmentChildManager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = generate_code()
        super().save(*args, **kwargs)

    def natural_key(self):
        return self.department.natural_key() + (self.code,)

    natural_key.dependencies = ["departments.department"]


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
        (``core.context_processors.site``): a filter on
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
