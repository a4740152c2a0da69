"""The department's change form in the admin: its width, ordering rows, and unsaved edits."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from departments.models import Department, Leader

from .conftest import LANGUAGES, open_page
from .helpers import fail_on, horizontal_scroll_problem

INLINES = ["responsibilities", "institutions", "affiliated_units", "leaders", "contacts"]


def jpeg(width, height, color):
    output = io.BytesIO()
    Image.new("RGB", (width, height), color).save(output, "JPEG")
    return ContentFile(output.getvalue(), name="image.jpg")


@pytest.fixture
def department(site_url, settings, tmp_path):
    """The seed department with an emblem and a leader with a photo: every inline has a row,
    and the form shows both thumbnails."""
    settings.MEDIA_ROOT = tmp_path
    department = Department.objects.drafts().get(slug="public-security")
    department.emblem = jpeg(800, 480, "navy")
    department.emblem_alt_en = "Police badge"
    department.emblem_alt_zh_hans = "警徽"
    department.save()
    Leader.objects.create(
        department=department,
        photo=jpeg(600, 800, "gray"),
        photo_alt_en="Portrait of Wang Wei",
        photo_alt_zh_hans="王伟的照片",
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
    for thumbnail in page.locator("img.stored-image").all():
        assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0"), "not shown"
    assert page.locator("img.stored-image").count() == 2
    page.screenshot(path=artifacts / f"admin-change-form-{lang}.png", full_page=True)
    fail_on(horizontal_scroll_problem(page, f"change form ({lang})"))


# Reordering rows one step at a time, from the keyboard alone.

MOVE = {
    "en": {
        "up": "Move up",
        "down": "Move down",
        "moved": "Responsibility {} moved to position {}.",
    },
    "zh-hans": {"up": "上移", "down": "下移", "moved": "第{}项主要职责已移到第{}位。"},
}


def tab_to(page, selector, backwards=False, limit=400):
    """Press Tab (Shift+Tab backwards) until the element matching selector has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def focused(page):
    """The focused element's accessible name and the id of its inline row."""
    return page.evaluate(
        "() => ({ name: document.activeElement.getAttribute('aria-label'),"
        " row: document.activeElement.closest('tr, .inline-related')?.id })"
    )


def announced(page, text):
    page.wait_for_function(
        "text => document.getElementById('inline-order-status').textContent === text", arg=text
    )


def responsibility_order(department):
    return list(
        department.responsibilities.order_by("sort_order", "pk").values_list("pk", flat=True)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rows_move_one_step_from_the_keyboard_and_the_move_is_announced(
    admin_page, department, lang
):
    words = MOVE[lang]
    before = responsibility_order(department)
    page = admin_page(lang)
    open_page(page, change_url(department))
    first_row = page.locator("#responsibilities-0")
    assert first_row.get_by_role("button", name=words["up"]).get_attribute("aria-disabled") == (
        "true"
    )

    tab_to(page, "#responsibilities-0 button.move-down")
    page.keyboard.press("Enter")
    announced(page, words["moved"].format(1, 2))
    assert focused(page) == {"name": words["down"], "row": "responsibilities-0"}
    page.keyboard.press("Space")
    announced(page, words["moved"].format(2, 3))
    assert focused(page) == {"name": words["down"], "row": "responsibilities-0"}
    page.keyboard.press("Shift+Tab")
    assert focused(page) == {"name": words["up"], "row": "responsibilities-0"}
    page.keyboard.press("Enter")
    announced(page, words["moved"].format(3, 2))
    assert focused(page) == {"name": words["up"], "row": "responsibilities-0"}
    rows = page.locator("#responsibilities-group tbody tr.has_original")
    assert rows.nth(1).get_attribute("id") == "responsibilities-0"

    # Enter in a text field saves the form.
    tab_to(page, "#id_responsibilities-0-code")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".messagelist .success").count() == 1, "saving failed"
    assert responsibility_order(department) == [before[1], before[0], *before[2:]]


# Unsaved edits and the Publish link.


def type_into(page, selector, text):
    """Click and type, as an editor does (a browser asks before leaving only after that)."""
    page.click(selector)
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_publish_with_unsaved_edits_saves_them_first(admin_page, department, site_url):
    page = admin_page("en")
    open_page(page, change_url(department))
    type_into(page, "#id_name_en", " (renamed)")
    page.get_by_role("link", name="Publish", exact=True).click()
    note = page.locator("#unsaved-changes-note")
    note.wait_for()
    assert "unsaved changes" in note.inner_text()
    assert page.url.endswith(change_url(department)), "Publish left the page with unsaved edits"
    assert page.input_value("#id_name_en").endswith(" (renamed)"), "the edit was lost"

    with page.expect_navigation():
        page.click("input[name=_publish]")
    assert page.url.endswith(f"/admin/departments/department/{department.pk}/publish/")
    with page.expect_navigation():
        page.click("#content-main input[type=submit]")
    assert page.locator(".messagelist .success").count() == 1
    open_page(page, "/en/government/structure/public-security/")
    heading = page.locator("h1").inner_text()
    assert heading == "Department of Public Security of Zhejiang Province (renamed)"


def test_publish_without_unsaved_edits_opens_the_publication(admin_page, department):
    page = admin_page("en")
    open_page(page, change_url(department))
    with page.expect_navigation():
        page.get_by_role("link", name="Publish", exact=True).click()
    assert page.url.endswith(f"/admin/departments/department/{department.pk}/publish/")


class Dialogs:
    """The page's dialogs, dismissed (so leaving is canceled) and recorded."""

    def __init__(self, page):
        self.types = []
        page.on("dialog", self.dismiss)

    def dismiss(self, dialog):
        self.types.append(dialog.type)
        dialog.dismiss()


def test_leaving_a_changed_form_asks_first(admin_page, department):
    page = admin_page("en")
    open_page(page, change_url(department))
    dialogs = Dialogs(page)
    type_into(page, "#id_responsibilities-0-text_en", " More.")
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_timeout(500)
    assert dialogs.types == ["beforeunload"]
    assert page.url.endswith(change_url(department)), "the page was left"


def test_leaving_an_unchanged_form_does_not_ask(admin_page, department):
    page = admin_page("en")
    open_page(page, change_url(department))
    dialogs = Dialogs(page)
    page.click("#id_name_en")  # a click that changes nothing
    with page.expect_navigation():
        page.locator(".breadcrumbs a").first.click()
    assert dialogs.types == []
    assert page.url.endswith("/admin/")


def test_saving_a_changed_form_does_not_ask(admin_page, department):
    page = admin_page("en")
    open_page(page, change_url(department))
    dialogs = Dialogs(page)
    type_into(page, "#id_name_en", " (renamed)")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert dialogs.types == []
    assert page.locator(".messagelist .success").count() == 1
    department.refresh_from_db()
    assert department.name_en.endswith(" (renamed)")
