"""axe-core finds no WCAG 2.2 AA violation on any public page, in either display mode."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import is_elderly, open_page, public_page_params
from tests.browser.helpers import fail_on, format_axe_violations

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_page_has_no_axe_violations(new_page, axe, lang, public_page, mode):
    page = new_page(lang=lang, elderly=mode == "elderly")
    url = public_page.url(lang)
    open_page(page, url, public_page.status)
    if mode == "elderly":
        assert is_elderly(page), f"{url}: the display_mode=elderly cookie did not turn it on"
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        fail_on(
            f"{url} ({mode} mode): {len(violations)} axe violation(s):\n"
            + format_axe_violations(violations)
        )
