"""Every save and every publish records who, when and what changed.

The admin shows the history, compares two revisions field by field in both
languages, and restores an earlier revision (inlines included) as a new draft.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from contacts.models import Contact
from departments.models import Department, PublicationState
from tests.admin_forms import form_data
from tests.conftest import page_text

ADMIN_URL = "/admin/departments/department/{}/"
PUBLIC_URL = "/en/government/structure/public-security/"
OLD_NAME = "Department of Public Security of Zhejiang Province"
NEW_NAME = "Department of Public Safety of Zhejiang Province"


def admin_url(department, suffix=""):
    return ADMIN_URL.format(department.pk) + suffix


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def publisher(seed):
    """A staff member of the Publisher group, assigned to the seed department."""
    user = get_user_model().objects.create_user(
        "publisher", "publisher@example.org", "pw-for-tests", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publisher"))
    seed.editors.add(user)
    return user


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


def versions_of(department):
    """The department's versions, newest first."""
    return list(Version.objects.get_for_object(department).select_related("revision__user"))


def change_form(client, department):
    response = client.get(admin_url(department, "change/"))
    assert response.status_code == 200
    return form_data(response)


def save(client, department, data):
    response = client.post(admin_url(department, "change/"), data)
    assert response.status_code == 302, page_text(response)[:2000]


def publish(client, department):
    response = client.post(admin_url(department, "publish/"), {"update_date": "on"})
    assert response.status_code == 302


def rename(client, department, name_en=NEW_NAME):
    data = change_form(client, department)
    data["name_en"] = name_en
    save(client, department, data)


def state_of(department):
    return Department.objects.drafts().with_publication_state().get(pk=department.pk)


# Recording revisions.


def test_saving_records_a_revision_by_the_saving_user(publisher_client, publisher, seed):
    before = versions_of(seed)
    started = timezone.now()
    rename(publisher_client, seed)
    versions = versions_of(seed)
    assert len(versions) == len(before) + 1
    saved = versions[0]
    assert saved.revision.user == publisher
    assert started - timedelta(seconds=1) <= saved.revision.date_created <= timezone.now()


def test_publishing_records_a_revision_by_the_publisher(publisher_client, publisher, seed):
    rename(publisher_client, seed)
    saved = versions_of(seed)[0]
    publish(publisher_client, seed)
    versions = versions_of(seed)
    published = versions[0]
    assert versions[1] == saved
    assert published.revision.get_comment() == "Published."
    assert published.revision.user == publisher
    assert published.revision.date_created >= saved.revision.date_created


def test_withdrawing_records_a_revision_by_the_publisher(publisher_client, publisher, seed):
    response = publisher_client.post(admin_url(seed, "withdraw/"))
    assert response.status_code == 302
    withdrawn = versions_of(seed)[0]
    assert withdrawn.revision.get_comment() == "Withdrawn from the public pages."
    assert withdrawn.revision.user == publisher


def test_published_revision_holds_the_published_content(staff_client, seed):
    rename(staff_client, seed)
    publish(staff_client, seed)
    newest = versions_of(seed)[0]
    assert newest.revision.get_comment() == "Published."
    assert newest.field_dict["name_en"] == NEW_NAME


def test_history_lists_every_revision_with_its_user_and_comment(publisher_client, seed):
    rename(publisher_client, seed)
    publish(publisher_client, seed)
    response = publisher_client.get(admin_url(seed, "history/"))
    assert response.status_code == 200
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
        if "Restore…" in row
    ]
    versions = versions_of(seed)
    assert len(rows) == len(versions) == 3
    published, saved, seeded = rows
    assert "publisher" in published and "Published." in published
    assert "publisher" in saved and "Changed" in saved and "name" in saved.lower()
    assert "—" in seeded and "Published." in seeded
    content = response.content.decode()
    for version in versions:
        assert f'name="from" value="{version.pk}"' in content
        assert f'name="to" value="{version.pk}"' in content
        assert f'href="{admin_url(seed, f"history/{version.pk}/")}"' in content


# Comparing revisions.


@pytest.fixture
def edited(staff_client, seed):
    """The seed edited once in the admin: (older version, newer version).

    Renamed in English, one responsibility's Chinese text changed, one
    affiliated unit deleted and one institution added.
    """
    older = versions_of(seed)[0]
    data = change_form(staff_client, seed)
    data["name_en"] = NEW_NAME
    assert data["responsibilities-0-text_zh_hans"].startswith("起草公安管理")
    data["responsibilities-0-text_zh_hans"] = data["responsibilities-0-text_zh_hans"].replace(
        "起草", "拟订", 1
    )
    assert data["affiliated_units-4-name_en"] == "provincial public security aviation police team"
    data["affiliated_units-4-DELETE"] = "on"
    total = int(data["institutions-TOTAL_FORMS"])
    data["institutions-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"institutions-{total}-id": "",
            f"institutions-{total}-department": str(seed.pk),
            f"institutions-{total}-name_en": "Data Bureau",
            f"institutions-{total}-name_zh_hans": "数据局",
            f"institutions-{total}-full_name_en": "",
            f"institutions-{total}-full_name_zh_hans": "",
            f"institutions-{total}-code": "data-bureau",
            f"institutions-{total}-sort_order": str(total + 1),
        }
    )
    save(staff_client, seed, data)
    newer = versions_of(seed)[0]
    assert newer != older
    return older, newer


def compare(client, department, older, newer, **headers):
    return client.get(
        admin_url(department, "history/compare/"), {"from": older.pk, "to": newer.pk}, **headers
    )


def compare_sections(response):
    """{heading: section html} of the compare page, one per changed object."""
    content = response.content.decode()
    main = content[content.index('<div id="content-main"') :]
    parts = re.split(r"<h2>(.*?)</h2>", main)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_history_offers_the_two_newest_revisions_for_comparison(staff_client, seed, edited):
    older, newer = edited
    content = staff_client.get(admin_url(seed, "history/")).content.decode()
    assert f'action="{admin_url(seed, "history/compare/")}"' in content
    assert f'name="from" value="{older.pk}" aria-label="Compare from this revision" checked' in (
        content
    )
    assert f'name="to" value="{newer.pk}" aria-label="Compare to this revision" checked' in content


def test_compare_shows_changed_english_words(staff_client, seed, edited):
    response = compare(staff_client, seed, *edited)
    assert response.status_code == 200
    department = compare_sections(response)[f"Department: {NEW_NAME} — changed"]
    assert (
        f'<th scope="row">name [en]</th><td>{OLD_NAME}</td><td>{NEW_NAME}</td>'
        "<td>Department of Public <del>Security</del><ins>Safety</ins> of Zhejiang Province</td>"
    ) in department
    assert "[zh-hans]" not in department, "the Chinese name did not change"


def test_compare_shows_changed_chinese_characters(staff_client, seed, edited):
    sections = compare_sections(compare(staff_client, seed, *edited))
    [responsibility] = [
        html for heading, html in sections.items() if heading.startswith("Responsibility:")
    ]
    assert '<th scope="row">text [zh-hans]</th><td>起草公安管理' in responsibility
    assert "<td><del>起草</del><ins>拟订</ins>公安管理方面的地方性法规" in responsibility
    assert "text [en]" not in responsibility


def test_compare_shows_removed_and_added_children(staff_client, seed, edited):
    sections = compare_sections(compare(staff_client, seed, *edited))
    removed = sections["Affiliated unit: provincial public security aviation police team — removed"]
    assert '<th scope="row">name [zh-hans]</th><td>省公安航空警察队</td><td></td>' in removed
    added = sections["Institution: Data Bureau — added"]
    assert '<th scope="row">name [en]</th><td></td><td>Data Bureau</td>' in added
    assert '<th scope="row">name [zh-hans]</th><td></td><td>数据局</td>' in added
    assert "<ins>数据局</ins>" in added
    assert len(sections) == 4, list(sections)


def field_labels(section):
    return re.findall(r'<th scope="row">(.*?)</th>', section)


def test_compare_lists_only_the_fields_that_changed(staff_client, seed, edited):
    """The older revision was written from the database (UTC), the newer from the admin form."""
    department = compare_sections(compare(staff_client, seed, *edited))[
        f"Department: {NEW_NAME} — changed"
    ]
    assert "publication date" not in field_labels(department), department
    assert set(field_labels(department)) - {"name"} == {"name [en]"}


def test_compare_leaves_out_publication_bookkeeping(staff_client, seed, edited):
    """Saving then publishing changes no content, only when the content last changed."""
    _older, saved = edited
    publish(staff_client, seed)
    published = versions_of(seed)[0]
    sections = compare_sections(compare(staff_client, seed, saved, published))
    labels = [label for section in sections.values() for label in field_labels(section)]
    assert "content changed" not in labels


def test_revisions_leave_out_publication_bookkeeping_and_editors(seed):
    """As registered in departments.apps: restoring must neither withdraw nor re-assign."""
    field_dict = versions_of(seed)[0].field_dict
    left_out = {"editors", "draft", "draft_id", "live_from", "content_changed_at", "withdrawn_at"}
    assert not left_out & field_dict.keys()


def test_compare_orders_the_revisions_by_date(staff_client, seed, edited):
    older, newer = edited
    forwards = compare_sections(compare(staff_client, seed, older, newer))
    backwards = compare_sections(compare(staff_client, seed, newer, older))
    assert forwards == backwards


def test_comparing_revisions_with_the_same_content_says_so(staff_client, seed, edited):
    _older, saved = edited
    publish(staff_client, seed)
    published = versions_of(seed)[0]
    assert published != saved
    for pair in [(saved, published), (saved, saved)]:
        response = compare(staff_client, seed, *pair)
        assert response.status_code == 200
        assert "The two revisions have the same content." in response.content.decode()
        assert compare_sections(response) == {}


@pytest.mark.parametrize(
    "query",
    [
        {"from": "999999", "to": "newer"},
        {"from": "older", "to": "999999"},
        {"to": "newer"},
        {"from": "older"},
        {},
        {"from": "not-a-number", "to": "newer"},
        {"from": "older", "to": "other"},
    ],
    ids=["unknown from", "unknown to", "no from", "no to", "neither", "not a number", "other"],
)
def test_compare_answers_404_for_unknown_or_missing_revisions(
    staff_client, seed, edited, make_department, query
):
    older, newer = edited
    other = make_department("other")
    ids = {"older": older.pk, "newer": newer.pk, "other": versions_of(other)[0].pk}
    params = {key: ids.get(value, value) for key, value in query.items()}
    response = staff_client.get(admin_url(seed, "history/compare/"), params)
    assert response.status_code == 404


def test_compare_page_is_rendered_in_chinese(staff_client, seed, edited):
    response = compare(staff_client, seed, *edited, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', content, re.S).group(1)
    assert ">首页</a>" in breadcrumbs
    assert ">历史</a>" in breadcrumbs
    assert ">Home</a>" not in breadcrumbs
    # Field labels keep naming the language of the field.
    assert "<del>Security</del><ins>Safety</ins>" in content
    assert "[en]</th>" in content and "[zh-hans]</th>" in content


# Restoring an earlier revision.


def responsibilities_of(department):
    return list(department.responsibilities.order_by("sort_order", "pk").values_list("text_en"))


@pytest.fixture
def changed_after_publishing(staff_client, client, seed):
    """The seed, published, then renamed, reordered, one responsibility deleted, a contact added.

    Returns (first version, what the draft was before the changes, public page text).
    """
    first = versions_of(seed)[-1]
    public = page_text(client.get(PUBLIC_URL))
    before = {
        "responsibilities": responsibilities_of(seed),
        "contacts": list(seed.contacts.values_list("pk", flat=True)),
    }
    data = change_form(staff_client, seed)
    data["name_en"] = NEW_NAME
    data["responsibilities-0-sort_order"], data["responsibilities-1-sort_order"] = (
        data["responsibilities-1-sort_order"],
        data["responsibilities-0-sort_order"],
    )
    data["responsibilities-2-DELETE"] = "on"
    total = int(data["contacts-TOTAL_FORMS"])
    data["contacts-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"contacts-{total}-id": "",
            f"contacts-{total}-department": str(seed.pk),
            f"contacts-{total}-kind": "email",
            f"contacts-{total}-label_en": "Email",
            f"contacts-{total}-label_zh_hans": "电子邮箱",
            f"contacts-{total}-value_en": "office@example.org",
            f"contacts-{total}-value_zh_hans": "office@example.org",
            f"contacts-{total}-code": "email",
            f"contacts-{total}-sort_order": str(total + 1),
        }
    )
    save(staff_client, seed, data)
    seed.refresh_from_db()
    assert seed.name_en == NEW_NAME
    assert len(responsibilities_of(seed)) == 15
    assert responsibilities_of(seed)[:2] == before["responsibilities"][1::-1]
    assert seed.contacts.filter(code="email").exists()
    return first, before, public


def test_opening_a_revision_previews_it_without_changing_anything(
    staff_client, client, seed, changed_after_publishing
):
    first, _before, public = changed_after_publishing
    draft_before = responsibilities_of(seed)
    versions_before = versions_of(seed)
    response = staff_client.get(admin_url(seed, f"history/{first.pk}/"))
    assert response.status_code == 200
    data = form_data(response)
    assert data["name_en"] == OLD_NAME
    assert data["responsibilities-TOTAL_FORMS"] == "16"
    assert "email" not in [data[f"contacts-{index}-kind"] for index in range(4)]
    assert data["contacts-TOTAL_FORMS"] == "4"
    seed.refresh_from_db()
    assert seed.name_en == NEW_NAME
    assert responsibilities_of(seed) == draft_before
    assert seed.contacts.filter(code="email").exists()
    assert versions_of(seed) == versions_before
    assert page_text(client.get(PUBLIC_URL)) == public


def restore(client, department, version):
    response = client.get(admin_url(department, f"history/{version.pk}/"))
    assert response.status_code == 200
    response = client.post(admin_url(department, f"history/{version.pk}/"), form_data(response))
    assert response.status_code == 302, page_text(response)[:2000]
    return response


def test_restoring_brings_back_the_old_content_inlines_included(
    staff_client, seed, changed_after_publishing
):
    first, before, _public = changed_after_publishing
    restore(staff_client, seed, first)
    seed.refresh_from_db()
    assert seed.name_en == OLD_NAME
    assert responsibilities_of(seed) == before["responsibilities"]
    assert seed.responsibilities.get(code="economic-criminal-detection").text_zh_hans.startswith(
        "负责、指导经济犯罪和刑事犯罪侦查工作"
    )
    assert list(seed.contacts.values_list("pk", flat=True)) == before["contacts"]
    assert not Contact.objects.filter(code="email").exists()


def test_restoring_records_a_revision_by_the_restoring_user(
    staff_client, superuser, seed, changed_after_publishing
):
    first, _before, _public = changed_after_publishing
    count = len(versions_of(seed))
    restore(staff_client, seed, first)
    versions = versions_of(seed)
    assert len(versions) == count + 1
    assert versions[0].revision.user == superuser
    assert versions[0].revision.get_comment().startswith("Reverted to previous version")
    assert versions[0].field_dict["name_en"] == OLD_NAME


def test_restoring_makes_a_draft_and_does_not_publish(
    staff_client, client, seed, changed_after_publishing
):
    first, _before, public = changed_after_publishing
    restore(staff_client, seed, first)
    assert page_text(client.get(PUBLIC_URL)) == public
    assert state_of(seed).publication_state == PublicationState.CHANGED
    content = staff_client.get(admin_url(seed, "change/")).content.decode()
    assert 'data-state="changed"' in content
    assert "Published, with unpublished changes" in content


def test_restored_draft_publishes_the_old_content(
    staff_client, client, seed, changed_after_publishing
):
    first, _before, _public = changed_after_publishing
    restore(staff_client, seed, first)
    publish(staff_client, seed)
    text = page_text(client.get(PUBLIC_URL))
    assert OLD_NAME in text and NEW_NAME not in text
    assert "office@example.org" not in text
    assert "(3) Being in charge of and guiding the detection of economic" in text
    assert state_of(seed).publication_state == PublicationState.PUBLISHED


def test_restoring_keeps_the_editors_assigned_now(
    staff_client, seed, publisher, changed_after_publishing
):
    """The publisher was assigned after the restored revision was written."""
    first, _before, _public = changed_after_publishing
    restore(staff_client, seed, first)
    assert list(seed.editors.all()) == [publisher]


def test_publisher_restores_a_revision_written_before_their_assignment(
    publisher_client, publisher, seed
):
    first = versions_of(seed)[-1]
    rename(publisher_client, seed)
    response = publisher_client.get(admin_url(seed, f"history/{first.pk}/"))
    assert response.status_code == 200, response.get("Location")
    response = publisher_client.post(admin_url(seed, f"history/{first.pk}/"), form_data(response))
    assert response.status_code == 302
    # To the change page, where it can be published.
    assert response["Location"] == f"/admin/departments/department/{seed.pk}/change/"
    seed.refresh_from_db()
    assert seed.name_en == OLD_NAME
    assert list(seed.editors.all()) == [publisher]
    assert versions_of(seed)[0].revision.user == publisher


def test_refused_restore_changes_nothing(publisher_client, publisher, seed):
    """A restore whose form is not valid (here: empty) must leave the draft as it is."""
    first = versions_of(seed)[-1]
    rename(publisher_client, seed)
    count = len(versions_of(seed))
    publisher_client.post(admin_url(seed, f"history/{first.pk}/"), {})
    seed.refresh_from_db()
    assert seed.name_en == NEW_NAME
    assert list(seed.editors.all()) == [publisher]
    assert len(versions_of(seed)) == count


def test_withdrawn_department_stays_withdrawn_after_a_restore(
    staff_client, client, seed, changed_after_publishing
):
    first, _before, _public = changed_after_publishing
    response = staff_client.post(admin_url(seed, "withdraw/"))
    assert response.status_code == 302
    assert client.get(PUBLIC_URL).status_code == 404
    restore(staff_client, seed, first)
    seed.refresh_from_db()
    assert seed.name_en == OLD_NAME
    assert seed.withdrawn_at is not None
    assert client.get(PUBLIC_URL).status_code == 404
    assert state_of(seed).publication_state == PublicationState.WITHDRAWN
