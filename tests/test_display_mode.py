import re

import pytest

from tests.conftest import page_text

EN_URL = "/en/government/structure/public-security/"


def test_toggle_remembers_elderly_mode_and_returns_to_the_page(client, seed):
    response = client.get("/en/display/", {"mode": "elderly", "next": EN_URL})
    assert response.status_code == 302
    assert response["Location"] == EN_URL
    assert response.cookies["display_mode"].value == "elderly"
    assert response.cookies["display_mode"]["httponly"]
    content = client.get(EN_URL).content.decode()
    assert '<html lang="en" class="elderly-mode">' in content
    assert "mode=standard" in content


def test_standard_mode_forgets_the_cookie(client, seed):
    client.cookies["display_mode"] = "elderly"
    response = client.get("/zh-hans/display/", {"mode": "standard", "next": EN_URL})
    assert response.status_code == 302
    assert response.cookies["display_mode"].value == ""
    content = client.get("/zh-hans/").content.decode()
    assert 'class="elderly-mode"' not in content
    assert "长者模式" in content


def test_every_page_offers_the_toggle_back_to_itself(client, seed):
    content = client.get(EN_URL).content.decode()
    assert (
        'class="display-mode-toggle" href="/en/display/?mode=elderly&amp;'
        'next=%2Fen%2Fgovernment%2Fstructure%2Fpublic-security%2F"'
    ) in content


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_toggle_never_redirects_off_site(client, seed, next_url):
    response = client.get("/en/display/", {"mode": "elderly", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/display/"


def test_unknown_mode_answers_400_with_a_message(client, seed):
    response = client.get("/zh-hans/display/", {"mode": "huge"})
    assert response.status_code == 400
    assert "未知的显示模式" in response.content.decode()
    assert "display_mode" not in response.cookies


def test_pages_vary_by_cookie_for_shared_caches(client, seed):
    assert "Cookie" in client.get(EN_URL)["Vary"]


CURRENT_MARK = {"en": "{} (current)", "zh-hans": "{}（当前）"}
MODE_NAMES = {
    "en": {
        "elderly": "Elderly-friendly mode: large text and high contrast",
        "standard": "Standard mode",
    },
    "zh-hans": {"elderly": "长者模式：大字体、高对比度", "standard": "标准模式"},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("mode", ["elderly", "standard"])
def test_display_settings_mark_the_current_mode(client, seed, language, mode):
    if mode == "elderly":
        client.cookies["display_mode"] = "elderly"
    response = client.get(f"/{language}/display/")
    other = "standard" if mode == "elderly" else "elderly"
    text = page_text(response)
    # Seen: the current mode's choice says so, the other's does not.
    assert CURRENT_MARK[language].format(MODE_NAMES[language][mode]) in text
    assert CURRENT_MARK[language].format(MODE_NAMES[language][other]) not in text
    assert text.count(CURRENT_MARK[language].format("")) == 1
    # Heard: screen readers announce the current choice.
    content = response.content.decode()
    current_links = re.findall(r'<a\b[^>]*aria-current="true"[^>]*>', content)
    assert len(current_links) == 1
    assert f"mode={mode}" in current_links[0]
