"""What a structure page shows of a department, read once in the active language.

``StructurePage(department)`` is built by the structure page's view and read by
its template (``templates/jinja2/departments/department_detail.html``), by the
organisation chart (``departments.org_chart``) and by the JSON-LD
(``departments.structured_data``).
"""

import functools
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext

from contacts.models import Contact, contact_href, contact_label
from portal.localized import translated
from portal.text import item_number, join_list, number_in_words, summary, without_lead_in

from .models import AffiliatedUnit, Institution, Leader, Responsibility, choice_label


@dataclass(slots=True)
class ResponsibilityItem:
    number: str
    label: str
    text: str


@dataclass(slots=True, eq=False)
class InstitutionItem:
    number: str
    name: str
    # Filled in only for institutions that handle or are handled (see full_name below).
    full_name: str = ""
    # The institutions that handle this one's routine work, and those it handles.
    handlers: list = field(default_factory=list)
    handles: list = field(default_factory=list)


@dataclass(slots=True)
class UnitItem:
    number: str
    name: str
    relation: str
    relation_label: str


@dataclass(slots=True)
class LeaderItem:
    number: str
    name: str
    post: str
    duties: str
    biography: str
    photo: object
    photo_alt: str


@dataclass(slots=True)
class ContactItem:
    number: str
    kind: str
    label: str
    href: str | None
    value: str


class StructurePage:
    """A department's structure page: its texts in the active language, ready to print.

    The page shows most texts more than once (the lists, the organisation
    chart, the JSON-LD), and modeltranslation's descriptor looks up the active
    language on every read: the texts are read here once, the language looked
    up once per field (``portal.localized``). Items carry their position, which
    numbers their anchors (``#institution-3``, ``#unit-2``). Needs the relations of
    ``Department.objects.with_structure()`` (or of
    ``departments.snapshots.published_department``); reads no database.
    """

    def __init__(self, department):
        self.department = department
        self.language = translation.get_language()
        self.name = department.name
        self.introduction = department.introduction
        # Read without the page around it, the introduction must not end leading into the
        # list of responsibilities: the structured data has it whole, the page's
        # <meta name="description"> as long as a search result shows.
        self.about = without_lead_in(self.introduction)
        self.description = summary(self.introduction)
        text = translated(Responsibility, "text")
        self.responsibilities = [
            ResponsibilityItem(str(number), item_number(number, self.language), text(row))
            for number, row in enumerate(department.responsibilities.all(), 1)
        ]
        self.institutions = self._institutions(department)
        unit_name = translated(AffiliatedUnit, "name")
        relation_label = functools.cache(functools.partial(choice_label, AffiliatedUnit.Relation))
        self.units = [
            UnitItem(str(number), unit_name(unit), unit.relation, relation_label(unit.relation))
            for number, unit in enumerate(department.affiliated_units.all(), 1)
        ]
        name, post, duties, biography, photo_alt = (
            translated(Leader, field)
            for field in ("name", "post", "duties", "biography", "photo_alt")
        )
        self.leaders = [
            LeaderItem(
                str(number),
                name(leader),
                post(leader),
                duties(leader),
                biography(leader),
                leader.photo,
                photo_alt(leader),
            )
            for number, leader in enumerate(department.leaders.all(), 1)
        ]
        label, contact_value = translated(Contact, "label"), translated(Contact, "value")
        self.contacts = []
        for number, contact in enumerate(department.contacts.all(), 1):
            value = contact_value(contact)
            self.contacts.append(
                ContactItem(
                    str(number),
                    contact.kind,
                    contact_label(label(contact), contact.kind),
                    contact_href(contact.kind, value),
                    value,
                )
            )

    @staticmethod
    def _institutions(department):
        institutions = list(department.institutions.all())
        name = translated(Institution, "name")
        items = {
            institution.pk: InstitutionItem(str(number), name(institution))
            for number, institution in enumerate(institutions, 1)
        }
        for institution in institutions:
            item = items[institution.pk]
            for handler in institution.handlers:
                # A handler from another department (never saved by the admin) still
                # names it, as the note always did; it is just not a box of this chart.
                handler_item = items.get(handler.pk) or InstitutionItem("", handler.name)
                item.handlers.append(handler_item)
                handler_item.handles.append(item)
                if not handler_item.full_name:
                    handler_item.full_name = handler.display_full_name
            if item.handlers:
                item.full_name = institution.display_full_name
        return list(items.values())

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


def _named_unit(unit):
    name = format_html('<span id="unit-{}">{}</span>', unit.number, unit.name)
    return pgettext("an affiliated unit named in a sentence", "the %(name)s") % {"name": name}


def affiliated_units_sentence(page):
    """E.g. "X has four directly affiliated units, including the A, ..., and manages the B."

    The names are escaped here; the sentence patterns come from our own
    translation catalogue, so the joined result is safe to mark as such.
    """
    direct = page.directly_affiliated_units
    managed = page.managed_units
    values = {
        "department": conditional_escape(page.name),
        "count": number_in_words(len(direct)),
        "units": join_list(_named_unit(unit) for unit in direct),
        "managed": join_list(_named_unit(unit) for unit in managed),
    }
    if direct and managed:
        sentence = ngettext(
            "%(department)s has %(count)s directly affiliated unit, %(units)s, "
            "and manages %(managed)s.",
            "%(department)s has %(count)s directly affiliated units, including %(units)s, "
            "and manages %(managed)s.",
            len(direct),
        )
    elif direct:
        sentence = ngettext(
            "%(department)s has %(count)s directly affiliated unit, %(units)s.",
            "%(department)s has %(count)s directly affiliated units, including %(units)s.",
            len(direct),
        )
    elif managed:
        sentence = pgettext("affiliated units", "%(department)s manages %(managed)s.")
    else:
        return ""
    return mark_safe(sentence % values)


def routine_work_note(institution):
    """E.g. "The routine work of the Political Department is handled by the A, B, and C."

    ``institution`` is an ``InstitutionItem`` of a ``StructurePage``.
    """
    handlers = join_list(conditional_escape(handler.full_name) for handler in institution.handlers)
    sentence = pgettext(
        "institutions", "The routine work of the %(institution)s is handled by the %(handlers)s."
    )
    return mark_safe(
        sentence % {"institution": conditional_escape(institution.full_name), "handlers": handlers}
    )
