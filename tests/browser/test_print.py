"""Printing the structure page: A4 pages with all of its content and none of the site's controls;
the Print and Close buttons."""

import contextlib
import re
import unicodedata

import pytest
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from departments.models import Department
from tests.browser.conftest import LANGUAGES, STRUCTURE_PAGE, open_page
from tests.browser.helpers import STUB_PRINT, fail_on
from tests.seed_page import read_seed_page

A4_POINTS = (595.28, 841.89)
PUBLISHED = "2020-09-01 09:09"

# Text of the site's controls, as the reader sees it on screen; none of it may be printed.
CHROME_TEXT_JS = """() => {
  const text = (selector) =>
    [...document.querySelectorAll(selector)].map((el) => el.textContent.trim()).filter(Boolean);
  const otherLanguages = [...document.querySelectorAll("nav.language-switcher a")]
    .map((a) => a.textContent.trim());
  // The same labels may legitimately occur in the content: count them there.
  const content = document.querySelector("main").cloneNode(true);
  content.querySelectorAll("nav.breadcrumb, .page-actions").forEach((el) => el.remove());
  return {
    skip: text("a.skip-link"),
    languages: otherLanguages,
    breadcrumb: text("nav.breadcrumb a"),
    buttons: text(".page-actions button"),
    toggle: text("a.display-mode-toggle"),
    content: content.textContent,
  };
}"""


def squeeze(text):
    return re.sub(r"\s+", "", text)


# PDF fonts give some ideographs the code point of a CJK radical with the same glyph (民 comes
# out as ⺠ U+2EA0). NFKC maps Kangxi radicals back (⼈ → 人), except where it picks the
# traditional form; CJK Radicals Supplement code points it leaves alone. Both are mapped here.
RADICAL_IDEOGRAPHS = {
    "⼾": "户",  # NFKC: 戶
    "⾭": "青",  # NFKC: 靑
    "⺠": "民",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻈": "讠",
    "⻉": "贝",
    "⻋": "车",
    "⻓": "长",
    "⻔": "门",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻠": "饣",
    "⻢": "马",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
}
UNMAPPED_RADICAL = re.compile("[\u2e80-\u2fdf]")


def unfold(text):
    """Ligatures (ﬃ → ffi) and radicals (⼈ → 人, ⺠ → 民) back to the page's characters."""
    return unicodedata.normalize(
        "NFKC", "".join(RADICAL_IDEOGRAPHS.get(char, char) for char in text)
    )


def pdf_text(reader):
    """The PDF's text, unfolded, without whitespace."""
    return squeeze(unfold("".join(pdf_page.extract_text() or "" for pdf_page in reader.pages)))


def occurrences(fact, text):
    return text.count(squeeze(unfold(fact)))


def expected_facts(lang):
    """Everything the printed page must show, as (what, text) pairs."""
    if lang == "en":
        seed = read_seed_page()
        facts = [("name", seed.name), ("date", PUBLISHED)]
        facts += [(f"responsibility {n}", text) for n, text in enumerate(seed.responsibilities, 1)]
        facts += [("institution", name) for name in seed.institutions]
        facts += [("unit", name) for name in seed.direct_units + seed.managed_units]
        facts += [(f"contact {label}", value) for label, value in seed.contacts]
        return facts
    with translation.override(lang):
        department = Department.objects.published().get(slug="public-security")
        facts = [("name", department.name), ("date", PUBLISHED)]
        facts += [
            (f"responsibility {n}", responsibility.text)
            for n, responsibility in enumerate(department.responsibilities.all(), 1)
        ]
        facts += [
            ("institution", institution.name) for institution in department.institutions.all()
        ]
        facts += [("unit", unit.name) for unit in department.affiliated_units.all()]
        facts += [
            (f"contact {contact.kind}", contact.value) for contact in department.contacts.all()
        ]
    return facts


@pytest.fixture
def printed(new_page, site_url, artifacts):
    """print(lang) -> (page, PDF reader, text of the PDF without whitespace)."""

    def make(lang):
        page = new_page(lang=lang)
        open_page(page, STRUCTURE_PAGE.url(lang))
        page.emulate_media(media="print")
        path = artifacts / f"structure-{lang}-print.pdf"
        page.pdf(path=path, format="A4", prefer_css_page_size=True, print_background=False)
        assert path.stat().st_size > 0
        reader = PdfReader(path)
        return page, reader, pdf_text(reader)

    return make


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printed_pages_are_a4(printed, lang):
    _page, reader, _text = printed(lang)
    assert len(reader.pages) >= 1
    for number, pdf_page in enumerate(reader.pages, 1):
        size = (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height))
        assert abs(size[0] - A4_POINTS[0]) <= 2 and abs(size[1] - A4_POINTS[1]) <= 2, (
            f"PDF page {number} is {size[0]:.1f} x {size[1]:.1f} pt, not A4 (595 x 842)"
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printout_shows_the_whole_structure_page_and_its_address(printed, site_url, lang):
    _page, _reader, text = printed(lang)
    facts = expected_facts(lang)
    assert len(facts) > 40, "the seed content was not read"
    facts.append(("page address", site_url + STRUCTURE_PAGE.url(lang)))
    missing = [f"{what}: {fact!r}" for what, fact in facts if not occurrences(fact, text)]
    radicals = sorted(set(UNMAPPED_RADICAL.findall(text)))
    if missing:
        fail_on(
            f"missing from the printed {lang} page:\n    "
            + "\n    ".join(missing)
            + (f"\n(unmapped CJK radicals in the PDF text: {radicals})" if radicals else "")
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printout_leaves_out_navigation_and_controls(printed, lang):
    page, _reader, text = printed(lang)
    chrome = page.evaluate(CHROME_TEXT_JS)
    content = squeeze(unfold(chrome["content"]))
    other_language_name = {"en": "简体中文", "zh-hans": "English"}[lang]
    assert other_language_name in chrome["languages"], chrome["languages"]
    assert len(chrome["breadcrumb"]) == 3 and len(chrome["buttons"]) == 2, chrome
    labels = chrome["skip"] + chrome["languages"] + chrome["buttons"] + chrome["toggle"]
    printed_labels = [
        label for label in labels if occurrences(label, text) > occurrences(label, content)
    ]
    if printed_labels:
        fail_on(f"the {lang} printout shows controls: {printed_labels}")
    breadcrumb = ".{0,3}".join(re.escape(squeeze(unfold(label))) for label in chrome["breadcrumb"])
    assert not re.search(breadcrumb, text), (
        f"the {lang} printout shows the breadcrumb {chrome['breadcrumb']}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_print_button_prints(new_page, lang):
    page = new_page(lang=lang)
    page.add_init_script(STUB_PRINT)
    open_page(page, STRUCTURE_PAGE.url(lang))
    button = page.locator('button[data-action="print"]')
    assert button.is_visible(), "the Print button is hidden"
    button.click()
    assert page.evaluate("() => window.__printed || 0") == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_close_button_is_hidden_on_a_page_the_visitor_opened(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    assert page.locator('button[data-action="print"]').is_visible(), "scripts did not run"
    assert page.locator('button[data-action="close"]').is_hidden()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_close_button_closes_a_window_the_site_opened(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, f"/{lang}/government/structure/")
    with page.expect_popup() as info:
        page.evaluate("url => window.open(url)", STRUCTURE_PAGE.url(lang))
    popup = info.value
    popup.wait_for_load_state("load")
    close = popup.locator('button[data-action="close"]')
    close.wait_for(state="visible")
    # The window may close before Playwright hears back about the click:
    # exactly what the button is for.
    with popup.expect_event("close"), contextlib.suppress(PlaywrightError):
        close.click(no_wait_after=True)
    assert popup.is_closed()
    assert not page.is_closed()


def test_close_button_stays_hidden_in_a_window_another_site_opened(new_page, site_url):
    """Only the site's own windows are offered "Close": here localhost opens 127.0.0.1.

    (Django's Cross-Origin-Opener-Policy: same-origin currently severs such an opener.)
    """
    page = new_page(lang="en")
    foreign = site_url.replace("127.0.0.1", "localhost")
    assert foreign != site_url
    open_page(page, foreign + "/en/")
    with page.expect_popup() as info:
        page.evaluate("url => window.open(url)", site_url + STRUCTURE_PAGE.url("en"))
    popup = info.value
    popup.wait_for_load_state("load")
    assert popup.locator('button[data-action="print"]').is_visible(), "scripts did not run"
    assert popup.locator('button[data-action="close"]').is_hidden(), (
        "Close is offered in a window opened by another origin (window.opener is cross-origin)"
    )


ORG_CHART = {
    "en": (
        "Organization chart of Department of Public Security of Zhejiang Province",
        "Handles the routine work of the Political Department",
    ),
    "zh-hans": ("浙江省公安厅组织结构图", "承担政治部的日常工作"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printout_shows_the_organization_chart(printed, lang):
    _page, _reader, text = printed(lang)
    caption, relation = ORG_CHART[lang]
    assert occurrences(caption, text) == 1, f"the {lang} printout lacks the chart's caption"
    # Each of the three institutions that handle the Political Department's work says so.
    assert occurrences(relation, text) == 3, f"the {lang} printout lacks the chart's relations"
