"""Nothing reaches citizens until a publisher publishes it, now or at a chosen moment."""

import os
import re
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from departments import documents
from departments.models import Department, PublicationState
from departments.services import PublishingError, publish, withdraw
from tests.admin_forms import form_data
from tests.conftest import load_published_seed, page_text
from tests.test_feeds_and_sitemaps import ATOM, SITEMAP

ADMIN = "/admin/departments/department/"
EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"
PREVIEW = "/{}/government/structure/public-security/preview/"


def state_of(draft):
    return Department.objects.drafts().with_publication_state().get(pk=draft.pk).publication_state


def at(moment):
    """Pretends the clock shows ``moment`` (nothing else runs: no job, no signal)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def publisher(seed, client):
    user = get_user_model().objects.create_user("publisher", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    seed.editors.add(user)
    client.force_login(user)
    return user


def rename(draft, english, chinese):
    draft.name_en, draft.name_zh_hans = english, chinese
    draft.save()


def test_draft_changes_stay_off_the_public_pages_until_published(client, seed):
    rename(seed, "Renamed Department", "改名的部门")
    seed.responsibilities.filter(sort_order=1).update(text_en="Rewritten duty")
    text = page_text(client.get(EN_URL))
    assert "Renamed Department" not in text and "Rewritten duty" not in text
    publish(seed)
    text = page_text(client.get(EN_URL))
    assert "Renamed Department" in text and "Rewritten duty" in text
    assert "改名的部门" in page_text(client.get(ZH_URL))


def test_editor_save_in_the_admin_changes_only_the_draft(client, seed):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    seed.editors.add(editor)
    client.force_login(editor)
    data = form_data(client.get(f"{ADMIN}{seed.pk}/change/"))
    data["name_en"] = "Draft name"
    assert client.post(f"{ADMIN}{seed.pk}/change/", data).status_code == 302
    client.logout()
    assert "Draft name" not in page_text(client.get(EN_URL))
    assert state_of(seed) == PublicationState.CHANGED


def test_scheduled_publication_goes_live_at_its_moment_without_a_job(uncached, client, seed):
    moment = timezone.now() + timedelta(hours=2)
    rename(seed, "Scheduled Name", "定时发布的名称")
    publish(seed, live_from=moment)
    assert "Scheduled Name" not in page_text(client.get(EN_URL))
    with at(moment - timedelta(seconds=1)):
        assert "Scheduled Name" not in page_text(client.get(EN_URL))
    with at(moment):
        assert "Scheduled Name" in page_text(client.get(EN_URL))
        assert "定时发布的名称" in page_text(client.get(ZH_URL))
        assert "Scheduled Name" in page_text(client.get("/en/government/structure/"))


def test_page_date_follows_the_publication_unless_asked_not_to(client, seed):
    moment = timezone.now() + timedelta(days=1)
    publish(seed, live_from=moment)
    with at(moment + timedelta(minutes=1)):
        expected = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
        assert f"Date:{expected}" in page_text(client.get(EN_URL))
    publish(seed, update_date=False)
    assert "Date:2020-09-01 09:09" in page_text(client.get(EN_URL))


def test_a_new_schedule_replaces_the_previous_one(seed):
    first = timezone.now() + timedelta(hours=1)
    second = timezone.now() + timedelta(hours=3)
    publish(seed, live_from=first)
    publish(seed, live_from=second)
    scheduled = seed.publications.filter(live_from__gt=timezone.now())
    assert list(scheduled.values_list("live_from", flat=True)) == [second]


def test_superseded_publications_are_removed(seed):
    publish(seed)
    publish(seed)
    assert seed.publications.count() == 1


def test_withdrawn_department_leaves_every_public_page(client, seed):
    withdraw(seed)
    assert client.get(EN_URL).status_code == 404
    assert client.get(ZH_URL).status_code == 404
    assert "Department of Public Security" not in page_text(client.get("/en/government/structure/"))
    assert state_of(seed) == PublicationState.WITHDRAWN
    publish(seed)
    assert client.get(EN_URL).status_code == 200
    assert state_of(seed) == PublicationState.PUBLISHED


def test_withdrawal_cancels_a_scheduled_publication(client, seed):
    moment = timezone.now() + timedelta(hours=1)
    publish(seed, live_from=moment)
    withdraw(seed)
    with at(moment + timedelta(hours=1)):
        assert client.get(EN_URL).status_code == 404


def test_only_drafts_can_be_published(seed):
    publication = seed.publications.get()
    with pytest.raises(PublishingError) as error:
        publish(publication)
    assert error.value.code == "not_a_draft"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("nothing", PublicationState.PUBLISHED),
        ("save", PublicationState.CHANGED),
        ("schedule", PublicationState.SCHEDULED),
        ("withdraw", PublicationState.WITHDRAWN),
    ],
)
def test_admin_list_shows_each_state_at_a_glance(client, seed, setup, expected):
    if setup == "save":
        from departments.services import mark_changed

        mark_changed(seed)
    elif setup == "schedule":
        publish(seed, live_from=timezone.now() + timedelta(hours=1))
    elif setup == "withdraw":
        withdraw(seed)
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    content = client.get(ADMIN).content.decode()
    assert f'<td class="field-state_label">{expected.label}</td>' in content
    filtered = client.get(ADMIN, {"state": expected.value}).content.decode()
    assert "Department of Public Security of Zhejiang Province" in filtered


def test_never_published_department_is_a_draft_only(make_department):
    draft = make_department("new-bureau", publish_now=False)
    assert state_of(draft) == PublicationState.DRAFT_ONLY


def test_publisher_schedules_from_the_admin(client, seed, publisher):
    moment = timezone.localtime() + timedelta(days=2)
    response = client.post(
        f"{ADMIN}{seed.pk}/publish/",
        {"live_from_0": moment.strftime("%Y-%m-%d"), "live_from_1": moment.strftime("%H:%M:%S")},
    )
    assert response.status_code == 302
    assert state_of(seed) == PublicationState.SCHEDULED


def test_a_moment_in_the_past_is_refused(client, seed, publisher):
    response = client.post(
        f"{ADMIN}{seed.pk}/publish/", {"live_from_0": "2020-01-01", "live_from_1": "10:00:00"}
    )
    assert response.status_code == 200
    assert "Choose a moment in the future" in response.content.decode()
    assert state_of(seed) == PublicationState.PUBLISHED


def test_publisher_withdraws_from_the_admin(client, seed, publisher):
    assert client.get(f"{ADMIN}{seed.pk}/withdraw/").status_code == 200
    assert client.post(f"{ADMIN}{seed.pk}/withdraw/").status_code == 302
    client.logout()
    assert client.get(EN_URL).status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_preview_the_draft_exactly_as_it_will_look(client, seed, publisher, language):
    rename(seed, "Previewed Name", "预览中的名称")
    response = client.get(PREVIEW.format(language))
    assert response.status_code == 200
    text = page_text(response)
    assert ("Previewed Name" if language == "en" else "预览中的名称") in text
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    client.logout()
    assert "Previewed Name" not in page_text(client.get(EN_URL))


def test_anonymous_visitors_cannot_open_the_preview(client, seed):
    response = client.get(PREVIEW.format("en"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_works_for_a_department_never_published(client, publisher, make_department):
    draft = make_department("unseen", publish_now=False, name_en="Unseen Bureau")
    draft.editors.add(publisher)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unseen Bureau" in page_text(client.get(draft.get_preview_url()))


# --- One department per address -----------------------------------------------------------------


@pytest.fixture
def renamed_seed(seed):
    """Public security's draft moved to a new address, not yet published: its publication
    still holds public-security."""
    seed.slug = "public-safety"
    seed.save()
    return seed


def test_an_address_another_department_still_holds_cannot_be_published(
    client, renamed_seed, make_department
):
    newcomer = make_department("public-security", publish_now=False, name_en="Department of X")
    with pytest.raises(PublishingError) as error:
        publish(newcomer)
    assert error.value.code == "address_taken"
    assert "Department of Public Security" in str(error.value)
    assert "public-security" in str(error.value)
    assert "Department of Public Security" in page_text(client.get(EN_URL))
    directory = page_text(client.get("/en/government/structure/"))
    assert "Department of X" not in directory
    sitemap = client.get("/sitemap.xml").content.decode()
    assert sitemap.count("/en/government/structure/public-security/<") == 1


def test_an_address_another_department_has_scheduled_cannot_be_published(seed, make_department):
    publish(seed, live_from=timezone.now() + timedelta(hours=1))
    seed.slug = "public-safety"
    seed.save()
    withdrawn_live = seed.publications.filter(live_from__lte=timezone.now())
    withdrawn_live.delete()
    newcomer = make_department("public-security", publish_now=False)
    with pytest.raises(PublishingError) as error:
        publish(newcomer)
    assert error.value.code == "address_taken"
    assert "Department of Public Security" in str(error.value)


def test_an_address_is_free_once_its_department_moved_on(client, renamed_seed, make_department):
    publish(renamed_seed)
    make_department("public-security", name_en="Department of X")
    assert "Department of X" in page_text(client.get(EN_URL))
    assert "Department of Public Security" in page_text(
        client.get("/en/government/structure/public-safety/")
    )


def test_an_address_is_free_once_the_move_scheduled_went_live(client, seed, make_department):
    moment = timezone.now() + timedelta(hours=1)
    seed.slug = "public-safety"
    seed.save()
    publish(seed, live_from=moment)
    with at(moment + timedelta(minutes=1)):
        # The publication under the old address is no longer shown (nor yet removed).
        make_department("public-security", name_en="Department of X")
        assert "Department of X" in page_text(client.get(EN_URL))
        directory = client.get("/en/government/structure/").content.decode()
        assert directory.count('href="/en/government/structure/public-security/"') == 1


def test_a_department_keeps_its_own_address_while_a_publication_is_scheduled(seed):
    publish(seed, live_from=timezone.now() + timedelta(hours=1))
    publish(seed)
    publish(seed, live_from=timezone.now() + timedelta(hours=2))


def test_the_publish_page_names_the_department_holding_the_address(
    client, renamed_seed, make_department, publisher
):
    newcomer = make_department("public-security", publish_now=False, name_en="Department of X")
    newcomer.editors.add(publisher)
    response = client.post(f"{ADMIN}{newcomer.pk}/publish/", {"update_date": "on"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Department of Public Security" in text and "public-security" in text
    assert "Department of Public Security" in page_text(client.get(EN_URL))
    assert not newcomer.publications.exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the exclusion constraint is PostgreSQL's",
)
def test_the_database_refuses_two_departments_publications_at_one_address(
    renamed_seed, make_department
):
    newcomer = make_department("public-security", publish_now=False)
    row = Department.objects.get(pk=newcomer.pk)
    row.pk = None
    row.draft_id = newcomer.pk
    row.live_from = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrent transactions: PostgreSQL",
)
def test_publishers_of_two_departments_at_once_wait_for_each_other(transactional_db):
    """Both publications change the lists' page version: neither deadlocks nor fails."""
    load_published_seed()
    other = Department.objects.drafts().get(slug="public-security")
    other.pk = None
    other.slug = "transport"
    other.save()
    drafts = list(Department.objects.drafts())
    errors = []

    def publish_often(draft):
        try:
            for _ in range(10):
                publish(draft)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_often, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Department.objects.published().count() == 2


# Publication moments, to the second

FRACTION_OF_A_SECOND = re.compile(r"\d\d:\d\d:\d\d[.,]\d")
WHOLE_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")


def printed_moments(client):
    """Every publication moment the public outputs print for the seed department."""
    page = client.get(EN_URL).content.decode()
    feed = ET.fromstring(client.get("/en/government/structure/feed/").content)
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    api = client.get("/api/v1/departments/public-security/").json()
    return {
        "page": re.findall(r'<time datetime="([^"]*)"', page),
        "feed": [
            element.text
            for tag in ("updated", "published")
            for element in feed.iter(f"{ATOM}{tag}")
        ],
        "sitemap": [element.text for element in sitemap.iter(f"{SITEMAP}lastmod")],
        "api": [api["published_at"], api["updated_at"]],
        "page with its JSON-LD": FRACTION_OF_A_SECOND.findall(page),
    }


def assert_to_the_second(moments):
    assert moments["page"] and all(WHOLE_SECOND.fullmatch(value) for value in moments["page"])
    assert moments["feed"] and all(
        timezone.datetime.fromisoformat(value).microsecond == 0 for value in moments["feed"]
    )
    assert moments["sitemap"] and not any(
        FRACTION_OF_A_SECOND.search(value) for value in moments["sitemap"]
    )
    assert all(WHOLE_SECOND.fullmatch(value) for value in moments["api"])
    assert moments["page with its JSON-LD"] == []


def test_publishing_stores_the_page_date_to_the_second(seed, client):
    publication = publish(seed)

    assert publication.published_at == publication.live_from.replace(microsecond=0)
    seed.refresh_from_db()
    assert seed.published_at.microsecond == 0
    assert_to_the_second(printed_moments(client))


def test_moments_stored_with_a_fraction_are_printed_to_the_second(seed, client, uncached):
    # Publications made before publishing stored whole seconds.
    moment = timezone.now().replace(microsecond=998095) - timedelta(seconds=5)
    publications = Department.objects.filter(slug="public-security", draft__isnull=False)
    publications.update(published_at=moment, live_from=moment)
    for publication in publications:
        documents.rebuild(publication.pk)

    moments = printed_moments(client)

    assert_to_the_second(moments)
    assert timezone.localtime(moment).isoformat(timespec="seconds") in moments["page"]
