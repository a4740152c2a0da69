"""The department's organization chart, drawn as nested lists
(``templates/jinja2/departments/includes/org_chart.html``).

The chart is HTML that CSS draws as boxes and connectors (``portal.css``,
``print.css``); screen readers read it as the nested lists it is, each box's
relation to another spelled out in words.
"""

from dataclasses import dataclass, field

from django.utils.translation import pgettext

from core.text import join_list


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
    name: str
    institutions: list
    direct_units: list
    managed_units: list
    # Whether each branch shows only some of its boxes (the page lists them with "etc.").
    institutions_not_exhaustive: bool = False
    direct_units_not_exhaustive: bool = False
    managed_units_not_exhaustive: bool = False

    @property
    def is_empty(self):
        return not (self.institutions or self.direct_units or self.managed_units)


def handled_by_text(institution):
    return pgettext("organization chart", "Routine work handled by the %(handlers)s") % {
        "handlers": join_list(
            (handler.full_name for handler in institution.handlers),
            exhaustive=not institution.handlers_not_exhaustive,
        )
    }


def handles_text(institution):
    return pgettext("organization chart", "Handles the routine work of the %(institution)s") % {
        "institution": institution.full_name
    }


def organization_chart(page):
    """The chart of a ``departments.structure_page.StructurePage``, in page order.

    Drawn from the page's items, so it reads no database and no translated field.
    """
    boxes = []
    for institution in page.institutions:
        box = ChartInstitution(name=institution.name)
        if institution.handlers:
            box.relations.append(handled_by_text(institution))
        box.relations += [handles_text(other) for other in institution.handles]
        boxes.append(box)
    return Chart(
        name=page.name,
        institutions=boxes,
        direct_units=[ChartUnit(unit.name) for unit in page.directly_affiliated_units],
        managed_units=[ChartUnit(unit.name) for unit in page.managed_units],
        institutions_not_exhaustive=page.institutions_not_exhaustive,
        direct_units_not_exhaustive=page.directly_affiliated_units_not_exhaustive,
        managed_units_not_exhaustive=page.managed_units_not_exhaustive,
    )
