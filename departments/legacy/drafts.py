"""Which draft a page updates, or the new department it creates.

With a slug (``--slug``) the draft with that slug is updated, or created with
it. Otherwise the draft whose name in the page's language equals the page's
name; otherwise, for an English page, the draft whose slug is the slugified
name, or a new draft with that slug. A Chinese page that matches nothing needs
a slug (no pinyin is made up), and is refused without one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from ..models import Department, DepartmentKind, Government
from .problems import ImportRefused, Problem
from .results import Change

TRANSLATED = {"name", "introduction", "text", "full_name", "label", "value"}


@dataclass
class ImportOptions:
    slug: str = ""
    government: Government | None = None
    kind: str = DepartmentKind.COMPONENT
    publish: bool = False
    dry_run: bool = False
    user: object = None
    # Each folder holds one department's pages: a Chinese page updates the department
    # of the one English page beside it (``departments.legacy.import_each``).
    folder_per_department: bool = False


def field_label(model, base, language):
    label = str(model._meta.get_field(base).verbose_name)
    return f"{label} ({language})" if base in TRANSLATED else label


class DraftLocator:
    """Finds (or makes) the draft one page updates; DraftWriter's base."""

    def __init__(self, page, options):
        self.page = page
        self.options = options
        self.language = page.language
        self.changes = []

    def column(self, base):
        return build_localized_fieldname(base, self.language)

    def refuse(self, message):
        raise ImportRefused([Problem(None, "", message)])

    # Which draft.

    def locate(self):
        page, options = self.page, self.options
        drafts = Department.objects.drafts()
        if options.slug:
            draft = drafts.filter(slug=options.slug).first()
            return self.editable(draft) if draft else self.new_department(options.slug)
        matches = list(drafts.filter(**{f"{self.column('name')}__iexact": page.name}))
        if len(matches) > 1:
            self.refuse(
                _("Several departments are named “%(name)s”; give the slug of the one to update.")
                % {"name": page.name}
            )
        if matches:
            return self.editable(matches[0])
        if self.language != settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            self.refuse(
                _(
                    "No department is named “%(name)s” in %(language)s. Import the English page "
                    "first, or give the department's slug (--slug) to create or update it."
                )
                % {"name": page.name, "language": page.language_name}
            )
        slug = slugify(page.name)[:100].strip("-")
        if not slug:
            self.refuse(_("No slug can be made from the name; give one (--slug)."))
        draft = drafts.filter(slug=slug).first()
        return self.editable(draft) if draft else self.new_department(slug)

    def editable(self, draft):
        user = self.options.user
        if (
            user is not None
            and not Department.objects.editable_by(user).filter(pk=draft.pk).exists()
        ):
            self.refuse(
                _("You may not edit the department “%(name)s”.")
                % {"name": draft.name or draft.slug}
            )
        return draft

    def new_department(self, slug):
        government = self.options.government
        if government is None:
            governments = list(Government.objects.all()[:2])
            if not governments:
                self.refuse(_("Create the government the departments belong to first."))
            if len(governments) > 1:
                self.refuse(_("Choose the government of the new department (--government SLUG)."))
            government = governments[0]
        last = Department.objects.drafts().aggregate(last=models.Max("sort_order"))["last"]
        department = Department(
            government=government,
            slug=slug,
            kind=self.options.kind,
            sort_order=(last or 0) + 1,
        )
        subject = str(Department._meta.verbose_name)
        kind = department.get_kind_display()
        for base, value in (("slug", slug), ("government", government), ("kind", kind)):
            self.changes.append(
                Change("create", subject, field_label(Department, base, None), new=str(value))
            )
        return department
