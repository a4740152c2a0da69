"""The government has one name, from one field: ``Government.name`` (issue 22, item 7).

The seed page (fixtures/public-security-structure-page.txt) calls it "People’s Government
of Zhejiang Province"; the site's own name, in every page's header and title, was another
("Zhejiang Provincial People’s Government") kept in the site settings.
"""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from core.models import SiteSettings
from departments.models import Government
from departments.seed import SEED_PAGE

NAME = "People’s Government of Zhejiang Province"
OTHER_NAME = "Zhejiang Provincial People"
CHINESE_NAME = "浙江省人民政府"
PAGES = [
    "/",
    "/government/",
    "/government/structure/",
    "/government/structure/public-security/",
    "/display/",
    "/api/",
    "/search/?q=ID+card",
    "/government/structure/no-such-department/",
    "/government/structure/feed/",
]


def whole_text(response):
    return html.unescape(response.content.decode())


def test_the_seed_page_names_the_government_as_the_model_does():
    assert NAME in SEED_PAGE.read_text()
    assert OTHER_NAME not in SEED_PAGE.read_text()


@pytest.mark.parametrize("path", PAGES)
def test_every_english_page_names_the_government_one_way(client, seed, path):
    response = client.get(f"/en{path}")
    assert response.status_code in (200, 404)
    text = whole_text(response)
    assert OTHER_NAME not in text
    if path != "/government/structure/feed/":
        # In the header of every page, and in its title.
        header = re.search(r'<a class="site-name"[^>]*>([^<]*)</a>', text).group(1)
        assert header == NAME
        assert re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip().endswith(NAME)


@pytest.mark.parametrize("path", PAGES[:-2])
def test_every_chinese_page_names_the_government_in_chinese(client, seed, path):
    text = whole_text(client.get(f"/zh-hans{path}"))
    header = re.search(r'<a class="site-name"[^>]*>([^<]*)</a>', text).group(1)
    assert header == CHINESE_NAME


def test_json_ld_and_api_name_the_government_one_way(client, seed):
    page = whole_text(client.get("/en/government/structure/public-security/"))
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(data)["parentOrganization"]["name"] == NAME
    for url in ["/api/v1/departments/public-security/", "/api/v1/departments/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert OTHER_NAME not in response.content.decode()
    detail = client.get("/api/v1/departments/public-security/").json()
    assert detail["government"]["name"] == NAME


def test_renaming_the_government_renames_the_site(client, seed):
    government = Government.objects.get(slug="zhejiang")
    government.name_en = "People’s Government of Zhejiang Province (renamed)"
    government.save()
    for path in ["/en/", "/en/government/", "/en/government/structure/public-security/"]:
        text = whole_text(client.get(path))
        assert text.count("People’s Government of Zhejiang Province (renamed)") >= 2, path
    feed = whole_text(client.get("/en/government/structure/feed/"))
    assert "<name>People’s Government of Zhejiang Province (renamed)</name>" in feed


def test_a_fresh_install_names_the_site_after_the_seed_s_government(db):
    call_command("load_initial_data", stdout=io.StringIO())
    site = SiteSettings.load()
    assert site.government == Government.objects.get(slug="zhejiang")
    assert site.site_name == NAME
    with translation.override("zh-hans"):
        assert site.site_name == CHINESE_NAME


def test_a_site_without_a_government_is_a_government_portal(client, seed):
    site = SiteSettings.load()
    site.government = None
    site.save()
    header = re.search(r'<a class="site-name"[^>]*>([^<]*)</a>', whole_text(client.get("/en/")))
    assert header.group(1) == "Government portal"
