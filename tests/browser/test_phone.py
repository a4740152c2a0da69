"""On a 375 px phone every public page fits the screen and every control is easy to tap."""

import pytest

from tests.browser.conftest import is_elderly, open_page, public_page_params
from tests.browser.helpers import control_size_problem, fail_on, horizontal_scroll_problem


@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_phone_page_fits_the_screen_and_controls_are_at_least_44_px(
    new_page, lang, public_page, mode
):
    """Both checks run and both are reported: one page load for the two."""
    page = new_page(lang=lang, phone=True, elderly=mode == "elderly")
    open_page(page, public_page.url(lang), public_page.status)
    assert page.evaluate("() => window.innerWidth") == 375
    assert is_elderly(page) == (mode == "elderly")
    where = f"{public_page.url(lang)} ({mode}, 375 px phone)"
    fail_on(horizontal_scroll_problem(page, where), control_size_problem(page, where))
