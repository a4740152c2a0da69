"""The open-data API described once: its answers, errors and query parameters as pydantic
models, from which ``departments.api_document`` generates the OpenAPI 3.1 document.

The views (``departments.api``) build every answer as one of these models and serialise
it, so an answer cannot have a field the document lacks, or lack one it has. Every object
is closed (``additionalProperties: false``) and lists all its properties as required, so
that ``tests/test_api.py``, which validates real responses against the served document,
fails on any field added, renamed or dropped. Vocabularies (languages, kinds, relations,
kinds of contact, page sizes) come from the settings and the models' choices. The
document is in English, like the codes it describes; model docstrings are its
descriptions.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.utils import timezone
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
)
from pydantic.json_schema import SkipJsonSchema

from contacts.models import ContactKind

from . import models

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"
URL_PATTERN = r"^https?://"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
ERROR_CODES = ("invalid_parameter", "not_found", "method_not_allowed", "service_unavailable")


def one_of(values):
    """The type of a string from a fixed vocabulary (an ``enum`` in the document)."""
    return Literal[tuple(values)]


Language = one_of(LANGUAGE_CODES)
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Url = Annotated[str, Field(pattern=URL_PATTERN, json_schema_extra={"format": "uri"})]


def numbered_anchor(prefix):
    """A fragment of the structure page: ``prefix``-number."""
    return Annotated[str, Field(pattern=rf"^{prefix}-[1-9][0-9]*$")]


def moment(value):
    """ISO 8601 in the portal's time zone (Beijing time, +08:00), to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds")


Moment = Annotated[
    datetime,
    PlainSerializer(moment, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]


def number_field(description, minimum=0, **constraints):
    return Field(description=description, ge=minimum, **constraints)


class Closed(BaseModel):
    """An object with exactly its fields, all required (unless a default says otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)


# --- Answers ------------------------------------------------------------------------------


def code_field():
    return Field(description="Stable code, the same in every language.")


def label_field():
    return Field(description="Name of the code in the response's language.")


class DepartmentKindCode(Closed):
    """Place of the department in the government's structure."""

    code: one_of(models.DepartmentKind.values) = code_field()
    label: str = label_field()


class RelationCode(Closed):
    """How an affiliated unit relates to the department."""

    code: one_of(models.AffiliatedUnit.Relation.values) = code_field()
    label: str = label_field()


class ContactKindCode(Closed):
    """What a contact's value is."""

    code: one_of(ContactKind.values) = code_field()
    label: str = label_field()


class Government(Closed):
    """The government the department belongs to."""

    slug: Slug
    name: str


Alternates = create_model(
    "Alternates",
    __base__=Closed,
    __doc__="The structure page in every language, by language code.",
    **{
        code.replace("-", "_"): (
            Url,
            Field(alias=code, description=f"The structure page in {code}."),
        )
        for code in LANGUAGE_CODES
    },
)


class Localized(Closed):
    lang: Language = Field(description="Language of the response.")


class DepartmentSummary(Closed):
    """A published department, as listed."""

    slug: Slug = Field(description="Stable identifier; also part of the page's address.")
    name: str = Field(description="Name of the department.")
    kind: DepartmentKindCode
    government: Government
    url: Url = Field(description="The department's structure page in the response's language.")
    alternates: Alternates
    api_url: Url = Field(description="This department in this API, in the response's language.")
    published_at: Moment = Field(description="The page's date, in Beijing time (+08:00).")
    updated_at: Moment = Field(
        description="When the publication now shown went live, in Beijing time (+08:00)."
    )


class DepartmentList(Closed):
    """One page of published departments, in directory order."""

    count: int = number_field("Departments on all pages together.")
    page: int = number_field("This page's number.", minimum=1)
    page_size: int = number_field("Departments per page.", minimum=1, le=MAX_PAGE_SIZE)
    num_pages: int = number_field("Number of pages (1 when there is none).", minimum=1)
    next: Url | None = Field(description="The next page, or null on the last.")
    previous: Url | None = Field(description="The previous page, or null on the first.")
    lang: Language = Field(description="Language of the response.")
    results: list[DepartmentSummary] = Field(description="The departments of this page.")


class Image(Closed):
    """An image in the sizes the page serves: WebP, with JPEG for older browsers."""

    src: Url = Field(description="The largest JPEG rendition.")
    srcset_webp: str = Field(description="WebP renditions, as an HTML srcset.")
    srcset_jpeg: str = Field(description="JPEG renditions, as an HTML srcset.")
    width: int = number_field("Width of src in pixels.", minimum=1)
    height: int = number_field("Height of src in pixels.", minimum=1)
    alt: str = Field(description="Text that replaces the image for those who cannot see it.")


def identifier_field():
    return Field(description="Stable identifier within the department.")


class Responsibility(Closed):
    """One of the department's main responsibilities."""

    number: int = number_field("Its number on the page, from 1.", minimum=1)
    anchor: numbered_anchor("responsibility") = Field(
        description="Fragment of the item on the page."
    )
    code: Slug = identifier_field()
    text: str


class Institution(Closed):
    """An internal institution (division, office or bureau)."""

    number: int = number_field("Its position on the page, from 1.", minimum=1)
    anchor: numbered_anchor("institution") = Field(description="Fragment of the item on the page.")
    code: Slug = identifier_field()
    name: str
    full_name: str = Field(description="Name used in sentences; the name when there is no other.")
    routine_work_handled_by: list[Slug] = Field(
        description="Codes of the institutions that handle its routine work, in page order."
    )
    handles_routine_work_of: list[Slug] = Field(
        description="Codes of the institutions whose routine work it handles, in page order."
    )
    routine_work_handlers_not_exhaustive: bool = Field(
        description="True when routine_work_handled_by names only some of them "
        "(the page says “…, etc.”)."
    )


class AffiliatedUnit(Closed):
    """A unit outside the department that it directly governs or manages."""

    anchor: numbered_anchor("unit") = Field(description="Fragment of the unit's name on the page.")
    code: Slug = identifier_field()
    name: str
    relation: RelationCode


class Leader(Closed):
    """A leader of the department."""

    anchor: numbered_anchor("leader") = Field(description="Fragment of the leader on the page.")
    code: Slug = identifier_field()
    name: str
    post: str
    duties: str = Field(description="Areas of responsibility; may be empty.")
    biography: str = Field(description="Short CV; may be empty.")
    photo: Image | None


class Contact(Closed):
    """One way to reach the department."""

    anchor: str = Field(description="Fragment of the item on the page.", pattern=r"^contact-")
    code: Slug = identifier_field()
    kind: ContactKindCode
    label: str = Field(description="Shown before the value; the kind's name when none is given.")
    value: str
    href: Annotated[str, Field(pattern=r"^(tel:|mailto:|https?://)")] | None = Field(
        description="Link to follow: tel: for telephones, mailto: for email, the address "
        "for websites; null for text."
    )


class Department(DepartmentSummary, Localized):
    """Every fact of a published department's structure page."""

    # (Localized comes last among the bases so that ``lang`` is the first property.)
    introduction: str = Field(description="What the department is; paragraphs separated by \\n.")
    emblem: Image | None
    responsibilities: list[Responsibility] = Field(description="Numbered, in page order.")
    institutions: list[Institution] = Field(description="Internal institutions in page order.")
    institutions_not_exhaustive: bool = Field(
        description="True when institutions lists only some of them "
        "(the page says “including …, etc.”)."
    )
    affiliated_units: list[AffiliatedUnit] = Field(description="In page order.")
    directly_affiliated_count: int = number_field(
        "Directly affiliated units listed: all of them unless "
        "directly_affiliated_units_not_exhaustive."
    )
    directly_affiliated_units_not_exhaustive: bool = Field(
        description="True when the directly affiliated units listed are only some of them."
    )
    managed_count: int = number_field(
        "Units the department manages listed: all of them unless managed_units_not_exhaustive."
    )
    managed_units_not_exhaustive: bool = Field(
        description="True when the managed units listed are only some of them."
    )
    leaders: list[Leader] = Field(description="In page order.")
    contacts: list[Contact] = Field(description="In page order.")


# --- Query parameters -----------------------------------------------------------------------


def without_default(schema):
    """A property that is absent rather than null when not given has no default to show."""
    del schema["default"]


def whole_number(value):
    """A query value of ASCII digits only, as a number.

    Refuses what pydantic's lax mode would read as a number (" 2", "+2", "1_0", "1.0", a
    number of thousands of digits, which ``int`` refuses), so that a program never gets an
    answer for a value the document does not allow.
    """
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError("not a whole number")
    return int(value)


WholeNumber = Annotated[int, BeforeValidator(whole_number)]


class LanguageQuery(BaseModel):
    """The query parameters of a department and of this document."""

    lang: Language = Field(
        DEFAULT_LANGUAGE,
        description="Language of names, texts and links; the default when left out.",
    )


class ListQuery(LanguageQuery):
    """The query parameters of the list."""

    kind: one_of(models.DepartmentKind.values) | SkipJsonSchema[None] = Field(
        None,
        description="Only departments of this kind. Without it, every kind.",
        json_schema_extra=without_default,
    )
    page: WholeNumber = Field(
        1, ge=1, description="Page number; a page after the last one answers 404."
    )
    page_size: WholeNumber = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Departments per page; more than {MAX_PAGE_SIZE} is refused with 400 "
        "(never silently reduced).",
    )


# Every query parameter the API reads, in the order it checks them.
PARAMETERS = tuple(ListQuery.model_fields)


# --- Errors ---------------------------------------------------------------------------------


class ErrorDetail(Closed):
    """The error."""

    code: one_of(ERROR_CODES) = Field(description="Machine-readable reason.")
    message: str = Field(description="Explanation for people, naming the parameter.")
    parameter: one_of(PARAMETERS) | SkipJsonSchema[None] = Field(
        None,
        description="The query parameter that was refused (invalid_parameter), or that names "
        "a page that does not exist (not_found).",
        json_schema_extra=without_default,
    )


class Error(Closed):
    """What went wrong."""

    error: ErrorDetail
