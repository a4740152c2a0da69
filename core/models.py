"""Site-wide pieces that every app may import: the base of a department's page items and the
label of a choice.

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
