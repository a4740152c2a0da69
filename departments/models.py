"""A government's departments and what their structure page says of them.

A ``Government`` (the People's Government of Zhejiang Province) has many
``Department``s. Each department lists its numbered ``Responsibility`` items,
its internal ``Institution``s (some of which handle the routine work of
another) and its ``AffiliatedUnit``s. Contact details live in the ``contacts``
app. Children are identified by a code that is unique within their
department, so that fixtures and imports address them by natural key.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def generate_code():
    """A short, stable identifier for a child row an editor did not name."""
    return secrets.token_hex(4)


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class GovernmentQuerySet(models.QuerySet):
    def with_published_department_count(self):
        return self.annotate(
            department_count=models.Count(
                "departments", filter=models.Q(departments__is_published=True)
            )
        )


class GovernmentManager(SlugManager.from_queryset(GovernmentQuerySet)):
    pass


class Government(models.Model):
    """The government that departments belong to."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    objects = GovernmentManager()

    class Meta:
        verbose_name = _("government")
        verbose_name_plural = _("governments")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class DepartmentKind(models.TextChoices):
    """The place of a department in the provincial government's structure."""

    COMPONENT = "component", _("Component department")
    SPECIAL = "special", _("Directly affiliated special institution")
    AFFILIATED = "affiliated", _("Directly affiliated institution")
    ADMINISTRATION = "administration", _("Departmental administration")
    PUBLIC_INSTITUTION = "public-institution", _("Directly affiliated public institution")


class DepartmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_structure(self):
        """Everything the structure page renders, in a fixed number of queries."""
        return self.select_related("government").prefetch_related(
            "responsibilities",
            models.Prefetch(
                "institutions",
                queryset=Institution.objects.prefetch_related("routine_work_handled_by"),
            ),
            "affiliated_units",
            "contacts",
        )


class DepartmentManager(SlugManager.from_queryset(DepartmentQuerySet)):
    pass


class Department(models.Model):
    """A department of a government, as shown on its structure page."""

    government = models.ForeignKey(
        Government,
        verbose_name=_("government"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Part of the page's address; the same in every language."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=DepartmentKind.choices,
        default=DepartmentKind.COMPONENT,
    )
    name = models.CharField(_("name"), max_length=200)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("What the department is; shown above its responsibilities."),
    )
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("Shown on the page as its date, in Beijing time."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published departments are visible to the public."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("departments:department_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @staticmethod
    def group_by_kind(departments):
        """[(kind label, [department, ...]), ...] in the order the kinds are declared."""
        groups = {kind: [] for kind in DepartmentKind}
        for department in departments:
            groups[DepartmentKind(department.kind)].append(department)
        return [(kind.label, members) for kind, members in groups.items() if members]

    @property
    def directly_affiliated_units(self):
        return [
            unit
            for unit in self.affiliated_units.all()
            if unit.relation == AffiliatedUnit.Relation.DIRECTLY_AFFILIATED
        ]

    @property
    def managed_units(self):
        return [
            unit
            for unit in self.affiliated_units.all()
            if unit.relation == AffiliatedUnit.Relation.MANAGED
        ]

    @property
    def institutions_with_handlers(self):
        """Institutions whose routine work other institutions handle."""
        return [
            institution
            for institution in self.institutions.all()
            if institution.routine_work_handled_by.all()
        ]


class DepartmentChildManager(models.Manager):
    def get_by_natural_key(self, department_slug, code):
        return self.get(department__slug=department_slug, code=code)


class DepartmentChild(models.Model):
    """An ordered item of a department's page, addressed by (department, code)."""

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


class Responsibility(DepartmentChild):
    """One of a department's main responsibilities; its number comes from its order."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    text = models.TextField(_("text"))

    class Meta(DepartmentChild.Meta):
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"], name="unique_responsibility_code"
            )
        ]

    def __str__(self):
        return self.text[:80]


class Institution(DepartmentChild):
    """An internal institution of a department (a division, office or bureau)."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="institutions",
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("As listed among the department's institutions."),
    )
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        help_text=_("Used in sentences such as who handles another's routine work."),
    )
    routine_work_handled_by = models.ManyToManyField(
        "self",
        verbose_name=_("routine work handled by"),
        symmetrical=False,
        blank=True,
        related_name="handles_routine_work_of",
        help_text=_("Institutions of the same department that handle its routine work."),
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_institution_code")
        ]

    def __str__(self):
        return self.name

    @property
    def display_full_name(self):
        return self.full_name or self.name

    @property
    def handlers(self):
        """Handling institutions in page order, from the prefetched relation."""
        return sorted(
            self.routine_work_handled_by.all(), key=lambda handler: (handler.sort_order, handler.pk)
        )


class AffiliatedUnit(DepartmentChild):
    """A unit outside the department that it directly governs or manages."""

    class Relation(models.TextChoices):
        DIRECTLY_AFFILIATED = "directly-affiliated", _("Directly affiliated")
        MANAGED = "managed", _("Managed")

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="affiliated_units",
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(
        _("relation"),
        max_length=30,
        choices=Relation.choices,
        default=Relation.DIRECTLY_AFFILIATED,
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("affiliated unit")
        verbose_name_plural = _("affiliated units")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_unit_code")
        ]

    def __str__(self):
        return self.name


def validate_handlers(institution, handlers):
    """Raise ValidationError unless every handler is another institution of the same department."""
    for handler in handlers:
        if handler.department_id != institution.department_id:
            raise ValidationError(
                _("%(name)s belongs to another department.") % {"name": handler},
                code="foreign_handler",
            )
        if institution.pk and handler.pk == institution.pk:
            raise ValidationError(
                _("An institution cannot handle its own routine work."), code="self_handler"
            )
