"""axe-core finds no WCAG 2.2 AA violation on any public page, in either display mode."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.views.defaults import server_error

from portal.views import service_unavailable
from tests.browser.conftest import (
    BROWSER_LOCALES,
    LANGUAGES,
    is_elderly,
    open_page,
    public_page_params,
)
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


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("error_view", [server_error, service_unavailable], ids=["500", "503"])
def test_error_pages_rendered_without_the_database_have_no_axe_violations(
    browser, axe, rf, lang, error_view
):
    # Shown when something failed or the database does not answer: nothing to load them
    # from a live server with, so the browser gets the view's answer as it is.
    with translation.override(lang):
        response = error_view(rf.get(f"/{lang}/"))
    context = browser.new_context(locale=BROWSER_LOCALES[lang])
    try:
        page = context.new_page()
        page.route(
            "http://portal.test/**",
            lambda route: route.fulfill(
                status=response.status_code,
                body=response.content,
                content_type=response["Content-Type"],
            ),
        )
        assert page.goto("http://portal.test/").status == response.status_code
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    if violations:
        fail_on(
            f"{response.status_code} page ({lang}): {len(violations)} axe violation(s):\n"
            + format_axe_violations(violations)
        )
