"""Everything works from the keyboard alone, and the keyboard focus is always visible."""

import pytest

from tests.browser.conftest import (
    ELDERLY_CLASS,
    LANGUAGES,
    OTHER_LANGUAGE,
    STRUCTURE_PAGE,
    is_elderly,
    open_page,
    public_page_params,
)
from tests.browser.helpers import (
    FOCUS_JS,
    STUB_PRINT,
    UNREACHED_JS,
    fail_on,
    format_rows,
    path_of,
)


def tab_walk(page, limit=200):
    """Press Tab until focus leaves the page or comes back round; what each press focused."""
    page.evaluate("() => { window.__tabbed = []; }")
    steps = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate(FOCUS_JS)
        if step is None or step["seen"]:
            return steps
        steps.append(step)
    pytest.fail(f"focus never came back round after {limit} presses of Tab")


def tab_to(page, selector, limit=100):
    """Press Tab until the element matching selector has the focus."""
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        reached.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    pytest.fail(f"Tab never reached {selector}; focus went through:\n    " + "\n    ".join(reached))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_tab_focuses_the_skip_link_which_becomes_visible(new_page, lang):
    """(test_tabbing_reaches_every_visible_link_and_button checks it comes first on every page.)"""
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => document.activeElement.matches('a.skip-link[href=\"#main-content\"]')"
    )
    assert focused, "the first Tab did not focus a.skip-link"
    box = page.locator("a.skip-link").bounding_box()
    viewport = page.viewport_size
    assert box and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off-screen: {box}"
    assert box["x"] + box["width"] <= viewport["width"], f"skip link sticks out: {box}"
    assert box["y"] + box["height"] <= viewport["height"], f"skip link sticks out: {box}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_skip_link_moves_focus_to_the_main_content(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    tab_to(page, "a.skip-link")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#main-content'")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    top = page.evaluate("() => document.getElementById('main-content').getBoundingClientRect().top")
    assert 0 <= top < 50, f"<main> was not scrolled to the top of the window (top = {top} px)"
    page.keyboard.press("Tab")
    inside = page.evaluate(
        "() => document.getElementById('main-content').contains(document.activeElement)"
    )
    assert inside, "the Tab after the skip link did not continue inside <main>"


@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_focus_is_visible_on_every_focusable_element(new_page, lang, public_page):
    page = new_page(lang=lang)
    open_page(page, public_page.url(lang), public_page.status)
    steps = tab_walk(page)
    assert len(steps) >= 5, f"only {len(steps)} element(s) reached by Tab"
    invisible = [step for step in steps if not step["indicator"]]
    if invisible:
        fail_on(
            f"{public_page.url(lang)}: focus indicator missing (outline none, no shadow):\n"
            + format_rows(invisible, ["element", "text", "outline", "boxShadow"])
        )


@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_tabbing_reaches_every_visible_link_and_button(new_page, lang, public_page):
    page = new_page(lang=lang)
    open_page(page, public_page.url(lang), public_page.status)
    steps = tab_walk(page)
    unreached = page.evaluate(UNREACHED_JS)
    if unreached:
        fail_on(
            f"{public_page.url(lang)}: not reachable with Tab:\n    " + "\n    ".join(unreached)
        )
    assert "a.skip-link" in steps[0]["element"], f"Tab started at {steps[0]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_print_button_is_reached_by_tab_and_prints_with_enter(new_page, lang):
    page = new_page(lang=lang)
    page.add_init_script(STUB_PRINT)
    open_page(page, STRUCTURE_PAGE.url(lang))
    tab_to(page, 'button[data-action="print"]')
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.__printed || 0") == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_works_by_keyboard(new_page, lang):
    other = OTHER_LANGUAGE[lang]
    page = new_page(lang=lang)
    open_page(page, STRUCTURE_PAGE.url(lang))
    heading = page.locator("h1").inner_text()
    tab_to(page, f'nav.language-switcher a[hreflang="{other}"]')
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert path_of(page.url) == STRUCTURE_PAGE.url(other)
    assert page.evaluate("() => document.documentElement.lang") == other
    translated = page.locator("h1").inner_text()
    assert translated and translated != heading, f"h1 {heading!r} became {translated!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_toggle_works_by_keyboard(new_page, lang):
    page = new_page(lang=lang)
    url = STRUCTURE_PAGE.url(lang)
    open_page(page, url)
    assert not is_elderly(page)
    tab_to(page, "a.display-mode-toggle")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert path_of(page.url) == url
    assert is_elderly(page), f"Enter on the toggle did not render the page with .{ELDERLY_CLASS}"
    tab_to(page, "a.display-mode-toggle")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert path_of(page.url) == url
    assert not is_elderly(page), "Enter on the toggle again did not return to standard mode"
