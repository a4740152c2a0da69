"""How citizens reach a department: address, telephones, email, website, hours.

Each ``Contact`` belongs to a ``departments.Department``; its kind decides how
its value is validated and rendered (``tel:``, ``mailto:`` or a web link).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import DepartmentChild, choice_label

PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")
POSTCODE_PATTERN = re.compile(r"^[0-9]{6}$")
# What a tel: link keeps of a telephone number.
NOT_DIALLED = re.compile(r"[^0-9+]")


class ContactKind(models.TextChoices):
    ADDRESS = "address", _("Address")
    TELEPHONE = "telephone", _("Telephone")
    COMPLAINT_TELEPHONE = "complaint-telephone", _("Complaint telephone")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    POSTCODE = "postcode", _("Postcode")
    WEBSITE = "website", _("Website")
    OFFICE_HOURS = "office-hours", _("Office hours")


TELEPHONE_KINDS = {ContactKind.TELEPHONE, ContactKind.COMPLAINT_TELEPHONE, ContactKind.FAX}


def contact_label(label, kind):
    """What a contact is called on the page: its own label, else its kind's name."""
    return label or choice_label(ContactKind, kind)


def contact_href(kind, value):
    """The link a citizen follows to a contact of this kind and value, or None for plain text."""
    if kind in (ContactKind.TELEPHONE, ContactKind.COMPLAINT_TELEPHONE):
        return "tel:" + NOT_DIALLED.sub("", value)
    if kind == ContactKind.EMAIL:
        return "mailto:" + value
    if kind == ContactKind.WEBSITE:
        return value
    return None


class Contact(DepartmentChild):
    """One contact detail of a department, labelled per language."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ContactKind.choices)
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        help_text=_(
            'Shown before the value, e.g. "Public Telephone"; the kind\'s name when empty.'
        ),
    )
    value = models.CharField(
        _("value"),
        max_length=500,
        help_text=_("Telephone numbers with area code, e.g. 0571-87286688."),
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_contact_code")
        ]

    def __str__(self):
        return f"{self.display_label}: {self.value}"

    @property
    def display_label(self):
        return contact_label(self.label, self.kind)

    @property
    def href(self):
        """The link a citizen follows, or None for plain text."""
        return contact_href(self.kind, self.value)

    def clean(self):
        super().clean()
        # Every language column holds the same number or address for these
        # kinds, so each is checked.
        for language, _name in settings.LANGUAGES:
            field = "value_" + language.replace("-", "_")
            value = getattr(self, field, None)
            if value:
                self.validate_value(value, field)

    def validate_value(self, value, field):
        error = self.value_error(value.strip())
        if error:
            raise ValidationError({field: error})

    def value_error(self, value):
        """The ValidationError for a value unfit for this kind, or None."""
        if self.kind in TELEPHONE_KINDS and not PHONE_PATTERN.match(value):
            return ValidationError(
                _("Enter a telephone number such as 0571-87286688."), code="invalid_phone"
            )
        if self.kind == ContactKind.POSTCODE and not POSTCODE_PATTERN.match(value):
            return ValidationError(_("Enter a six-digit postcode."), code="invalid_postcode")
        validators = {
            ContactKind.EMAIL: (
                EmailValidator(),
                ValidationError(_("Enter a valid email address."), code="invalid_email"),
            ),
            ContactKind.WEBSITE: (
                URLValidator(schemes=["http", "https"]),
                ValidationError(
                    _("Enter a full web address starting with http:// or https://."),
                    code="invalid_url",
                ),
            ),
        }
        if self.kind in validators:
            validator, error = validators[self.kind]
            try:
                validator(value)
            except ValidationError:
                return error
        return None
