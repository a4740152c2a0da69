"""The API documentation's tables stay tables for screen readers on a phone, in plain HTML.

No ARIA roles on the table elements (invalid HTML on tr/th/td): on narrow screens each table
keeps its layout and scrolls sideways in its own region, which the keyboard can focus.
Chromium's accessibility tree is what a screen reader reads.
"""

import pytest

from .conftest import LANGUAGES, open_page

TABLES = 4


def accessibility_roles(page):
    """{role: [names]} of Chromium's accessibility tree of the page."""
    session = page.context.new_cdp_session(page)
    roles = {}
    for node in session.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        roles.setdefault(role, []).append(node.get("name", {}).get("value", ""))
    session.detach()
    return roles


@pytest.mark.parametrize("lang", LANGUAGES)
def test_api_tables_keep_their_semantics_on_a_phone(new_page, lang):
    page = new_page(lang=lang, phone=True, elderly=True)
    open_page(page, f"/{lang}/api/")

    roles = accessibility_roles(page)

    assert len(roles.get("table", [])) == TABLES
    assert len(roles.get("columnheader", [])) == 10
    # One row header per address, parameter, kind and error status.
    assert len(roles.get("rowheader", [])) >= 3 + 4 + 1 + 4
    assert roles.get("cell")
    regions = page.locator(".table-scroll")
    assert regions.count() == TABLES
    for index in range(TABLES):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0"
        # Named by its section's heading: a screen reader announces which table scrolls.
        heading = region.evaluate(
            "r => document.getElementById(r.getAttribute('aria-labelledby')).textContent"
        )
        assert heading in roles.get("region", [])
    assert (
        page.locator(".api-docs__table, .api-docs__table [role]").evaluate_all(
            "elements => elements.filter(element => element.hasAttribute('role')).length"
        )
        == 0
    )
