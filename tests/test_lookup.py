"""departments.lookup finds, with its own SQL, the publication the ORM's query finds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import SiteSettings
from departments import documents, lookup
from departments.models import Department, Government
from departments.services import publish, withdraw


def through_the_orm(slug, at):
    """What the lookup's SQL stands for, as the ORM says it."""
    row = (
        Department.objects.published(at)
        .filter(slug=slug)
        .order_by("-live_from")
        .select_related("government")
        .first()
    )
    if row is None:
        return None
    settings = SiteSettings.load()
    return {
        "document": documents.read(row.document),
        "government": documents.text(row.government, "name"),
        "live_from": row.live_from,
        "site": (settings.footer_text_zh_hans, settings.icp_filing_number, settings.site_name),
    }


def through_the_lookup(slug, at):
    found = lookup.published(slug, at=at)
    if found is None:
        return None
    settings = found.site_settings
    return {
        "document": found.document,
        "government": found.government_names,
        "live_from": found.live_from,
        "site": (settings.footer_text_zh_hans, settings.icp_filing_number, settings.site_name),
    }


def assert_same(slug, at=None):
    at = at or timezone.now()
    with CaptureQueriesContext(connection) as queries:
        found = through_the_lookup(slug, at)
    assert len(queries) == 1
    assert found == through_the_orm(slug, at)
    return found


def test_the_live_publication(seed):
    found = assert_same("public-security")
    assert found["document"].name["zh-hans"] == "浙江省公安厅"
    assert found["site"][1] == "浙ICP备05003059号"
    assert found["live_from"].tzinfo is not None


def test_unknown_unpublished_and_withdrawn_addresses(seed, make_department):
    make_department("transport", publish_now=False)
    assert assert_same("no-such-department") is None
    assert assert_same("transport") is None
    withdraw(seed)
    assert assert_same("public-security") is None


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_scheduled_publication_before_and_after_its_moment(seed, offset):
    first = Department.objects.published().get(slug="public-security").live_from
    Department.objects.filter(pk=seed.pk).update(name_en="Department of the Future")
    seed.refresh_from_db()
    later = timezone.now() + timedelta(hours=1)
    publish(seed, live_from=later)
    found = assert_same("public-security", at=later + timedelta(minutes=offset))
    expected = later if offset > 0 else first
    assert found["live_from"] == expected


def test_a_newer_publication_replaces_the_older(seed, republish):
    Department.objects.filter(pk=seed.pk).update(name_en="Renamed Department")
    republish(seed)
    assert assert_same("public-security")["document"].name["en"] == "Renamed Department"


def test_without_site_settings_the_page_reads_none(seed):
    SiteSettings.objects.all().delete()
    found = lookup.published("public-security")
    assert found.site_settings is None


def test_a_government_renamed_is_read_with_the_page(seed):
    Government.objects.update(name_en="Renamed Government")
    found = assert_same("public-security")
    assert found["government"]["en"] == "Renamed Government"
    assert found["site"][2] == "Renamed Government"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_plans_the_lookup_once_per_connection(seed):
    """After a few pages, the lookup runs as a statement prepared on its connection: still
    one query, logged and answered as before, which PostgreSQL no longer plans each time."""

    def prepared_lookups():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        return [statement for statement in statements if "NOT EXISTS" in statement]

    assert prepared_lookups() == []
    for _ in range(6):
        assert_same("public-security")
    assert len(prepared_lookups()) == 1
    assert assert_same("public-security")["document"].slug == "public-security"
    assert assert_same("no-such-department") is None
