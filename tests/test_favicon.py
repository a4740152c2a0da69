"""The site's icon: linked from every page, and answered at /favicon.ico, which browsers ask for
on their own, by Django and by nginx (deploy/nginx.conf)."""

import re
import shutil
import urllib.request

import pytest
from django.conf import settings

from tests.browser.conftest import LANGUAGES, PUBLIC_PAGES
from tests.nginx import running_nginx

ICON = settings.BASE_DIR / "static" / "favicon.ico"
# The first bytes of every .ico file: reserved 0, type 1 (icon).
ICO_HEADER = b"\x00\x00\x01\x00"


def test_the_icon_is_an_ico_file():
    assert ICON.read_bytes().startswith(ICO_HEADER)


def test_django_answers_favicon_ico_with_the_icon_for_a_day(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content) == ICON.read_bytes()
    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_the_icon(client, seed, lang):
    for page in PUBLIC_PAGES:
        html = client.get(page.url(lang)).content.decode()
        links = re.findall(r'<link rel="icon" href="([^"]+)"', html)
        assert len(links) == 1, page.url(lang)
        assert b"".join(client.get(links[0]).streaming_content) == ICON.read_bytes()


def test_nginx_serves_favicon_ico_from_the_collected_static_files(tmp_path):
    # As collectstatic writes it; no application server runs: nginx answers alone.
    (tmp_path / "static").mkdir()
    shutil.copy(ICON, tmp_path / "static" / "favicon.ico")
    with running_nginx(tmp_path) as site:
        response = urllib.request.urlopen(site + "/favicon.ico", timeout=10)
        with response:
            icon = response.read()
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/x-icon"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert icon == ICON.read_bytes()


def test_pages_link_the_static_files_at_the_current_settings_address(
    client, seed, settings, uncached
):
    """The templates remember each static file's address (portal.jinja2.static): a change of
    the static files' settings must still reach the pages they render."""
    page = "/en/government/structure/public-security/"
    before = client.get(page).content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in before

    settings.STATIC_URL = "/assets/"

    after = client.get(page).content.decode()
    assert '<link rel="icon" href="/assets/favicon.ico"' in after
    assert '<link rel="stylesheet" href="/assets/css/portal.css">' in after
