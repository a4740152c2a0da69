"""Proxies may keep public pages and revalidate them cheaply; they never keep staff pages."""

from django.contrib.auth import get_user_model

from departments.services import publish

EN_URL = "/en/government/structure/public-security/"


def test_public_pages_are_cacheable_by_proxies(client, seed):
    for url in ["/en/", "/zh-hans/government/structure/", EN_URL, "/en/search/?q=ID"]:
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=60", url
        assert "Cookie" in response["Vary"], url


def test_unchanged_page_answers_304_to_its_etag(client, seed):
    first = client.get(EN_URL)
    assert first.has_header("ETag")
    again = client.get(EN_URL, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_structure_page_is_last_modified_when_it_was_published(client, seed):
    first = client.get(EN_URL)
    assert first.has_header("Last-Modified")
    again = client.get(EN_URL, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_publishing_changes_the_etag(client, seed):
    before = client.get(EN_URL)["ETag"]
    seed.name_en = "Renamed for the test"
    seed.save()
    publish(seed, update_date=False)
    response = client.get(EN_URL, headers={"if-none-match": before})
    assert response.status_code == 200
    assert response["ETag"] != before


def test_staff_pages_are_never_kept_by_proxies(client, seed):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    for url in ["/admin/", f"/admin/departments/department/{seed.pk}/change/"]:
        assert "public" not in client.get(url)["Cache-Control"], url
    preview = client.get("/en/government/structure/public-security/preview/")
    assert preview["Cache-Control"] == "private, no-store"
    # Signed in, even a public page is personal (it could carry the admin's name).
    assert client.get(EN_URL)["Cache-Control"] == "private, no-cache"


def test_a_response_that_sets_a_cookie_is_private(client, seed):
    response = client.get("/en/display/", {"mode": "elderly", "next": EN_URL})
    assert "public" not in response["Cache-Control"]


def test_not_found_is_not_kept_as_public(client, seed):
    response = client.get("/en/government/structure/no-such-department/")
    assert response.status_code == 404
    assert "public" not in response["Cache-Control"]
