import io

from django.core.management import call_command

from contacts.models import Contact
from core.models import SiteSettings
from departments.models import AffiliatedUnit, Department, Government, Institution, Responsibility
from departments.seed import SEED_FIXTURES, SITE_SETTINGS_FIXTURE

SEEDED_MODELS = [
    SiteSettings,
    Government,
    Department,
    Responsibility,
    Institution,
    AffiliatedUnit,
    Contact,
]


def counts():
    """Rows editors work on: drafts and their children (publications are copies of them)."""

    def editable(model):
        if model in (SiteSettings, Government):
            return model.objects.all()
        if model is Department:
            return Department.objects.drafts()
        return model.objects.filter(department__draft__isnull=True)

    return {model.__name__: editable(model).count() for model in SEEDED_MODELS}


def test_seed_holds_every_fact_of_the_page(seed):
    assert counts() == {
        "SiteSettings": 1,
        "Government": 1,
        "Department": 1,
        "Responsibility": 16,
        "Institution": 22,
        "AffiliatedUnit": 5,
        "Contact": 4,
    }
    assert seed.name_zh_hans == "浙江省公安厅"
    assert list(seed.affiliated_units.values_list("relation", flat=True)).count("managed") == 1
    political = seed.institutions.get(code="political-department")
    assert political.name_zh_hans == "政治部"
    handlers = political.routine_work_handled_by.order_by("sort_order")
    assert [handler.full_name_en for handler in handlers] == [
        "Personnel and Training Department",
        "Publicity Department",
        "Department of Retirees",
    ]


def test_fixtures_load_twice_without_duplicates(seed):
    before = counts()
    call_command("loaddata", SITE_SETTINGS_FIXTURE, *SEED_FIXTURES, verbosity=0)
    assert counts() == before


def test_every_seeded_record_passes_full_clean(seed):
    for model in SEEDED_MODELS:
        for record in model.objects.all():
            record.full_clean()


def test_every_translated_column_is_filled_in_both_languages(seed):
    """A bare field in a fixture would fill one language only; optional fields may be empty."""
    from modeltranslation.translator import translator

    for model in SEEDED_MODELS:
        fields = translator.get_options_for_model(model).fields
        for record in model.objects.all():
            for name in fields:
                english = getattr(record, f"{name}_en")
                chinese = getattr(record, f"{name}_zh_hans")
                if record._meta.get_field(name).blank and not english:
                    continue
                assert english and chinese, f"{model.__name__} {record.pk} {name}"


def test_initial_data_loads_once_and_a_second_run_changes_nothing(db):
    call_command("load_initial_data", stdout=io.StringIO())
    department = Department.objects.drafts().get(slug="public-security")
    department.name_en = "Edited by staff"
    department.save()
    first = io.StringIO()
    call_command("dumpdata", "portal", "departments", "contacts", stdout=first)
    out = io.StringIO()
    call_command("load_initial_data", stdout=out)
    second = io.StringIO()
    call_command("dumpdata", "portal", "departments", "contacts", stdout=second)
    assert first.getvalue() == second.getvalue()
    assert "not loaded again" in out.getvalue()
