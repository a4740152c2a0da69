"""The admin in each interface language: the translation tabs and the preview buttons say
which language they are for, by name, as staff read them."""

import pytest

from departments.models import Department

from .conftest import LANGUAGES, STRUCTURE_PATH, open_page
from .test_csp import sign_in

PASSWORD = "a-long-password-for-tests"

# Tabs name each language as its readers write it, whatever the admin's language.
TAB_LABELS = ["English", "简体中文"]
PREVIEW_BUTTONS = {
    "en": [
        ("Preview the English draft", f"/en{STRUCTURE_PATH}preview/"),
        ("Preview the Chinese draft", f"/zh-hans{STRUCTURE_PATH}preview/"),
    ],
    "zh-hans": [
        ("预览英文草稿", f"/en{STRUCTURE_PATH}preview/"),
        ("预览中文草稿", f"/zh-hans{STRUCTURE_PATH}preview/"),
    ],
}

# What a sighted user reads: innerText follows CSS (text-transform included).
TAB_TEXTS_JS = """
() => {
  const visible = (el) => el.getClientRects().length > 0;
  const groups = [...document.querySelectorAll(".ui-tabs-nav")].filter(visible);
  return {
    groups: groups.map((nav) => [...nav.querySelectorAll("a")].map((a) => a.innerText.trim())),
    switch: [...document.querySelectorAll("#modeltranslation-main-switch option")].map(
      (option) => option.innerText.trim()
    ),
  };
}
"""

# The admin shows every object tool in capitals; the words are what matter here.
PREVIEW_LINKS_JS = """
() => [...document.querySelectorAll(".object-tools a")]
  .filter((a) => new URL(a.href).pathname.endsWith("/preview/"))
  .map((a) => [a.textContent.trim(), new URL(a.href).pathname])
"""


@pytest.fixture
def superuser(django_user_model, site_url):
    return django_user_model.objects.create_superuser(
        "languages-admin", "languages@example.org", PASSWORD
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_change_form_names_the_languages_of_its_tabs_and_previews(new_page, superuser, lang):
    page = new_page(lang=lang)
    sign_in(page, "languages-admin", PASSWORD)
    department = Department.objects.drafts().get(slug="public-security")
    open_page(page, f"/admin/departments/department/{department.pk}/change/")
    assert page.evaluate("() => document.documentElement.lang") == lang

    tabs = page.evaluate(TAB_TEXTS_JS)
    assert tabs["groups"], "no translation tabs on the change form"
    wrong = [labels for labels in tabs["groups"] if labels != TAB_LABELS]
    assert not wrong, f"tabs labelled {wrong[:3]} instead of {TAB_LABELS}"
    assert tabs["switch"] == TAB_LABELS

    assert [tuple(link) for link in page.evaluate(PREVIEW_LINKS_JS)] == PREVIEW_BUTTONS[lang]
