"""The admin's editorial workflow as staff meet it: adding editors, pages they may not
open, restoring revisions, the publication date, "View on site" and saves that change
nothing (issue 18, items 15–20 and 22)."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from departments.models import Department, Institution
from departments.services import publish
from tests.admin_forms import form_data
from tests.conftest import page_text

ADMIN = "/admin/departments/department/"
USERS = "/admin/auth/user/"
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def make_staff(username, group=None, **fields):
    user = get_user_model().objects.create_user(
        username, password="pw-for-tests", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests")


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def own(make_department):
    return make_department("own", name_en="Own Department", name_zh_hans="本部门")


@pytest.fixture
def foreign(make_department):
    return make_department("foreign", name_en="Foreign Department", name_zh_hans="他部门")


@pytest.fixture
def editor(own):
    user = make_staff("editor", "Editor")
    own.editors.add(user)
    return user


def versions_of(department):
    return list(Version.objects.get_for_object(department))


# 15. Adding an editor or a publisher is one path, and they can sign in.


def test_add_user_page_asks_for_role_and_departments(root_client, own):
    content = root_client.get(f"{USERS}add/").content.decode()
    assert 'name="role"' in content
    assert 'name="departments"' in content
    assert "Own Department" in content
    assert "can sign in to the admin" in page_text(root_client.get(f"{USERS}add/"))


def test_editor_added_in_the_admin_can_sign_in_and_edit_their_department(
    root_client, client, own, foreign
):
    response = root_client.post(
        f"{USERS}add/",
        {
            "username": "new-editor",
            "password1": "a-long-password-4-tests",
            "password2": "a-long-password-4-tests",
            "usable_password": "true",
            "role": "Editor",
            "departments": [str(own.pk)],
        },
    )
    assert response.status_code == 302, page_text(response)[:2000]
    user = get_user_model().objects.get(username="new-editor")
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert list(user.assigned_departments.all()) == [own]
    client.logout()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "new-editor", "password": "a-long-password-4-tests", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    content = client.get(ADMIN).content.decode()
    assert "Own Department" in content and "Foreign Department" not in content
    assert client.get(f"{ADMIN}{own.pk}/change/").status_code == 200


def test_putting_a_user_in_the_publisher_group_lets_them_sign_in(root_client, db):
    user = get_user_model().objects.create_user("later", password="pw-for-tests")
    data = form_data(root_client.get(f"{USERS}{user.pk}/change/"))
    data["groups"] = [str(Group.objects.get(name="Publisher").pk)]
    response = root_client.post(f"{USERS}{user.pk}/change/", data)
    assert response.status_code == 302, page_text(response)[:2000]
    user.refresh_from_db()
    assert user.is_staff


def test_user_change_page_explains_staff_status(root_client, db):
    user = get_user_model().objects.create_user("someone", password="pw-for-tests")
    text = page_text(root_client.get(f"{USERS}{user.pk}/change/"))
    assert "Members of the Editor and Publisher groups are given staff status" in text


def test_editor_without_a_department_is_told_why_the_list_is_empty(client, own):
    client.force_login(make_staff("unassigned", "Editor"))
    text = page_text(client.get(ADMIN))
    assert "No department is assigned to you yet" in text
    assert "ask an administrator" in text
    text = page_text(client.get(ADMIN, **CHINESE))
    assert "还没有分配给您的部门" in text


def test_assigned_editor_is_not_told_the_list_is_empty(client, editor):
    client.force_login(editor)
    assert "No department is assigned to you yet" not in page_text(client.get(ADMIN))


# 16. Pages staff may not open are admin pages that say why.


def test_another_departments_page_is_an_admin_404_that_says_why(client, editor, foreign):
    client.force_login(editor)
    response = client.get(f"{ADMIN}{foreign.pk}/change/")
    assert response.status_code == 404
    content = response.content.decode()
    assert 'id="site-name"' in content  # the admin's header, not the public site's
    assert "This department does not exist or is not assigned to you" in page_text(response)
    response = client.get(f"{ADMIN}{foreign.pk}/change/", **CHINESE)
    assert response.status_code == 404
    assert "该部门不存在，或者没有分配给您" in page_text(response)


def test_a_forbidden_action_is_an_admin_403_that_says_why(client, editor, own):
    client.force_login(editor)
    response = client.get(f"{ADMIN}{own.pk}/publish/")
    assert response.status_code == 403
    assert 'id="site-name"' in response.content.decode()
    assert "You do not have permission to publish or withdraw this department" in page_text(
        response
    )
    response = client.get(f"{ADMIN}{own.pk}/delete/", **CHINESE)
    assert response.status_code == 403
    assert "您没有权限" in page_text(response)


def test_public_pages_keep_the_public_404(client, editor):
    client.force_login(editor)
    response = client.get("/en/government/structure/no-such-department/")
    assert response.status_code == 404
    assert 'id="site-name"' not in response.content.decode()
    assert "Page not found" in page_text(response)


# 17. Restoring a revision while a publication is scheduled.


@pytest.fixture
def scheduled(root_client, own):
    """Own Department renamed and scheduled for tomorrow; returns (first version, moment)."""
    first = versions_of(own)[-1]
    data = form_data(root_client.get(f"{ADMIN}{own.pk}/change/"))
    data["name_en"] = "Renamed Department"
    assert root_client.post(f"{ADMIN}{own.pk}/change/", data).status_code == 302
    moment = timezone.localtime() + timedelta(days=1)
    publish(own, live_from=moment)
    return first, moment


def test_restore_page_warns_of_a_scheduled_publication_and_says_what_happens(
    root_client, own, scheduled
):
    first, moment = scheduled
    text = page_text(root_client.get(f"{ADMIN}{own.pk}/history/{first.pk}/"))
    assert "revert to this version of the object" not in text
    assert "becomes the draft" in text
    assert "the public pages do not change until the department is published" in text
    assert f"Cancel the publication scheduled for {moment:%Y-%m-%d %H:%M}" in text


def test_restoring_can_cancel_the_scheduled_publication(root_client, client, own, scheduled):
    first, moment = scheduled
    page = root_client.get(f"{ADMIN}{own.pk}/history/{first.pk}/")
    data = {**form_data(page), "cancel_scheduled_publication": "on"}
    response = root_client.post(f"{ADMIN}{own.pk}/history/{first.pk}/", data, follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert "was changed successfully" not in text
    assert "is now the draft" in text
    assert "scheduled publication is canceled" in text
    assert not Department.objects.scheduled().filter(draft=own).exists()
    own.refresh_from_db()
    assert own.name_en == "Own Department"


def test_restoring_without_cancelling_keeps_the_scheduled_publication(root_client, own, scheduled):
    first, _moment = scheduled
    page = root_client.get(f"{ADMIN}{own.pk}/history/{first.pk}/")
    response = root_client.post(f"{ADMIN}{own.pk}/history/{first.pk}/", form_data(page))
    assert response.status_code == 302
    assert Department.objects.scheduled().filter(draft=own).exists()


# 18. One publication date, the same in the list, the change form and the public page.


def test_publication_date_is_the_same_everywhere_after_publishing(root_client, client, own):
    Department.objects.filter(pk=own.pk).update(published_at=timezone.now() - timedelta(days=400))
    response = root_client.post(f"{ADMIN}{own.pk}/publish/", {"update_date": "on"})
    assert response.status_code == 302
    page = client.get(own.get_absolute_url()).content.decode()
    (shown,) = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', page)
    list_row = re.search(
        r"<tr>.*?Own Department.*?</tr>", root_client.get(ADMIN).content.decode(), re.S
    )
    assert shown in list_row.group(0)
    form_text = page_text(root_client.get(f"{ADMIN}{own.pk}/change/"))
    assert f"Publication date: {shown}" in form_text or f"Publication date {shown}" in form_text


def test_editors_do_not_type_the_publication_date(root_client, own):
    content = root_client.get(f"{ADMIN}{own.pk}/change/").content.decode()
    assert 'name="published_at_0"' not in content


# 19. "View on site" opens the public page, or the preview when nothing is published.


def test_view_on_site_of_a_published_department_opens_its_page(root_client, own):
    content = root_client.get(f"{ADMIN}{own.pk}/change/").content.decode()
    (link,) = re.findall(r'<a href="([^"]+)" class="viewsitelink"', content)
    target = root_client.get(link, follow=True)
    assert target.request["PATH_INFO"] == own.get_absolute_url()


@pytest.mark.parametrize("state", ["draft-only", "withdrawn", "scheduled"])
def test_view_on_site_of_an_unpublished_department_opens_the_preview(
    root_client, make_department, state
):
    department = make_department("unpublished", publish_now=state == "withdrawn")
    if state == "withdrawn":
        root_client.post(f"{ADMIN}{department.pk}/withdraw/")
    if state == "scheduled":
        publish(department, live_from=timezone.now() + timedelta(days=1))
    content = root_client.get(f"{ADMIN}{department.pk}/change/").content.decode()
    (link,) = re.findall(r'<a href="([^"]+)" class="viewsitelink"', content)
    response = root_client.get(link, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == department.get_preview_url()


# 20. An institution does not handle its own routine work.


def test_institution_cannot_handle_its_own_routine_work(root_client, own):
    office = own.institutions.create(name_en="General Office", code="general-office")
    own.institutions.create(name_en="Other Office", code="other-office")
    response = root_client.get(f"{ADMIN}{own.pk}/change/")
    select = re.search(
        r'<select name="institutions-0-routine_work_handled_by".*?</select>',
        response.content.decode(),
        re.S,
    ).group(0)
    assert "Other Office" in select
    assert "General Office" not in select
    data = form_data(response)
    data["institutions-0-routine_work_handled_by"] = [str(office.pk)]
    response = root_client.post(f"{ADMIN}{own.pk}/change/", data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Please correct the error below." in text
    # Refused by the choices, or by validate_handlers if the choices ever offer it again.
    assert (
        "An institution cannot handle its own routine work." in text
        or f"Select a valid choice. {office.pk} is not one of the available choices." in text
    )
    assert not Institution.objects.get(pk=office.pk).routine_work_handled_by.exists()


# 22. A save that changes nothing records no revision.


def test_saving_an_unchanged_form_records_no_revision(root_client, own):
    own.responsibilities.create(text_en="A duty", code="a-duty")
    count = len(versions_of(own))
    page = root_client.get(f"{ADMIN}{own.pk}/change/")
    response = root_client.post(f"{ADMIN}{own.pk}/change/", form_data(page))
    assert response.status_code == 302
    assert len(versions_of(own)) == count
    assert "No fields changed" not in page_text(root_client.get(f"{ADMIN}{own.pk}/history/"))
    assert not LogEntry.objects.filter(object_id=str(own.pk), change_message="[]").exists()


def test_a_real_change_still_records_a_revision(root_client, own):
    own.responsibilities.create(text_en="A duty", code="a-duty")
    count = len(versions_of(own))
    data = form_data(root_client.get(f"{ADMIN}{own.pk}/change/"))
    data["name_en"] = "Renamed Department"
    assert root_client.post(f"{ADMIN}{own.pk}/change/", data).status_code == 302
    assert len(versions_of(own)) == count + 1
    data = form_data(root_client.get(f"{ADMIN}{own.pk}/change/"))
    data["responsibilities-0-text_en"] = "A changed duty"
    assert root_client.post(f"{ADMIN}{own.pk}/change/", data).status_code == 302
    versions = versions_of(own)
    assert len(versions) == count + 2
    texts = [
        version.field_dict["text_en"]
        for version in versions[0].revision.version_set.all()
        if version.content_type.model == "responsibility"
    ]
    assert texts == ["A changed duty"]


def test_restore_page_is_in_chinese(root_client, own, scheduled):
    first, moment = scheduled
    text = page_text(root_client.get(f"{ADMIN}{own.pk}/history/{first.pk}/", **CHINESE))
    assert "恢复后，它连同职责、内设机构、单位、领导和联系方式成为草稿" in text
    assert f"取消定时于{moment:%Y-%m-%d %H:%M}的发布" in text


def test_publishing_that_keeps_the_date_keeps_the_date_the_page_showed(root_client, client, own):
    """The draft follows its page's date, so a later publish that keeps the date keeps it."""
    Department.objects.filter(pk=own.pk).update(published_at=timezone.now() - timedelta(days=400))
    assert root_client.post(f"{ADMIN}{own.pk}/publish/", {"update_date": "on"}).status_code == 302
    first = page_text(client.get(own.get_absolute_url()))
    assert root_client.post(f"{ADMIN}{own.pk}/publish/", {}).status_code == 302
    date = re.search(r"Date:(\S+ \S+)", first).group(1)
    assert f"Date:{date}" in page_text(client.get(own.get_absolute_url()))


def test_an_unknown_admin_address_is_an_admin_404(client, editor):
    client.force_login(editor)
    response = client.get("/admin/departments/no-such-page/")
    assert response.status_code == 404
    assert 'id="site-name"' in response.content.decode()
    assert "This page does not exist, or it belongs to a department" in page_text(response)


def test_an_editor_restoring_is_warned_but_cannot_cancel_the_publication(
    client, editor, own, scheduled
):
    first, moment = scheduled
    client.force_login(editor)
    page = client.get(f"{ADMIN}{own.pk}/history/{first.pk}/")
    text = page_text(page)
    assert f"A publication is scheduled for {moment:%Y-%m-%d %H:%M}" in text
    assert "A publisher of the department can cancel it" in text
    assert 'name="cancel_scheduled_publication"' not in page.content.decode()
    data = {**form_data(page), "cancel_scheduled_publication": "on"}
    assert client.post(f"{ADMIN}{own.pk}/history/{first.pk}/", data).status_code == 302
    assert Department.objects.scheduled().filter(draft=own).exists()
