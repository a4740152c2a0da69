"""The directory's name filter works without JavaScript and instantly with it."""

import pytest

from tests.browser.conftest import open_page


@pytest.mark.parametrize("javascript", [True, False])
def test_filter_form_narrows_the_directory(new_page, javascript):
    page = new_page(lang="en", javascript=javascript)
    open_page(page, "/en/government/structure/")
    page.fill("#directory-name", "nothing like this")
    if javascript:
        # Filtering happens as one types: no request, the counts follow.
        assert page.locator("[data-directory-group]").first.is_hidden()
        assert page.locator("#directory-count").inner_text() == "0 departments"
    page.press("#directory-name", "Enter")
    page.wait_for_load_state("load")
    assert "name=nothing+like+this" in page.url
    assert "No department has that in its name." in page.locator("main").inner_text()


def test_filter_matches_either_language_as_one_types(new_page):
    page = new_page(lang="zh-hans")
    open_page(page, "/zh-hans/government/structure/")
    page.fill("#directory-name", "security")
    assert page.get_by_role("link", name="浙江省公安厅").is_visible()
    page.fill("#directory-name", "公安")
    assert page.get_by_role("link", name="浙江省公安厅").is_visible()
    assert page.locator("#directory-count").inner_text() == "1个部门"
