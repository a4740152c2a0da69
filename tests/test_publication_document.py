"""A publication's pages are read from the document stored with it (departments.documents).

The document holds every fact of the structure page in both languages, with codes where
the page shows labels; every output reads it; it costs one query; and a document of
another schema version, or one that does not validate, is rebuilt, never misread.
"""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from departments import documents, lookup
from departments.models import Department, Government, Institution
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


def test_publishing_stores_every_fact_of_the_page_in_both_languages(seed):
    stored = publications().get().document
    assert stored["schema_version"] == documents.SCHEMA_VERSION
    assert len(stored["responsibilities"]) == 16
    assert len(stored["institutions"]) == 22
    assert stored["name"] == {
        "en": "Department of Public Security of Zhejiang Province",
        "zh-hans": "浙江省公安厅",
    }
    political = next(item for item in stored["institutions"] if item["name"]["zh-hans"] == "政治部")
    handlers = {item["code"]: item["name"]["zh-hans"] for item in stored["institutions"]}
    assert [handlers[code] for code in political["handled_by"]] == [
        "人事训练处",
        "宣传处",
        "离退休干部处",
    ]


def test_the_document_holds_codes_and_no_label_of_the_catalogue(seed):
    stored = publications().get().document
    assert stored["kind"] == "component"
    assert stored["government"] == "zhejiang"
    assert {unit["relation"] for unit in stored["affiliated_units"]} == {
        "directly-affiliated",
        "managed",
    }
    assert "telephone" in {contact["kind"] for contact in stored["contacts"]}
    text = json.dumps(stored, ensure_ascii=False)
    for label in [
        "Component department",
        "Directly affiliated",
        "Managed",
        "直属单位",
        "Telephone",
    ]:
        assert f'"{label}"' not in text


def test_pages_from_the_stored_document_are_those_from_a_rebuilt_one(uncached, seed, client):
    from_stored = render_all(client)
    publications().update(document=None)
    from_rebuilt = render_all(client)
    for path, stored_page, rebuilt_page in zip(PAGES, from_stored, from_rebuilt, strict=True):
        assert stored_page.status_code == rebuilt_page.status_code == 200, path
        assert stored_page.content == rebuilt_page.content, path
        assert stored_page.headers.get("Last-Modified") == rebuilt_page.headers.get("Last-Modified")
    assert publications().get().document["schema_version"] == documents.SCHEMA_VERSION


def test_structure_page_and_api_cost_one_query(uncached, seed, client):
    # The page's one query reads the publication's document, its government and the site's
    # settings (header and footer).
    for path in PAGES:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) == 1, (path, [query["sql"] for query in queries.captured_queries])


def test_the_site_settings_read_with_the_page_are_those_read_on_their_own(
    uncached, seed, client, monkeypatch
):
    with_page = [client.get(path).content for path in PAGES[:2]]
    # As every other page reads them: the settings' own query.
    monkeypatch.setattr(lookup, "site_settings", lambda values: None)
    on_their_own = [client.get(path).content for path in PAGES[:2]]
    assert with_page == on_their_own
    assert "浙ICP备05003059号".encode() in with_page[1]


@pytest.mark.parametrize(
    "outdated",
    ["an older version", "a field too many", "a field missing", "not a document"],
)
def test_an_outdated_document_is_rebuilt_never_misread(uncached, seed, client, outdated):
    expected = [response.content for response in render_all(client)]
    stale = publications().get().document
    # What an older release wrote: the same version number would be a lie, but the
    # reader must not trust it either.
    stale["institutions"][0]["name"] = {"en": "Misread Division", "zh-hans": "误读处"}
    if outdated == "an older version":
        stale["schema_version"] = documents.SCHEMA_VERSION - 1
    elif outdated == "a field too many":
        stale["institutions"][0]["rank"] = "bureau"
    elif outdated == "a field missing":
        del stale["contacts"][0]["kind"]
    else:
        stale = ["a list, from a bug"]
    publications().update(document=stale)

    assert [response.content for response in render_all(client)] == expected
    rebuilt = publications().get().document
    assert rebuilt["schema_version"] == documents.SCHEMA_VERSION
    assert "Misread Division" not in json.dumps(rebuilt)


def test_migrate_rebuilds_every_outdated_document(uncached, seed, client):
    expected = client.get(PAGES[0]).content
    publications().update(document=None)
    call_command("migrate", verbosity=0)
    assert publications().get().document["schema_version"] == documents.SCHEMA_VERSION
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGES[0]).content == expected
    assert not any("UPDATE" in query["sql"] for query in queries.captured_queries)


def test_a_new_publication_shows_its_own_document(uncached, seed, client, republish):
    Contact.objects.filter(department=seed, kind="telephone").update(value_en="0571-11112222")
    Institution.objects.filter(department=seed).update(name_en="Renamed Division")
    republish(seed)
    page = client.get(PAGES[0]).content.decode()
    assert "0571-11112222" in page
    assert page.count("Renamed Division") >= 22


def test_the_government_is_renamed_on_published_pages_without_republishing(uncached, seed, client):
    Government.objects.filter(slug="zhejiang").update(name_en="Renamed Provincial Government")
    page = client.get(PAGES[0]).content.decode()
    data = client.get(PAGES[2]).json()
    assert "Renamed Provincial Government" in page
    assert data["government"] == {"slug": "zhejiang", "name": "Renamed Provincial Government"}


def test_unknown_and_unpublished_slugs_are_not_found(uncached, seed, client, make_department):
    make_department("transport", publish_now=False)
    for slug in ["no-such-department", "transport"]:
        response = client.get(f"/en/government/structure/{slug}/")
        assert response.status_code == 404
    assert lookup.published("transport") is None


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_scheduled_publication_takes_over_at_its_moment(uncached, seed, moment):
    live = publications().get()
    Department.objects.filter(pk=seed.pk).update(name_en="Department of the Future")
    seed.refresh_from_db()
    later = timezone.now() + timedelta(hours=1)
    scheduled = publish(seed, live_from=later)

    at = later - timedelta(minutes=1) if moment == "before" else later + timedelta(minutes=1)
    publication = lookup.published("public-security", at=at)
    expected = live if moment == "before" else scheduled
    assert publication.live_from == expected.live_from
    assert publication.document.name["en"] == (
        "Department of Public Security of Zhejiang Province"
        if moment == "before"
        else "Department of the Future"
    )
