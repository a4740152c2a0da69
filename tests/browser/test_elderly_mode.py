"""The elderly-friendly display mode (适老化): large, well-spaced, high-contrast text on every page,
switched by a plain link, remembered in a cookie and rendered by the server."""

import pytest

from tests.browser.conftest import (
    DESKTOP,
    ELDERLY_CLASS,
    ELDERLY_COOKIE,
    LANGUAGES,
    OTHER_LANGUAGE,
    PHONE,
    PUBLIC_PAGES,
    STRUCTURE_PAGE,
    is_elderly,
    open_page,
    public_page_params,
)
from tests.browser.helpers import (
    BODY_TEXT_JS,
    contrast_problem,
    fail_on,
    format_rows,
    horizontal_scroll_problem,
    path_of,
    query,
)

TOGGLE = "a.display-mode-toggle"


def toggle_href(page):
    toggle = page.locator(TOGGLE)
    assert toggle.count() == 1, f"{page.url}: expected one {TOGGLE}, found {toggle.count()}"
    return toggle.evaluate("a => a.href")


def cookie(page):
    values = [c["value"] for c in page.context.cookies() if c["name"] == ELDERLY_COOKIE]
    return values[0] if values else None


def follow_toggle(page):
    with page.expect_navigation(wait_until="load"):
        page.locator(TOGGLE).click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_to_elderly_mode_and_back_here(new_page, lang):
    page = new_page(lang=lang)
    wrong = []
    for public_page in PUBLIC_PAGES:
        url = public_page.url(lang)
        open_page(page, url, public_page.status)
        href = toggle_href(page)
        if path_of(href) != f"/{lang}/display/" or query(href) != {"mode": "elderly", "next": url}:
            wrong.append(f"{url}: {href}")
    if wrong:
        fail_on(
            "toggle links not to /LANG/display/?mode=elderly&next=<this page>:\n    "
            + ("\n    ".join(wrong))
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_toggle_turns_elderly_mode_on_and_off_on_the_same_page(new_page, lang):
    page = new_page(lang=lang)
    url = STRUCTURE_PAGE.url(lang)
    open_page(page, url)
    assert not is_elderly(page)

    follow_toggle(page)
    assert path_of(page.url) == url, "the toggle did not come back to the page"
    assert is_elderly(page), f"the server did not render <html class={ELDERLY_CLASS!r}>"
    assert page.evaluate("() => document.documentElement.lang") == lang
    assert cookie(page) == "elderly"
    href = toggle_href(page)
    assert path_of(href) == f"/{lang}/display/", href
    assert query(href) == {"mode": "standard", "next": url}, href

    follow_toggle(page)
    assert path_of(page.url) == url
    assert not is_elderly(page), "the toggle did not switch back to standard mode"
    assert cookie(page) in (None, "standard")
    assert query(toggle_href(page))["mode"] == "elderly"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_mode_stays_on_across_pages_and_languages(new_page, lang):
    page = new_page(lang=lang)
    open_page(page, f"/{lang}/")
    follow_toggle(page)
    assert is_elderly(page)
    for url in (STRUCTURE_PAGE.url(lang), STRUCTURE_PAGE.url(OTHER_LANGUAGE[lang])):
        open_page(page, url)
        assert is_elderly(page), f"{url} forgot the elderly mode"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_mode_works_without_javascript(new_page, lang):
    page = new_page(lang=lang, javascript=False)
    url = STRUCTURE_PAGE.url(lang)
    open_page(page, url)
    assert page.locator('button[data-action="print"]').is_hidden(), "JavaScript ran"
    follow_toggle(page)
    assert path_of(page.url) == url
    assert is_elderly(page)
    open_page(page, f"/{lang}/government/structure/")
    assert is_elderly(page), "the next page forgot the elderly mode"
    follow_toggle(page)
    assert not is_elderly(page)


def body_text(page, public_page, lang):
    open_page(page, public_page.url(lang), public_page.status)
    return page.evaluate(BODY_TEXT_JS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_body_text_is_at_least_150_percent(new_page, lang):
    """Every paragraph and list item of <main>, compared with itself in standard mode."""
    standard_page = new_page(lang=lang)
    elderly_page = new_page(lang=lang, elderly=True)
    too_small = []
    for public_page in PUBLIC_PAGES:
        standard = body_text(standard_page, public_page, lang)
        elderly = body_text(elderly_page, public_page, lang)
        assert is_elderly(elderly_page)
        common = sorted(set(standard) & set(elderly))
        assert common, f"{public_page.url(lang)}: no body text (main p, main li) in both modes"
        too_small += [
            {
                "page": public_page.url(lang),
                "element": elderly[key]["element"],
                "standard": standard[key]["fontSize"],
                "elderly": elderly[key]["fontSize"],
                "ratio": round(elderly[key]["fontSize"] / standard[key]["fontSize"], 3),
            }
            for key in common
            if elderly[key]["fontSize"] < 1.5 * standard[key]["fontSize"] - 0.01
        ]
    if too_small:
        fail_on(
            "elderly text under 150% of standard (px):\n"
            + format_rows(too_small, ["page", "element", "standard", "elderly", "ratio"])
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_body_text_line_height_is_at_least_1_5(new_page, lang):
    page = new_page(lang=lang, elderly=True)
    cramped = []
    for public_page in PUBLIC_PAGES:
        text = body_text(page, public_page, lang)
        assert is_elderly(page)
        assert text, f"{public_page.url(lang)}: no body text found"
        for measure in text.values():
            line_height = measure["lineHeight"]
            ratio = float(line_height[:-2]) / measure["fontSize"] if "px" in line_height else 0
            if ratio < 1.5 - 0.001:
                cramped.append({"page": public_page.url(lang), **measure, "ratio": round(ratio, 3)})
    if cramped:
        fail_on(
            "elderly line height under 1.5 x font size:\n"
            + format_rows(cramped, ["page", "element", "fontSize", "lineHeight", "ratio"])
        )


@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_elderly_text_contrast_is_at_least_7_to_1(new_page, lang, public_page):
    page = new_page(lang=lang, elderly=True)
    url = public_page.url(lang)
    open_page(page, url, public_page.status)
    assert is_elderly(page)
    fail_on(contrast_problem(page, f"{url} (elderly)", 7))


@pytest.mark.parametrize(("lang", "public_page"), public_page_params())
def test_elderly_pages_do_not_scroll_sideways(new_page, lang, public_page):
    """At 1280 px, and in a 375 px window (a desktop zoomed in, or a phone: see test_phone)."""
    page = new_page(lang=lang, elderly=True)
    url = public_page.url(lang)
    problems = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        open_page(page, url, public_page.status)
        assert is_elderly(page)
        problems.append(horizontal_scroll_problem(page, f"{url} (elderly, {viewport['width']} px)"))
    fail_on(*problems)


# The header's search box on a phone: how wide its placeholder is drawn, the room the box has
# for it, and how many lines the button's text takes.
SEARCH_FIT_JS = """
() => {
  const input = document.querySelector("#site-search");
  const button = input.form.querySelector("button");
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const range = document.createRange();
  range.selectNodeContents(button);
  const lineTops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  return {
    placeholder: input.placeholder,
    placeholderWidth: context.measureText(input.placeholder).width,
    room: room,
    buttonText: button.innerText,
    buttonLines: lineTops.size,
    pageScrollsSideways: document.documentElement.scrollWidth > innerWidth,
  };
}
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_elderly_phone_search_shows_its_whole_placeholder_and_a_one_line_button(new_page, lang):
    page = new_page(lang=lang, phone=True, elderly=True)
    open_page(page, STRUCTURE_PAGE.url(lang))
    assert is_elderly(page)
    fit = page.evaluate(SEARCH_FIT_JS)
    assert fit["placeholderWidth"] <= fit["room"], (
        f"the placeholder {fit['placeholder']!r} needs {fit['placeholderWidth']:.0f} px, "
        f"the search box has {fit['room']:.0f} px"
    )
    assert fit["buttonLines"] == 1, (
        f"the button {fit['buttonText']!r} wraps onto {fit['buttonLines']} lines"
    )
    assert not fit["pageScrollsSideways"]
