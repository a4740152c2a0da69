"""Editors and publishers reach only the departments assigned to them, by any admin path."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from departments.models import Department, Responsibility
from tests.admin_forms import form_data

ADMIN = "/admin/departments/department/"


def make_staff(username, group=None):
    user = get_user_model().objects.create_user(username, password="pw-for-tests", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def own(make_department):
    department = make_department("own", name_en="Own Department", name_zh_hans="本部门")
    department.responsibilities.create(text_en="Own duty", code="own-duty")
    return department


@pytest.fixture
def foreign(make_department):
    department = make_department("foreign", name_en="Foreign Department", name_zh_hans="他部门")
    department.responsibilities.create(text_en="Foreign duty", code="foreign-duty")
    return department


@pytest.fixture
def editor(own):
    user = make_staff("editor", "Editor")
    own.editors.add(user)
    return user


@pytest.fixture
def publisher(own):
    user = make_staff("publisher", "Publisher")
    own.editors.add(user)
    return user


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def foreign_paths(department):
    return [
        f"{ADMIN}{department.pk}/change/",
        f"{ADMIN}{department.pk}/history/",
        f"{ADMIN}{department.pk}/delete/",
        f"{ADMIN}{department.pk}/publish/",
        f"{ADMIN}{department.pk}/withdraw/",
        f"{ADMIN}{department.pk}/history/compare/?from=1&to=2",
    ]


def test_groups_exist_with_their_permissions(db):
    editor = Group.objects.get(name="Editor")
    publisher = Group.objects.get(name="Publisher")
    editor_codes = set(editor.permissions.values_list("codename", flat=True))
    publisher_codes = set(publisher.permissions.values_list("codename", flat=True))
    assert {"change_department", "add_responsibility", "change_contact"} <= editor_codes
    assert "publish_department" not in editor_codes
    assert "delete_department" not in editor_codes
    assert publisher_codes == editor_codes | {"publish_department"}


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_list_and_search_show_only_assigned_departments(request, as_user, own, foreign, role):
    client = as_user(request.getfixturevalue(role))
    content = client.get(ADMIN).content.decode()
    assert "Own Department" in content
    assert "Foreign Department" not in content
    content = client.get(ADMIN, {"q": "Foreign"}).content.decode()
    assert "Foreign Department" not in content
    assert "0 departments" in content or "0 results" in content


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_every_admin_path_of_another_department_answers_404(request, as_user, own, foreign, role):
    client = as_user(request.getfixturevalue(role))
    for path in foreign_paths(foreign):
        assert client.get(path).status_code in (403, 404), path
        assert client.post(path, {"name_en": "Hijacked"}).status_code in (403, 404), path
    foreign.refresh_from_db()
    assert foreign.name_en == "Foreign Department"
    assert Department.objects.published().filter(draft=foreign).exists()


def test_revision_urls_of_another_department_answer_404(as_user, editor, foreign):
    from reversion.models import Version

    from departments.services import publish

    publish(foreign)
    version = Version.objects.get_for_object(foreign).first()
    client = as_user(editor)
    response = client.get(f"{ADMIN}{foreign.pk}/history/{version.pk}/")
    assert response.status_code == 404


def test_editor_cannot_delete_even_their_own_department(as_user, editor, own):
    client = as_user(editor)
    assert client.get(f"{ADMIN}{own.pk}/delete/").status_code == 403
    assert client.post(f"{ADMIN}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Department.objects.drafts().filter(pk=own.pk).exists()


def test_editor_cannot_delete_through_the_list_action(as_user, editor, own, foreign):
    client = as_user(editor)
    response = client.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": [own.pk, foreign.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert Department.objects.drafts().count() == 2


def test_editor_cannot_publish_or_withdraw(as_user, editor, own):
    client = as_user(editor)
    assert client.get(f"{ADMIN}{own.pk}/publish/").status_code == 403
    assert client.post(f"{ADMIN}{own.pk}/publish/", {}).status_code == 403
    assert client.post(f"{ADMIN}{own.pk}/withdraw/").status_code == 403
    assert Department.objects.published().filter(draft=own).exists()


def test_editor_change_page_offers_no_publishing(as_user, editor, own):
    content = as_user(editor).get(f"{ADMIN}{own.pk}/change/").content.decode()
    assert "/publish/" not in content
    assert "/withdraw/" not in content


def test_publisher_publishes_their_own_department(as_user, publisher, own, client):
    own.responsibilities.create(text_en="A brand new duty", code="new-duty")
    response = as_user(publisher).post(f"{ADMIN}{own.pk}/publish/", {})
    assert response.status_code == 302
    assert "A brand new duty" in client.get(own.get_absolute_url()).content.decode()


def test_editor_cannot_add_departments(as_user, editor):
    assert as_user(editor).get(f"{ADMIN}add/").status_code == 403


def test_editor_cannot_assign_departments(as_user, editor, own, foreign):
    client = as_user(editor)
    response = client.get(f"{ADMIN}{own.pk}/change/")
    assert 'name="editors"' not in response.content.decode()
    data = form_data(response)
    data["editors"] = [str(editor.pk)]
    data["name_en"] = "Own Department, renamed"
    response = client.post(f"{ADMIN}{own.pk}/change/", data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name_en == "Own Department, renamed"
    assert list(own.editors.all()) == [editor]
    assert list(foreign.editors.all()) == []


def test_inline_id_of_another_departments_row_is_refused(as_user, editor, own, foreign):
    client = as_user(editor)
    data = form_data(client.get(f"{ADMIN}{own.pk}/change/"))
    foreign_duty = foreign.responsibilities.get(code="foreign-duty")
    data["responsibilities-0-id"] = str(foreign_duty.pk)
    data["responsibilities-0-text_en"] = "Hijacked"
    response = client.post(f"{ADMIN}{own.pk}/change/", data)
    assert response.status_code == 403
    foreign_duty.refresh_from_db()
    assert foreign_duty.text_en == "Foreign duty"
    assert foreign_duty.department_id == foreign.pk


def test_handler_choices_are_limited_to_the_department(as_user, editor, own, foreign):
    foreign.institutions.create(name_en="Foreign Office", code="foreign-office")
    own.institutions.create(name_en="Own Office", code="own-office")
    content = as_user(editor).get(f"{ADMIN}{own.pk}/change/").content.decode()
    assert "Own Office" in content
    assert "Foreign Office" not in content


def test_superuser_sees_every_department(as_user, own, foreign):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    content = as_user(admin).get(ADMIN).content.decode()
    assert "Own Department" in content and "Foreign Department" in content


def test_staff_without_assignment_sees_nothing(as_user, own, foreign):
    nobody = make_staff("nobody", "Editor")
    client = as_user(nobody)
    content = client.get(ADMIN).content.decode()
    assert "Own Department" not in content and "Foreign Department" not in content
    assert client.get(f"{ADMIN}{own.pk}/change/").status_code == 404


def test_preview_of_another_department_answers_404(as_user, editor, foreign):
    response = as_user(editor).get(f"/en/government/structure/{foreign.slug}/preview/")
    assert response.status_code == 404


def test_inline_rows_are_the_drafts_only(as_user, editor, own, republish):
    """Publication copies of the children never show up as inline rows."""
    republish(own)
    assert Responsibility.objects.filter(text_en="Own duty").count() == 2
    data = form_data(as_user(editor).get(f"{ADMIN}{own.pk}/change/"))
    assert data["responsibilities-INITIAL_FORMS"] == "1"


def test_autocomplete_offers_only_assigned_departments(as_user, editor, own, foreign):
    response = as_user(editor).get(
        "/admin/autocomplete/",
        {
            "app_label": "departments",
            "model_name": "responsibility",
            "field_name": "department",
            "term": "Department",
        },
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Own Department"]


def test_save_and_publish_saves_then_asks_the_publisher_to_confirm(as_user, publisher, own):
    client = as_user(publisher)
    page = client.get(f"{ADMIN}{own.pk}/change/")
    assert 'name="_publish"' in page.content.decode()
    data = {
        **form_data(page),
        "name_en": "Own Department (renamed)",
        "_publish": "Save and publish",
    }
    response = client.post(f"{ADMIN}{own.pk}/change/", data)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{own.pk}/publish/"
    assert Department.objects.get(pk=own.pk).name_en == "Own Department (renamed)"
    # Nothing is published until the publisher confirms.
    assert "(renamed)" not in client.get("/en/government/structure/own/").content.decode()


def test_editors_are_not_offered_save_and_publish(as_user, editor, own):
    client = as_user(editor)
    page = client.get(f"{ADMIN}{own.pk}/change/")
    assert 'name="_publish"' not in page.content.decode()
    data = {
        **form_data(page),
        "name_en": "Own Department (renamed)",
        "_publish": "Save and publish",
    }
    response = client.post(f"{ADMIN}{own.pk}/change/", data)
    assert response.status_code == 302
    assert "/publish/" not in response["Location"]
