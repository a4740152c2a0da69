"""A department's structure page in one language, read from its publication document.

``StructurePage(document, government_names)`` is what every output of a published
department reads: the structure page's template
(``templates/jinja2/departments/department_detail.html``), the organization chart
(``departments.org_chart``), the JSON-LD (``departments.structured_data``) and the API's
detail (``departments.api``). The facts are computed here once (numbers, anchors, who
handles whose routine work in both directions, the two groups of units, labels of codes
from the catalogue), so those outputs cannot drift apart. It reads no database.
"""

import functools
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext
from modeltranslation.utils import resolution_order

from contacts.models import ContactKind, contact_href, contact_label
from core.models import choice_label
from core.text import (
    item_number,
    join_list,
    number_in_words,
    summary,
    with_one_full_stop,
    without_lead_in,
)

from .addresses import department_url
from .documents import LANGUAGE_CODES, first_filled
from .models import AffiliatedUnit, DepartmentKind


@dataclass(slots=True)
class ResponsibilityItem:
    number: str
    label: str
    code: str
    text: str


@dataclass(slots=True, eq=False)
class InstitutionItem:
    number: str
    code: str
    name: str
    # The full name where one is filled in for this language, else the name: what
    # sentences such as who handles another's routine work say.
    full_name: str
    # The institutions that handle this one's routine work, and those it handles.
    handlers: list = field(default_factory=list)
    handles: list = field(default_factory=list)
    # True when ``handlers`` are only some of them ("…, etc.").
    handlers_not_exhaustive: bool = False


@dataclass(slots=True)
class UnitItem:
    number: str
    code: str
    name: str
    relation: str
    relation_label: str


@dataclass(slots=True)
class LeaderItem:
    number: str
    code: str
    name: str
    post: str
    duties: str
    biography: str
    photo: object
    photo_alt: str


@dataclass(slots=True)
class ContactItem:
    number: str
    code: str
    kind: str
    kind_label: str
    label: str
    href: str | None
    value: str


class StructurePage:
    """A publication document (``departments.documents.PublicationDocument``) in one
    language, ready to print: texts with the language's fallbacks applied, items numbered
    (their anchors are ``#institution-3``, ``#unit-2``, ...), codes with their labels.

    ``government_names`` is the ``Text`` of the government's name, which is not part of
    the document (renaming the government changes every page without republishing).
    """

    def __init__(self, document, government_names, language=None):
        self.document = document
        self.language = language = language or translation.get_language()

        # The fallback order once for the page's fifty-odd texts, not once for each.
        order = resolution_order(language)

        def local(values):
            return first_filled(values, order)

        self.slug = document.slug
        self.url = department_url(document.slug)
        self.kind = document.kind
        self.kind_label = choice_label(DepartmentKind, document.kind)
        self.government_slug = document.government
        self.government_name = local(government_names)
        self.name = local(document.name)
        self.names = document.name
        self.published_at = document.published_at
        self.emblem = document.emblem
        self.emblem_alt = local(document.emblem.alt) if document.emblem else ""
        self.introduction = local(document.introduction)
        # Read without the page around it, the introduction must not end leading into the
        # list of responsibilities: the structured data has it whole, the page's
        # <meta name="description"> as long as a search result shows.
        self.about = without_lead_in(self.introduction)
        self.description = summary(self.introduction)
        self.responsibilities = [
            ResponsibilityItem(
                str(number), item_number(number, language), row.code, local(row.text)
            )
            for number, row in enumerate(document.responsibilities, 1)
        ]
        self.institutions = self._institutions(document, local, language)
        # Whether each list names only some of its items ("including …, etc.").
        self.institutions_not_exhaustive = document.institutions_not_exhaustive
        self.directly_affiliated_units_not_exhaustive = (
            document.directly_affiliated_units_not_exhaustive
        )
        self.managed_units_not_exhaustive = document.managed_units_not_exhaustive
        relation_labels = {}
        self.units = []
        for number, unit in enumerate(document.affiliated_units, 1):
            if unit.relation not in relation_labels:
                relation_labels[unit.relation] = choice_label(
                    AffiliatedUnit.Relation, unit.relation
                )
            self.units.append(
                UnitItem(
                    str(number),
                    unit.code,
                    local(unit.name),
                    unit.relation,
                    relation_labels[unit.relation],
                )
            )
        self.leaders = [
            LeaderItem(
                str(number),
                leader.code,
                local(leader.name),
                local(leader.post),
                local(leader.duties),
                local(leader.biography),
                leader.photo,
                local(leader.photo.alt) if leader.photo else "",
            )
            for number, leader in enumerate(document.leaders, 1)
        ]
        self.contacts = []
        for number, contact in enumerate(document.contacts, 1):
            value = local(contact.value)
            self.contacts.append(
                ContactItem(
                    str(number),
                    contact.code,
                    contact.kind,
                    choice_label(ContactKind, contact.kind),
                    contact_label(local(contact.label), contact.kind),
                    contact_href(contact.kind, value),
                    value,
                )
            )

    @staticmethod
    def _institutions(document, local, language):
        items = {}
        for number, institution in enumerate(document.institutions, 1):
            name = local(institution.name)
            # Not the fallback language's full name: an English full name in a Chinese
            # sentence would read worse than the Chinese short name.
            full_name = institution.full_name.get(language) or name
            items[institution.code] = InstitutionItem(
                str(number),
                institution.code,
                name,
                full_name,
                handlers_not_exhaustive=institution.handlers_not_exhaustive,
            )
        for institution in document.institutions:
            item = items[institution.code]
            for code in institution.handled_by:
                handler = items[code]
                item.handlers.append(handler)
                handler.handles.append(item)
        return list(items.values())

    @property
    def alternate_names(self):
        """The department's name in every other language where it is filled in."""
        names = []
        for code in LANGUAGE_CODES:
            value = self.names.get(code, "")
            if code != self.language and value and value not in names:
                names.append(value)
        return names

    @property
    def institutions_with_handlers(self):
        """Institutions whose routine work other institutions handle."""
        return [institution for institution in self.institutions if institution.handlers]

    @property
    def directly_affiliated_units(self):
        return [
            unit
            for unit in self.units
            if unit.relation == AffiliatedUnit.Relation.DIRECTLY_AFFILIATED
        ]

    @property
    def managed_units(self):
        return [unit for unit in self.units if unit.relation == AffiliatedUnit.Relation.MANAGED]

    def contact(self, kind):
        """The first contact of this kind, or None."""
        return next((contact for contact in self.contacts if contact.kind == kind), None)

    @functools.cached_property
    def units_sentence(self):
        """``affiliated_units_sentence`` of the page, as HTML: the page shows it and its
        JSON-LD says it, so it is built once."""
        return affiliated_units_sentence(self)


def _named_unit(unit):
    name = format_html('<span id="unit-{}">{}</span>', unit.number, unit.name)
    return pgettext("an affiliated unit named in a sentence", "the %(name)s") % {"name": name}


def affiliated_units_sentence(page):
    """E.g. "X has four directly affiliated units, including the A, ..., and manages the B."
    ("X设A、……等四个直属单位，管理B。").

    A list that names only some of its units says so ("including the A, the B, etc.") and
    no count. Each case is a whole sentence of the catalogue, so that each language orders
    it its own way. The names are escaped here; the sentence patterns come from our own
    translation catalogue, so the joined result is safe to mark as such.
    """
    direct = page.directly_affiliated_units
    managed = page.managed_units
    direct_exhaustive = not page.directly_affiliated_units_not_exhaustive
    values = {
        "department": conditional_escape(page.name),
        "count": number_in_words(len(direct)),
        "units": join_list(
            (_named_unit(unit) for unit in direct), exhaustive=direct_exhaustive, counted=True
        ),
        "managed": join_list(
            (_named_unit(unit) for unit in managed),
            exhaustive=not page.managed_units_not_exhaustive,
        ),
    }
    if not direct:
        if not managed:
            return ""
        sentence = pgettext("affiliated units", "%(department)s manages %(managed)s.")
    elif not direct_exhaustive:
        sentence = (
            pgettext(
                "affiliated units",
                "%(department)s has directly affiliated units including %(units)s, "
                "and manages %(managed)s.",
            )
            if managed
            else pgettext(
                "affiliated units",
                "%(department)s has directly affiliated units including %(units)s.",
            )
        )
    elif len(direct) == 1:
        sentence = (
            pgettext(
                "affiliated units",
                "%(department)s has one directly affiliated unit, %(units)s, "
                "and manages %(managed)s.",
            )
            if managed
            else pgettext(
                "affiliated units", "%(department)s has one directly affiliated unit, %(units)s."
            )
        )
    else:
        # Two or more: the count is a word ("four", 四), not a plural form.
        sentence = (
            pgettext(
                "affiliated units",
                "%(department)s has %(count)s directly affiliated units, including %(units)s, "
                "and manages %(managed)s.",
            )
            if managed
            else pgettext(
                "affiliated units",
                "%(department)s has %(count)s directly affiliated units, including %(units)s.",
            )
        )
    return mark_safe(with_one_full_stop(sentence % values))


def institutions_sentence(page):
    """The institutions named in a sentence, as text: "X consists of 22 institutions: the A,
    …, and the B." ("X设A、……、B等二十二个内设机构。"), or "X consists of institutions
    including A, …, etc." ("X设A、……等内设机构。") when the list names only some.

    For outputs without the page's list (the structured data); the page itself lists the
    institutions under a lead-in sentence.
    """
    names = [institution.name for institution in page.institutions]
    if not names:
        return ""
    values = {"department": page.name, "count": number_in_words(len(names))}
    if page.institutions_not_exhaustive:
        values["institutions"] = join_list(names, exhaustive=False)
        sentence = pgettext(
            "institutions", "%(department)s consists of institutions including %(institutions)s."
        )
    elif len(names) == 1:
        values["institutions"] = names[0]
        sentence = pgettext("institutions", "%(department)s has one institution, %(institutions)s.")
    else:
        values["institutions"] = join_list(names, counted=True)
        sentence = pgettext(
            "institutions", "%(department)s consists of %(count)s institutions: %(institutions)s."
        )
    return with_one_full_stop(sentence % values)


def routine_work_note(institution):
    """E.g. "The routine work of the Political Department is handled by the A, B, and C."
    ("政治部的日常工作由A、B和C承担。"), or "… by the A, B, C, etc." ("由A、B、C等承担")
    when the handlers named are only some of them.

    ``institution`` is an ``InstitutionItem`` of a ``StructurePage``.
    """
    handlers = join_list(
        (conditional_escape(handler.full_name) for handler in institution.handlers),
        exhaustive=not institution.handlers_not_exhaustive,
    )
    sentence = pgettext(
        "institutions", "The routine work of the %(institution)s is handled by the %(handlers)s."
    )
    values = {"institution": conditional_escape(institution.full_name), "handlers": handlers}
    return mark_safe(with_one_full_stop(sentence % values))
