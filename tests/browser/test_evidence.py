"""Full-page screenshots of the structure page for people to review (in test-artifacts/)."""

import pytest

from tests.browser.conftest import LANGUAGES, STRUCTURE_PAGE, is_elderly, open_page

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot_name(lang, device, mode):
    """structure-en-desktop.png, structure-en-phone.png, structure-en-elderly.png,
    structure-en-elderly-phone.png."""
    parts = ["structure", lang]
    if mode == "elderly":
        parts.append("elderly")
    if device == "phone" or mode != "elderly":
        parts.append(device)
    return "-".join(parts) + ".png"


@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_structure_page_screenshot(new_page, artifacts, lang, device, mode):
    page = new_page(lang=lang, phone=device == "phone", elderly=mode == "elderly")
    open_page(page, STRUCTURE_PAGE.url(lang))
    assert is_elderly(page) == (mode == "elderly")
    path = artifacts / screenshot_name(lang, device, mode)
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert path.is_file() and path.stat().st_size > 1000, f"{path} is missing or empty"
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
