"""A government's departments and what their structure page says of them.

A ``Government`` (the People's Government of Zhejiang Province) has many
``Department``s. Each department lists its numbered ``Responsibility`` items,
its internal ``Institution``s (some of which handle the routine work of
another), its ``AffiliatedUnit``s and its ``Leader``s. Contact details live in
the ``contacts`` app. Children are identified by a code that is unique within
their department, so that fixtures and imports address them by natural key.

Drafts and publications: the row editors change is the *draft* (``draft`` is
empty). Publishing copies the draft and all its children into a *publication*
row (``draft`` points at the draft) that goes live at ``live_from``. The public
pages show, per draft, the publication with the latest ``live_from`` that has
passed, so a scheduled publication takes over at its moment without any job.
See ``departments.services`` for publishing.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager, MultilingualQuerySet
from modeltranslation.utils import build_localized_fieldname

from core.models import DepartmentChild

from .addresses import RESERVED_SLUGS, department_url
from .images import generate_renditions

logger = logging.getLogger(__name__)


def ensure_renditions(image):
    """Smaller copies of a saved image for the public pages; made once, kept for publications."""
    if not image:
        return
    try:
        generate_renditions(image)
    except (OSError, ValueError):
        # A missing or unreadable original must not stop the save; the page
        # then shows the image without smaller sizes.
        logger.exception("Could not make renditions of %s", image.name)


def require_alt_text(instance, field, message):
    """An image needs its description in every language, for screen reader users."""
    missing = {
        build_localized_fieldname(field, language): ValidationError(message, code="alt_required")
        for language, _name in settings.LANGUAGES
        if not getattr(instance, build_localized_fieldname(field, language), "")
    }
    if missing:
        raise ValidationError(missing)


class TranslatedQuerySetManager(MultilingualManager):
    """modeltranslation's manager, for a queryset class that is multilingual itself (a
    subclass of ``MultilingualQuerySet``).

    modeltranslation's own ``get_queryset()`` turns a custom queryset multilingual by
    creating a new subclass of it on every call: a class per query, which costs more than
    building the query. Its queryset is returned as the class declares it instead.
    """

    def get_queryset(self):
        return models.Manager.get_queryset(self)


class GovernmentQuerySet(MultilingualQuerySet):
    def with_published_department_count(self):
        live = (
            Department.objects.published()
            .filter(government=models.OuterRef("pk"))
            .order_by()
            .values("government")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(department_count=models.functions.Coalesce(models.Subquery(live), 0))


class GovernmentManager(TranslatedQuerySetManager.from_queryset(GovernmentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


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


class PublicationState(models.TextChoices):
    DRAFT_ONLY = "draft-only", _("Draft only")
    PUBLISHED = "published", _("Published")
    CHANGED = "changed", _("Published, with unpublished changes")
    SCHEDULED = "scheduled", _("Scheduled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def newer_one_live(at):
    """True of a publication when a newer one of the same draft is live at ``at``."""
    return models.Exists(
        Department.objects.filter(
            draft=models.OuterRef("draft"),
            live_from__lte=at,
            live_from__gt=models.OuterRef("live_from"),
        )
    )


class DepartmentQuerySet(MultilingualQuerySet):
    def drafts(self):
        """The rows editors work on."""
        return self.filter(draft__isnull=True)

    def published(self, at=None):
        """The publications the public sees now (or at ``at``): one per department at most."""
        at = at or timezone.now()
        return self.filter(draft__isnull=False, live_from__lte=at).exclude(newer_one_live(at))

    def scheduled(self, at=None):
        """Publications that go live later than now (or ``at``)."""
        return self.filter(draft__isnull=False, live_from__gt=at or timezone.now())

    def superseded(self, at=None):
        """Publications that went live and were followed by a newer one: shown nowhere."""
        return self.filter(draft__isnull=False).filter(newer_one_live(at or timezone.now()))

    def holding_address(self, slug, *, other_than=None, at=None):
        """Live or scheduled publications at ``slug``, except those of the draft ``other_than``.

        One department per address: a draft whose slug another department's
        publication holds cannot be published until that one moves on.
        """
        at = at or timezone.now()
        publications = self.filter(draft__isnull=False, slug=slug)
        if other_than is not None:
            publications = publications.exclude(draft=other_than)
        return publications.exclude(newer_one_live(at))

    def next_scheduled_live_from(self, now):
        """When the next scheduled publication goes live (None if none is scheduled)."""
        return self.scheduled(now).aggregate(moment=models.Min("live_from"))["moment"]

    def in_directory_order(self):
        """By kind, in the order the kinds are declared, then by each department's order."""
        kind_position = models.Case(
            *(
                models.When(kind=kind, then=position)
                for position, kind in enumerate(DepartmentKind)
            ),
            output_field=models.IntegerField(),
        )
        return self.order_by(kind_position, "sort_order", "pk")

    def named_like(self, text):
        """Departments whose name, in either language, contains the text."""
        if not text:
            return self
        return self.filter(
            models.Q(name_en__icontains=text) | models.Q(name_zh_hans__icontains=text)
        )

    def editable_by(self, user):
        """Drafts the user may edit: all for superusers, else those assigned to them."""
        drafts = self.drafts()
        if user.is_superuser:
            return drafts
        if not user.is_active or not user.is_staff:
            return drafts.none()
        return drafts.filter(editors=user)

    def with_publication_state(self):
        """Annotates what ``publication_state`` needs, in the same query."""
        now = timezone.now()
        live = Department.objects.published(at=now).filter(draft=models.OuterRef("pk"))
        scheduled = Department.objects.filter(draft=models.OuterRef("pk"), live_from__gt=now)
        return self.annotate(
            live_content_changed_at=models.Subquery(live.values("content_changed_at")[:1]),
            # The public page's date: the one publication date the admin shows.
            live_published_at=models.Subquery(live.values("published_at")[:1]),
            scheduled_from=models.Subquery(
                scheduled.order_by("-live_from").values("live_from")[:1]
            ),
        )


class DepartmentManager(TranslatedQuerySetManager.from_queryset(DepartmentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug, draft__isnull=True)


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
    # A publication's date is its page's date, the one "publication date" the admin shows.
    # Publishing sets it (the moment the publication goes live, or the draft's date kept) and,
    # when it goes live at once, copies it back to the draft; editors do not type it.
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("Shown on the page as its date, in Beijing time."),
    )
    emblem = models.ImageField(
        _("emblem"),
        upload_to="emblems/",
        blank=True,
        width_field="emblem_width",
        height_field="emblem_height",
        help_text=_("PNG, JPEG or WebP, at most 10 MB."),
    )
    emblem_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    emblem_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    emblem_alt = models.CharField(
        _("emblem description"),
        max_length=200,
        blank=True,
        help_text=_("Read out to blind visitors instead of the emblem; required with an emblem."),
    )
    # Whether each list on the page names every item, as the page says it: a legacy page
    # that lists "…, etc." lists only some, and every sentence, the API and the
    # structured data must then not read as if the list were complete.
    institutions_not_exhaustive = models.BooleanField(
        _("the internal institutions listed are not all of them"),
        default=False,
        help_text=_("The page then says “including …, etc.”"),
    )
    directly_affiliated_units_not_exhaustive = models.BooleanField(
        _("the directly affiliated units listed are not all of them"),
        default=False,
        help_text=_("The page then names no count and says “including …, etc.”"),
    )
    managed_units_not_exhaustive = models.BooleanField(
        _("the managed units listed are not all of them"),
        default=False,
        help_text=_("The page then says “…, etc.”"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editors"),
        blank=True,
        related_name="assigned_departments",
        help_text=_("Staff who may edit (and, as publishers, publish) this department."),
    )

    # Publication bookkeeping; see the module docstring.
    draft = models.ForeignKey(
        "self",
        verbose_name=_("draft"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="publications",
    )
    live_from = models.DateTimeField(_("live from"), null=True, blank=True, editable=False)
    content_changed_at = models.DateTimeField(
        _("content changed"), default=timezone.now, editable=False
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    # What a publication's pages show, built once when it is published; see
    # departments.documents. Empty on drafts.
    document = models.JSONField(null=True, blank=True, editable=False)
    # The Chinese words of what search reads (departments.search_words); empty on drafts.
    search_words = models.TextField(
        _("search words"),
        blank=True,
        default="",
        editable=False,
        help_text=_("The Chinese words the search finds this by, written when it is published."),
    )

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "pk"]
        permissions = [("publish_department", _("Can publish and withdraw departments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(draft__isnull=True),
                name="unique_draft_slug",
            )
        ]
        indexes = [models.Index(fields=["draft", "live_from"], name="department_publication_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ensure_renditions(self.emblem)

    def get_absolute_url(self):
        return department_url(self.slug)

    def natural_key(self):
        return (self.slug,)

    def get_preview_url(self):
        return reverse("departments:department_preview", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            message = _("“%(slug)s” is taken by another page of the site.") % {"slug": self.slug}
            raise ValidationError({"slug": ValidationError(message, code="reserved_slug")})
        if self.emblem:
            require_alt_text(
                self, "emblem_alt", _("Describe the emblem for visitors who cannot see it.")
            )

    @property
    def is_draft(self):
        return self.draft_id is None

    @property
    def publication_state(self):
        """Needs ``with_publication_state()``; one of ``PublicationState``."""
        if self.scheduled_from:
            return PublicationState.SCHEDULED
        if self.live_content_changed_at is None:
            return PublicationState.WITHDRAWN if self.withdrawn_at else PublicationState.DRAFT_ONLY
        if self.content_changed_at > self.live_content_changed_at:
            return PublicationState.CHANGED
        return PublicationState.PUBLISHED

    @staticmethod
    def group_by_kind(departments):
        """[(kind label, [department, ...]), ...] in the order the kinds are declared."""
        groups = {kind: [] for kind in DepartmentKind}
        for department in departments:
            groups[DepartmentKind(department.kind)].append(department)
        return [(kind.label, members) for kind, members in groups.items() if members]


class Responsibility(DepartmentChild):
    """One of a department's main responsibilities; its number comes from its order."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    text = models.TextField(_("text"))
    search_terms = models.TextField(
        _("search terms"),
        blank=True,
        help_text=_(
            "Other words citizens use for what this covers, one per line: everyday and short "
            "names, and in English also pinyin. Searched with the text, never shown."
        ),
    )
    search_words = models.TextField(
        _("search words"),
        blank=True,
        default="",
        editable=False,
        help_text=_("The Chinese words the search finds this by, written when it is published."),
    )

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
    routine_work_handlers_not_exhaustive = models.BooleanField(
        _("the institutions handling its routine work listed are not all of them"),
        default=False,
        help_text=_("The page then says “handled by …, etc.”"),
    )
    search_words = models.TextField(
        _("search words"),
        blank=True,
        default="",
        editable=False,
        help_text=_("The Chinese words the search finds this by, written when it is published."),
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_institution_code")
        ]

    def __str__(self):
        return self.name


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
    search_words = models.TextField(
        _("search words"),
        blank=True,
        default="",
        editable=False,
        help_text=_("The Chinese words the search finds this by, written when it is published."),
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("affiliated unit")
        verbose_name_plural = _("affiliated units")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_unit_code")
        ]

    def __str__(self):
        return self.name


class Leader(DepartmentChild):
    """A leader of a department, disclosed by law (Regulations on Government Information
    Disclosure, art. 20): name, post, areas of responsibility, short CV and photo."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post"), max_length=200)
    duties = models.TextField(_("areas of responsibility"), blank=True)
    biography = models.TextField(_("short CV"), blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="leaders/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text=_("PNG, JPEG or WebP, at most 10 MB."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("Read out to blind visitors instead of the photo; required with a photo."),
    )

    class Meta(DepartmentChild.Meta):
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_leader_code")
        ]

    def __str__(self):
        return f"{self.name} ({self.post})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ensure_renditions(self.photo)

    def clean(self):
        super().clean()
        if self.photo:
            require_alt_text(
                self, "photo_alt", _("Describe the photo for visitors who cannot see it.")
            )


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
