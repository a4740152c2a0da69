"""The Leadership section, with photos and an emblem, meets the same bar as the rest of the page."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from departments.models import Department
from departments.services import publish
from tests.browser.conftest import LANGUAGES, STRUCTURE_PAGE, open_page
from tests.browser.helpers import control_size_problem, fail_on, format_axe_violations
from tests.browser.test_accessibility import AXE_OPTIONS


def jpeg(width, height, color):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def with_leaders(site_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = Department.objects.drafts().get(slug="public-security")
    draft.emblem = jpeg(400, 400, (160, 20, 30))
    draft.emblem_alt_en, draft.emblem_alt_zh_hans = "Police emblem", "警徽"
    draft.save()
    draft.leaders.create(
        name_en="Wang Ming",
        name_zh_hans="王明",
        post_en="Director",
        post_zh_hans="厅长",
        duties_en="Overall work of the department.",
        duties_zh_hans="主持全面工作。",
        biography_en="Born in 1968.",
        biography_zh_hans="1968年出生。",
        photo=jpeg(800, 1000, (90, 90, 90)),
        photo_alt_en="Portrait of Wang Ming",
        photo_alt_zh_hans="王明的照片",
    )
    publish(draft, update_date=False)
    return site_url


@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_leadership_section_has_no_axe_violations(new_page, with_leaders, lang, mode):
    page = new_page(lang=lang, elderly=mode == "elderly")
    open_page(page, STRUCTURE_PAGE.url(lang))
    heading = "Leadership" if lang == "en" else "领导信息"
    assert page.get_by_role("heading", name=heading).is_visible()
    photo = page.locator(".leader__photo")
    # Photos load lazily: bring it on screen as a reader scrolling down would.
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('.leader__photo');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    assert photo.evaluate("img => img.currentSrc").endswith((".webp", ".jpg"))
    assert photo.get_attribute("alt") == ("Portrait of Wang Ming" if lang == "en" else "王明的照片")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        fail_on(format_axe_violations(violations))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_leadership_section_fits_a_phone(new_page, with_leaders, lang):
    page = new_page(lang=lang, phone=True)
    open_page(page, STRUCTURE_PAGE.url(lang))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    fail_on(control_size_problem(page, STRUCTURE_PAGE.url(lang)))
