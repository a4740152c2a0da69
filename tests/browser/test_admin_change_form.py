"""The department's change form in the admin: its width, ordering rows, and unsaved edits."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from departments.models import Department, Leader

from .conftest import LANGUAGES, open_page
from .helpers import fail_on, horizontal_scroll_problem

INLINES = ["responsibilities", "institutions", "affiliated_units", "leaders", "contacts"]


@pytest.fixture
def department(site_url):
    """The seed department, with a leader so that every inline has a row."""
    department = Department.objects.drafts().get(slug="public-security")
    Leader.objects.create(
        department=department,
        name_en="Wang Wei",
        name_zh_hans="王伟",
        post_en="Director",
        post_zh_hans="厅长",
        duties_en="Overall work of the department.",
        duties_zh_hans="主持全面工作。",
    )
    return department


@pytest.fixture
def admin_page(new_page, site_url, django_user_model):
    """admin_page(lang="en") -> a desktop page signed in as a superuser, in that language."""
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "unused")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value

    def make(lang="en"):
        page = new_page(lang=lang)
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": site_url}])
        return page

    return make


def change_url(department):
    return f"/admin/departments/department/{department.pk}/change/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_change_form_fits_a_1280_px_window(admin_page, department, artifacts, lang):
    page = admin_page(lang)
    open_page(page, change_url(department))
    # A new row in every inline too, as an editor adds them.
    for prefix in INLINES:
        page.locator(f"#{prefix}-group .add-row a").click()
    assert page.viewport_size["width"] == 1280
    page.screenshot(path=artifacts / f"admin-change-form-{lang}.png", full_page=True)
    fail_on(horizontal_scroll_problem(page, f"change form ({lang})"))
