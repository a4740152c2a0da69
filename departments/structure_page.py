"""Sentences and lists of the structure page that are built from data in each language.

Called by its template (``templates/jinja2/departments/department_detail.html``).
"""

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext

from portal.text import item_number, join_list, number_in_words


def _named_unit(unit, position):
    name = format_html('<span id="unit-{}">{}</span>', position, unit.name)
    return pgettext("an affiliated unit named in a sentence", "the %(name)s") % {"name": name}


def structure_items(department):
    """The lists of a structure page as plain values, read once in the active language.

    Their loops cost most of the page's rendering, and each read of a
    translated field goes through modeltranslation's descriptor: these
    dictionaries hold the text and the positions (the numbers of the anchors)
    ready to print. Needs the relations of ``Department.objects.with_structure()``
    (or of ``departments.snapshots.published_department``).
    """
    language = translation.get_language()
    return {
        "responsibilities": [
            {
                "number": str(number),
                "label": item_number(number, language),
                "text": responsibility.text,
            }
            for number, responsibility in enumerate(department.responsibilities.all(), 1)
        ],
        "institutions": [
            {"number": str(number), "name": institution.name}
            for number, institution in enumerate(department.institutions.all(), 1)
        ],
        "leaders": [
            {
                "number": str(number),
                "name": leader.name,
                "post": leader.post,
                "duties": leader.duties,
                "biography": leader.biography,
                "photo": leader.photo,
                "photo_alt": leader.photo_alt,
            }
            for number, leader in enumerate(department.leaders.all(), 1)
        ],
        "contacts": [
            {
                "number": str(number),
                "kind": contact.kind,
                "label": contact.display_label,
                "href": contact.href,
                "value": contact.value,
            }
            for number, contact in enumerate(department.contacts.all(), 1)
        ],
    }


def affiliated_units_sentence(department):
    """E.g. "X has four directly affiliated units, including the A, ..., and manages the B."

    The names are escaped here; the sentence patterns come from our own
    translation catalogue, so the joined result is safe to mark as such.
    """
    direct = department.directly_affiliated_units
    managed = department.managed_units
    positions = {unit.pk: index for index, unit in enumerate(department.affiliated_units.all(), 1)}
    values = {
        "department": conditional_escape(department.name),
        "count": number_in_words(len(direct)),
        "units": join_list(_named_unit(unit, positions[unit.pk]) for unit in direct),
        "managed": join_list(_named_unit(unit, positions[unit.pk]) for unit in managed),
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
    """E.g. "The routine work of the Political Department is handled by the A, B, and C." """
    handlers = join_list(
        conditional_escape(handler.display_full_name) for handler in institution.handlers
    )
    sentence = pgettext(
        "institutions", "The routine work of the %(institution)s is handled by the %(handlers)s."
    )
    return mark_safe(
        sentence
        % {"institution": conditional_escape(institution.display_full_name), "handlers": handlers}
    )
