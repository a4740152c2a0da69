"""A publication's structure page is read from the snapshot stored with it (departments.snapshots).

The snapshot must give exactly the page the publication's rows give, cost one
query, and never show outdated content: a snapshot of other columns than the
models have is not used, and ``migrate`` rewrites it.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from departments import snapshots
from departments.models import Department, Institution
from departments.services import publish

PAGES = [
    "/en/government/structure/public-security/",
    "/zh-hans/government/structure/public-security/",
    "/api/v1/departments/public-security/",
    "/api/v1/departments/public-security/?lang=zh-hans",
]


def publications():
    return Department.objects.filter(draft__isnull=False)


def render_all(client):
    return [client.get(path) for path in PAGES]


def test_publishing_stores_the_snapshot_of_the_current_schema(seed):
    (publication,) = publications()
    assert publication.page_snapshot["schema"] == snapshots.schema()
    # The seed page's rows, all of them: 16 responsibilities, 22 institutions, ...
    assert len(publication.page_snapshot["responsibilities"]) == 16
    assert len(publication.page_snapshot["institutions"]) == 22
    assert publication.page_snapshot["handlers"], "the seed names routine-work handlers"


def test_pages_from_the_snapshot_are_those_from_the_rows(uncached, seed, client):
    from_snapshot = render_all(client)
    publications().update(page_snapshot=None)
    from_rows = render_all(client)
    for path, snapshot_page, rows_page in zip(PAGES, from_snapshot, from_rows, strict=True):
        assert snapshot_page.status_code == rows_page.status_code == 200, path
        assert snapshot_page.content == rows_page.content, path
        assert snapshot_page.headers.get("Last-Modified") == rows_page.headers.get("Last-Modified")


def test_structure_page_reads_its_department_with_one_query(uncached, seed, client):
    path = PAGES[0]
    client.get(path)
    with CaptureQueriesContext(connection) as from_snapshot:
        client.get(path)
    publications().update(page_snapshot=None)
    with CaptureQueriesContext(connection) as from_rows:
        client.get(path)
    # The rows: the department with its government, its responsibilities,
    # institutions with their handlers, units, contacts and leaders, after the
    # lookup that found no snapshot.
    assert len(from_rows) - len(from_snapshot) == 6
    department_tables = [
        query["sql"]
        for query in from_snapshot.captured_queries
        # The site settings' query joins the government the site is named after.
        if ("departments_" in query["sql"] or "contacts_" in query["sql"])
        and "portal_sitesettings" not in query["sql"]
    ]
    assert len(department_tables) == 1


def test_an_outdated_snapshot_is_not_used_and_migrate_rewrites_it(uncached, seed, client):
    expected = client.get(PAGES[0]).content
    # A snapshot written before a column was added: its rows are one value short.
    stale = publications().get().page_snapshot
    stale["schema"] = "an older schema"
    stale["institutions"] = [row[:-1] for row in stale["institutions"]]
    publications().update(page_snapshot=stale)

    assert client.get(PAGES[0]).content == expected

    call_command("migrate", verbosity=0)
    assert publications().get().page_snapshot["schema"] == snapshots.schema()
    assert client.get(PAGES[0]).content == expected


def test_a_new_publication_shows_its_own_snapshot(uncached, seed, client, republish):
    Contact.objects.filter(department=seed, kind="telephone").update(value_en="0571-11112222")
    Institution.objects.filter(department=seed).update(name_en="Renamed Division")
    republish(seed)
    page = client.get(PAGES[0]).content.decode()
    assert "0571-11112222" in page
    assert page.count("Renamed Division") >= 22


def test_unknown_and_unpublished_slugs_are_not_found(uncached, seed, client, make_department):
    make_department("transport", publish_now=False)
    for slug in ["no-such-department", "transport"]:
        response = client.get(f"/en/government/structure/{slug}/")
        assert response.status_code == 404
    assert snapshots.published_department("transport") is None


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_scheduled_publication_takes_over_at_its_moment(uncached, seed, moment):
    live = publications().get()
    Department.objects.filter(pk=seed.pk).update(name_en="Department of the Future")
    seed.refresh_from_db()
    later = timezone.now() + timedelta(hours=1)
    scheduled = publish(seed, live_from=later)

    at = later - timedelta(minutes=1) if moment == "before" else later + timedelta(minutes=1)
    department = snapshots.published_department("public-security", at=at)
    expected = live if moment == "before" else scheduled
    assert department.pk == expected.pk
    assert department.name_en == (
        "Department of Public Security of Zhejiang Province"
        if moment == "before"
        else "Department of the Future"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_postgresql_prepares_the_lookup_once_per_connection(seed):
    for _ in range(6):
        assert snapshots.published_department("public-security").slug == "public-security"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 1
    assert '"departments_department"."page_snapshot"' in prepared[0]
