"""What a page says of itself in its <head>, for search engines and link previews: a real
description, its canonical address, and its alternates in each language, as the sitemap
gives them (issue 22, item 4)."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from delivery.static_publishing import StaticPublisher
from departments.views import DepartmentListView

HOST = "http://testserver"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = ["en", "zh-hans"]
STRUCTURE = "/government/structure/public-security/"
# Every public page, by its path after the language prefix, and its canonical path.
PAGES = {
    "/": "/",
    "/government/": "/government/",
    "/government/structure/": "/government/structure/",
    "/government/structure/?name=security": "/government/structure/",
    STRUCTURE: STRUCTURE,
    "/display/": "/display/",
    "/api/": "/api/",
    "/search/": "/search/",
    "/search/?q=ID+card": "/search/",
    # A visitor's tracking parameters name no other page.
    "/government/?utm_source=newsletter": "/government/",
}
LEAD_IN = re.compile(r"(responsibilities include|主要职责是)\s*[:：]?\s*$")


class HeadLinks(HTMLParser):
    """The <meta name="description">, <link rel="canonical"> and hreflang alternates of a page."""

    def __init__(self, text):
        super().__init__()
        self.descriptions = []
        self.canonicals = []
        self.alternates = {}
        self.json_ld = []
        self._in_json_ld = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonicals.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            assert attrs["hreflang"] not in self.alternates, f"two {attrs['hreflang']} alternates"
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    @property
    def description(self):
        assert len(self.descriptions) == 1, self.descriptions
        return self.descriptions[0]

    @property
    def canonical(self):
        assert len(self.canonicals) == 1, self.canonicals
        return self.canonicals[0]


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return HeadLinks(response.content.decode())


def sitemap_alternates(client):
    """``{loc: {hreflang: href}}`` of every entry of /sitemap.xml."""
    urlset = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in urlset.findall(f"{SITEMAP}url")
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_a_description_and_its_canonical_address(
    client, seed, language, path
):
    head = head_of(client, f"/{language}{path}")
    description = head.description
    assert description and len(description) <= 160
    assert not LEAD_IN.search(description)
    assert not description.rstrip().endswith((":", "："))
    if language == "zh-hans":
        # Written in Chinese, with Chinese punctuation.
        assert re.search(r"[\u4e00-\u9fff]", description)
        assert not re.search(r"[,:;()]", description), description
    else:
        assert not re.search(r"[\u4e00-\u9fff]", description)
    assert head.canonical == f"{HOST}/{language}{PAGES[path]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_structure_page_is_described_by_its_introduction_without_the_lead_in(
    client, seed, language
):
    head = head_of(client, f"/{language}{STRUCTURE}")
    (data,) = head.json_ld
    if language == "en":
        assert head.description.startswith(
            "Department of Public Security of Zhejiang Province is a component of the People’s "
            "Government of Zhejiang Province"
        )
        # Longer than a search result shows: cut after a whole word.
        assert head.description.endswith(" agency for…")
        # The JSON-LD's description is the introduction, whole, then the sentences that name
        # the institutions and units, saying when a list names only some (issue 21).
        assert data["description"].startswith(head.description.removesuffix("…"))
        introduction, _, lists = data["description"].partition(
            "public security work across the province. "
        )
        assert lists.startswith("Department of Public Security of Zhejiang Province consists")
        assert "Retirement, etc." in lists
    else:
        expected = "浙江省公安厅是浙江省人民政府组成部门，是全省公安工作的领导、指挥机关。"
        assert head.description == expected
        assert data["description"].startswith(expected)
        assert "离退休干部处等内设机构。" in data["description"]
    assert not LEAD_IN.search(data["description"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", [page for page, canonical in PAGES.items() if page == canonical])
def test_the_alternates_of_a_page_are_those_the_sitemap_gives_it(client, seed, language, path):
    in_sitemap = sitemap_alternates(client)
    url = f"{HOST}/{language}{path}"
    head = head_of(client, url.removeprefix(HOST))
    assert set(head.alternates) == {"en", "zh-hans", "x-default"}
    assert head.alternates["x-default"] == f"{HOST}{path}"
    for code in LANGUAGES:
        assert head.alternates[code] == f"{HOST}/{code}{path}"
    if url in in_sitemap:
        assert head.alternates == in_sitemap[url]


def test_every_sitemap_entry_is_its_own_page_s_canonical_address_with_the_same_alternates(
    client, seed
):
    in_sitemap = sitemap_alternates(client)
    assert f"{HOST}/zh-hans{STRUCTURE}" in in_sitemap
    for url, alternates in in_sitemap.items():
        head = head_of(client, url.removeprefix(HOST))
        assert head.canonical == url
        assert head.alternates == alternates


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_later_page_of_the_directory_is_its_own_canonical_page(
    client, seed, make_department, monkeypatch, language
):
    make_department("transport")
    monkeypatch.setattr(DepartmentListView, "paginate_by", 1)
    directory = f"/{language}/government/structure/"
    head = head_of(client, directory + "?page=2&utm_source=x")
    assert head.canonical == f"{HOST}{directory}?page=2"
    assert head.alternates["zh-hans"] == f"{HOST}/zh-hans/government/structure/?page=2"
    assert head.alternates["x-default"] == f"{HOST}/government/structure/?page=2"
    assert head_of(client, directory + "?page=1").canonical == f"{HOST}{directory}"
    # A filtered directory is a view of the directory.
    filtered = head_of(client, directory + "?name=transport&page=1")
    assert filtered.canonical == f"{HOST}{directory}"


def test_a_missing_page_names_no_canonical_address(client, seed):
    response = client.get("/en/government/structure/no-such-department/")
    assert response.status_code == 404
    head = HeadLinks(response.content.decode())
    assert head.canonicals == [] and head.alternates == {}
    assert head.description


def test_published_pages_name_their_public_address_as_canonical(seed, tmp_path, settings):
    settings.ALLOWED_HOSTS = ["portal.example.gov.cn"]
    site = "https://portal.example.gov.cn"
    publisher = StaticPublisher(root=tmp_path, site_url=site)
    publisher.publish(f"/zh-hans{STRUCTURE}")
    published = tmp_path / "site" / f"zh-hans{STRUCTURE}".lstrip("/") / "index.html"
    head = HeadLinks(published.read_text())
    assert head.canonical == f"{site}/zh-hans{STRUCTURE}"
    assert head.alternates == {
        "en": f"{site}/en{STRUCTURE}",
        "zh-hans": f"{site}/zh-hans{STRUCTURE}",
        "x-default": f"{site}{STRUCTURE}",
    }
