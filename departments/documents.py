"""The publication document: every fact a published structure page shows, stored once.

Publishing builds it from the draft (:func:`build`) and stores it on the publication
(``Department.document``). The structure page, its organization chart and JSON-LD, the
API's detail and the statically published files all read it, through
``departments.structure_page.StructurePage``; the staff preview builds the same document
from the draft, so it shows exactly what publishing would.

A document holds facts, each text in every language as editors typed it, and codes (the
department's kind, each unit's relation, each contact's kind, the government's slug)
rather than labels: labels come from the catalogue when a page is rendered, so a change
of wording needs no republishing. Its shape is :class:`PublicationDocument`, versioned by
``SCHEMA_VERSION``; a stored document of another version, or one that does not validate,
is rebuilt from the publication's own rows (which the directory, search and the feed keep),
never misread: on reading (:func:`stored_or_rebuilt`) and, for every publication, after
each ``migrate`` (:func:`rebuild_outdated`).
"""

import datetime
import logging
from typing import Literal

from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname, resolution_order
from pydantic import BaseModel, ConfigDict, ValidationError

from .models import Department

logger = logging.getLogger(__name__)

# Bump with any change to the classes below; stored documents of other versions are rebuilt.
SCHEMA_VERSION = 2
# Versions: 2 added whether each list names all its items (``*_not_exhaustive``).

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)

# A text in each language it was filled in for ({"en": ..., "zh-hans": ...}); a language
# left empty is absent.
Text = dict[str, str]

# Publications whose documents are rebuilt per UPDATE batch.
REBUILD_BATCH = 200


class Facts(BaseModel):
    """A part of a document: closed, so that a document of another shape never validates."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageFacts(Facts):
    """A stored image (its renditions are named after it) and its description."""

    name: str
    width: int
    height: int
    alt: Text


class ResponsibilityFacts(Facts):
    code: str
    text: Text


class InstitutionFacts(Facts):
    code: str
    name: Text
    full_name: Text
    # Codes of the institutions of the same department that handle its routine work.
    handled_by: list[str]
    # True when ``handled_by`` names only some of them ("…, etc.").
    handlers_not_exhaustive: bool


class UnitFacts(Facts):
    code: str
    name: Text
    relation: str


class LeaderFacts(Facts):
    code: str
    name: Text
    post: Text
    duties: Text
    biography: Text
    photo: ImageFacts | None


class ContactFacts(Facts):
    code: str
    kind: str
    label: Text
    value: Text


class PublicationDocument(Facts):
    """What a publication's structure page shows, in page order."""

    schema_version: Literal[SCHEMA_VERSION]
    slug: str
    kind: str
    government: str
    name: Text
    introduction: Text
    emblem: ImageFacts | None
    published_at: datetime.datetime
    responsibilities: list[ResponsibilityFacts]
    institutions: list[InstitutionFacts]
    # True when a list names only some of its items ("including …, etc.").
    institutions_not_exhaustive: bool
    affiliated_units: list[UnitFacts]
    directly_affiliated_units_not_exhaustive: bool
    managed_units_not_exhaustive: bool
    leaders: list[LeaderFacts]
    contacts: list[ContactFacts]


def text(instance, field):
    """The field's value in each language where it is filled in."""
    values = {}
    for code in LANGUAGE_CODES:
        value = getattr(instance, build_localized_fieldname(field, code), None)
        if value:
            values[code] = value
    return values


def in_language(values, language):
    """A ``Text`` in ``language``, falling back as modeltranslation does (to English)."""
    return first_filled(values, resolution_order(language))


def first_filled(values, order):
    """A ``Text`` in the first language of ``order`` (a ``resolution_order``) filled in."""
    for code in order:
        value = values.get(code)
        if value:
            return value
    return ""


def image(instance, field, alt_field):
    """The image in ``field`` of a row (with the size its model keeps), or None."""
    name = str(getattr(instance, field) or "")
    if not name:
        return None
    width = getattr(instance, f"{field}_width", None)
    height = getattr(instance, f"{field}_height", None)
    if not (width and height):
        field_file = getattr(instance, field)
        width, height = field_file.width, field_file.height
    return ImageFacts(name=name, width=width, height=height, alt=text(instance, alt_field))


def in_page_order(children):
    return sorted(children, key=lambda child: (child.sort_order, child.pk))


# The children a document holds, by their relation's name on Department.
CHILDREN = ("responsibilities", "institutions", "affiliated_units", "leaders", "contacts")


def with_children(departments):
    """The departments with what their documents hold, each kind of child read once for all
    of them (``prefetch_related``)."""
    return departments.select_related("government").prefetch_related(
        *CHILDREN, "institutions__routine_work_handled_by"
    )


def build(department):
    """The document of a department (a draft or a publication), read from its rows."""
    return from_rows(with_children(Department.objects.filter(pk=department.pk)).get())


def from_rows(department):
    """The document of a department read with ``with_children``."""
    children = {name: in_page_order(getattr(department, name).all()) for name in CHILDREN}
    handlers = {
        institution.pk: [
            handler.pk for handler in in_page_order(institution.routine_work_handled_by.all())
        ]
        for institution in children["institutions"]
    }
    return assemble(department, department.government.slug, children, handlers)


def assemble(department, government_slug, children, handlers):
    """The document of ``department`` from its rows, read by the caller.

    ``children`` holds each relation of ``CHILDREN``'s rows in page order; ``handlers``
    the primary keys of each institution's handlers, in page order. Rows are read only
    through their fields' attribute names (``name_en``, ``emblem``, ...).
    """
    codes = {institution.pk: institution.code for institution in children["institutions"]}
    return PublicationDocument(
        schema_version=SCHEMA_VERSION,
        slug=department.slug,
        kind=department.kind,
        government=government_slug,
        name=text(department, "name"),
        introduction=text(department, "introduction"),
        emblem=image(department, "emblem", "emblem_alt"),
        published_at=department.published_at,
        responsibilities=[
            ResponsibilityFacts(code=row.code, text=text(row, "text"))
            for row in children["responsibilities"]
        ],
        institutions=[
            InstitutionFacts(
                code=institution.code,
                name=text(institution, "name"),
                full_name=text(institution, "full_name"),
                # Only institutions of the same department can handle another's routine
                # work (validate_handlers); the admin and the importer save no other.
                handled_by=[codes[pk] for pk in handlers.get(institution.pk, ()) if pk in codes],
                handlers_not_exhaustive=institution.routine_work_handlers_not_exhaustive,
            )
            for institution in children["institutions"]
        ],
        institutions_not_exhaustive=department.institutions_not_exhaustive,
        affiliated_units=[
            UnitFacts(code=unit.code, name=text(unit, "name"), relation=unit.relation)
            for unit in children["affiliated_units"]
        ],
        directly_affiliated_units_not_exhaustive=(
            department.directly_affiliated_units_not_exhaustive
        ),
        managed_units_not_exhaustive=department.managed_units_not_exhaustive,
        leaders=[
            LeaderFacts(
                code=leader.code,
                name=text(leader, "name"),
                post=text(leader, "post"),
                duties=text(leader, "duties"),
                biography=text(leader, "biography"),
                photo=image(leader, "photo", "photo_alt"),
            )
            for leader in children["leaders"]
        ],
        contacts=[
            ContactFacts(
                code=contact.code,
                kind=contact.kind,
                label=text(contact, "label"),
                value=text(contact, "value"),
            )
            for contact in children["contacts"]
        ],
    )


def stored(document):
    """What a publication's ``document`` column holds for ``document``."""
    return document.model_dump(mode="json")


def read(data):
    """The stored document (as JSON text, or decoded), or None if it is missing, of another
    version or malformed."""
    if not data:
        return None
    try:
        if isinstance(data, str | bytes):
            return PublicationDocument.model_validate_json(data)
        return PublicationDocument.model_validate(data)
    except ValidationError:
        logger.info("A stored publication document is outdated or malformed; rebuilding it.")
        return None


def stored_or_rebuilt(publication_pk, data, using=None):
    """The document stored as ``data`` on a publication, rebuilt (and stored) if outdated."""
    document = read(data)
    if document is not None:
        return document
    return rebuild(publication_pk, using=using)


def rebuild(publication_pk, using=None):
    """Build a publication's document again from its rows, and store it."""
    publications = Department.objects.using(using or "default").filter(pk=publication_pk)
    document = from_rows(with_children(publications).get())
    publications.update(document=stored(document))
    return document


def outdated(queryset):
    """Publications of ``queryset`` without a document of the current version."""
    publications = queryset.filter(draft__isnull=False)
    return publications.filter(
        models.Q(document__isnull=True)
        | ~models.Q(document__schema_version=SCHEMA_VERSION)
        | models.Q(document__schema_version__isnull=True)
    )


def rebuild_outdated(using="default"):
    """Rebuild every publication's document that is missing or of another version, a batch
    of publications at a time."""
    publications = Department.objects.using(using)
    pks = list(outdated(publications).values_list("pk", flat=True))
    for start in range(0, len(pks), REBUILD_BATCH):
        batch = list(with_children(publications.filter(pk__in=pks[start : start + REBUILD_BATCH])))
        for publication in batch:
            publication.document = stored(from_rows(publication))
        publications.bulk_update(batch, ["document"])
    return len(pks)


def rebuild_after_migrate(sender, apps=None, using="default", **kwargs):
    """``post_migrate``: documents a new schema version (or a migration) left outdated.

    ``apps`` is the migrated state (``migrate``); ``flush`` sends none.
    """
    if apps is not None:
        state_model = apps.get_model("departments", "Department")
        if not any(field.name == "document" for field in state_model._meta.get_fields()):
            # Migrated back to before documents existed.
            return
    count = rebuild_outdated(using)
    if count:
        logger.info("Rebuilt the documents of %d publications.", count)
