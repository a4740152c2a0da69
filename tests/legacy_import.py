"""Running the legacy importer as staff run it, and reading back what it wrote.

Shared by the importer's own tests (``test_importer.py``) and the corpus of
exports from other webmasters (``test_legacy_corpus.py``).
"""

import re
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version

from contacts.models import Contact
from departments.models import (
    AffiliatedUnit,
    Department,
    Institution,
    Responsibility,
)


def run(*paths, **options):
    """(exit status, stdout, stderr) of import_legacy."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_legacy", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def facts(draft, language):
    """Everything a structure page says, in one language, as plain values."""

    def column(row, base):
        return getattr(row, build_localized_fieldname(base, language)) or ""

    order = ("sort_order", "pk")
    return {
        "name": column(draft, "name"),
        "published_at": timezone.localtime(draft.published_at).isoformat(),
        "introduction": column(draft, "introduction"),
        "responsibilities": [
            column(item, "text") for item in draft.responsibilities.order_by(*order)
        ],
        "institutions": [
            {
                "name": column(item, "name"),
                "full_name": column(item, "full_name"),
                "handled_by": [
                    column(handler, "name")
                    for handler in item.routine_work_handled_by.order_by(*order)
                ],
            }
            for item in draft.institutions.order_by(*order)
        ],
        "affiliated_units": [
            {"name": column(unit, "name"), "relation": unit.relation}
            for unit in draft.affiliated_units.order_by(*order)
        ],
        "contacts": [
            {
                "kind": contact.kind,
                "label": column(contact, "label"),
                "value": column(contact, "value"),
            }
            for contact in draft.contacts.order_by(*order)
        ],
    }


def row_counts():
    models = [Department, Responsibility, Institution, AffiliatedUnit, Contact, Version]
    return {model.__name__: model.objects.count() for model in models}


# How the command names a line of a page: a warning, or a line it could not place.
REPORTED_LINE = re.compile(r"\bline (\d+): ")


def reported_lines(output):
    """{line number: [the command's lines naming it]}."""
    reported = {}
    for line in output.splitlines():
        match = REPORTED_LINE.search(line)
        if match:
            reported.setdefault(int(match.group(1)), []).append(line)
    return reported


def assert_imported_into_its_facts(result, expected):
    """The page of ``expected`` (an expected.json), imported with ``result`` = run(...), is
    exactly one draft with its facts, in its language only, with one revision."""
    status, _out, err = result
    assert status == 0, err
    draft = Department.objects.drafts().get()
    assert draft.slug == expected["slug"]
    assert facts(draft, expected["language"]) == expected["facts"]
    other = "zh-hans" if expected["language"] == "en" else "en"
    assert not getattr(draft, build_localized_fieldname("name", other))
    assert Version.objects.get_for_object(draft).count() == 1


def assert_named_exactly_its_warnings(result, expected):
    """The command named each line of the expected warnings, with its words, and no other."""
    status, out, err = result
    assert status == 0, err
    reported = reported_lines(out + err)
    warnings = expected.get("warnings", [])
    assert sorted(reported) == sorted(warning["line"] for warning in warnings), out + err
    for warning in warnings:
        said = reported[warning["line"]]
        assert any(warning["contains"] in line for line in said), said
