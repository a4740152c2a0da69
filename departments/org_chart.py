"""The department's organisation chart, drawn as nested lists
(``templates/jinja2/departments/includes/org_chart.html``).

The chart is HTML that CSS draws as boxes and connectors (``portal.css``,
``print.css``); screen readers read it as the nested lists it is, each box's
relation to another spelled out in words.
"""

from dataclasses import dataclass, field

from django.utils.translation import pgettext

from portal.text import join_list


@dataclass
class ChartInstitution:
    """An institution's box: its name and, in words, whose routine work it handles or who
    handles its own."""

    name: str
    relations: list = field(default_factory=list)


@dataclass
class ChartUnit:
    """An affiliated unit's box."""

    name: str


@dataclass
class Chart:
    department: object
    institutions: list
    direct_units: list
    managed_units: list

    @property
    def is_empty(self):
        return not (self.institutions or self.direct_units or self.managed_units)


def handled_by_text(institution):
    return pgettext("organisation chart", "Routine work handled by the %(handlers)s") % {
        "handlers": join_list(handler.display_full_name for handler in institution.handlers)
    }


def handles_text(institution):
    return pgettext("organisation chart", "Handles the routine work of the %(institution)s") % {
        "institution": institution.display_full_name
    }


def organisation_chart(department):
    """The chart of a department from ``Department.objects.with_structure()``, in page order.

    Only the prefetched relations are read, so drawing the chart costs no query.
    """
    institutions = list(department.institutions.all())
    handled = {institution.pk: [] for institution in institutions}
    for institution in institutions:
        for handler in institution.handlers:
            handled.setdefault(handler.pk, []).append(institution)
    boxes = []
    for institution in institutions:
        box = ChartInstitution(name=institution.name)
        if institution.handlers:
            box.relations.append(handled_by_text(institution))
        box.relations += [handles_text(other) for other in handled[institution.pk]]
        boxes.append(box)
    return Chart(
        department=department,
        institutions=boxes,
        direct_units=[ChartUnit(unit.name) for unit in department.directly_affiliated_units],
        managed_units=[ChartUnit(unit.name) for unit in department.managed_units],
    )
