"""The organization chart in the browser: boxes that wrap on a phone, a chart on a desktop, and
nested lists with readable text for screen readers."""

import pytest

from tests.browser.conftest import LANGUAGES, STRUCTURE_PAGE, is_elderly, open_page
from tests.browser.helpers import fail_on, horizontal_scroll_problem

CAPTIONS = {
    "en": "Organization chart of Department of Public Security of Zhejiang Province",
    "zh-hans": "浙江省公安厅组织结构图",
}
RELATIONS = {
    "en": "Handles the routine work of the Political Department",
    "zh-hans": "承担政治部的日常工作",
}

# Every box of the chart: its edges, and whether its text is cut off.
BOXES_JS = """() => [...document.querySelectorAll(".org-chart__box")].map((box) => {
  const rect = box.getBoundingClientRect();
  return { text: box.innerText.replace(/\\s+/g, " ").trim().slice(0, 50),
           left: rect.left, right: rect.right, top: Math.round(rect.top + scrollY),
           clipped: box.scrollWidth > box.clientWidth + 1 };
})"""


def boxes(page):
    return page.evaluate(BOXES_JS)


@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_boxes_wrap_on_a_phone(new_page, lang, mode):
    page = new_page(lang=lang, phone=True, elderly=mode == "elderly")
    open_page(page, STRUCTURE_PAGE.url(lang))
    assert is_elderly(page) == (mode == "elderly")
    chart = page.locator("figure.org-chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    width = page.evaluate("() => window.innerWidth")
    found = boxes(page)
    # The seed names only some of its institutions: a last box says others are not listed.
    assert len(found) == 29, f"expected the department and 28 boxes, found {len(found)}"
    outside = [box for box in found if box["left"] < 0 or box["right"] > width + 0.5]
    clipped = [box for box in found if box["clipped"]]
    where = f"{STRUCTURE_PAGE.url(lang)} ({mode}, {width} px)"
    fail_on(
        horizontal_scroll_problem(page, where),
        f"{where}: boxes outside the screen: {outside}" if outside else None,
        f"{where}: boxes whose text is cut off: {clipped}" if clipped else None,
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_spreads_boxes_side_by_side_on_a_desktop(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    institution_rows = page.evaluate(
        """() => [...document.querySelectorAll(".org-chart__branch:first-child .org-chart__box")]
            .map((box) => Math.round(box.getBoundingClientRect().top))"""
    )
    # 22 institutions and the box that says others are not listed.
    assert len(institution_rows) == 23
    assert len(set(institution_rows)) < 23 / 2, "institution boxes are not laid out in columns"
    fail_on(horizontal_scroll_problem(page, STRUCTURE_PAGE.url(lang)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screen_readers_read_the_chart_as_a_captioned_figure_of_nested_lists(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    section = page.get_by_role(
        "region", name={"en": "Organization chart", "zh-hans": "组织结构图"}[lang]
    )
    figure = section.get_by_role("figure", name=CAPTIONS[lang])
    assert figure.count() == 1
    snapshot = figure.aria_snapshot()
    # The department's list item holds the list of branches, each holding a list of boxes.
    assert snapshot.count("- list:") == 5, snapshot
    assert RELATIONS[lang] in snapshot, snapshot
    branches = figure.locator(":scope > ul > li > ul > li")
    assert branches.count() == 3
    assert [branches.nth(n).locator(":scope > ul > li").count() for n in range(3)] == [23, 4, 1]
    assert {"en": "Others not listed", "zh-hans": "其他未一一列出"}[lang] in snapshot, snapshot
