"""The feeds and the sitemap as independent tools read them (issue 22): feedparser over both
Atom feeds, and a check of /sitemap.xml against the sitemap protocol with the standard
library's XML parser, on the seed content and a department published the normal way."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.core.management import call_command

HOST = "http://testserver"
FEEDS = {"en": "/en/government/structure/feed/", "zh-hans": "/zh-hans/government/structure/feed/"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
URL_CHILDREN = {f"{{{SITEMAP_NS}}}{name}" for name in ("loc", "lastmod", "changefreq", "priority")}
CHANGEFREQS = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
# W3C Datetime, as the sitemap protocol requires of <lastmod>.
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
# The sentence leading into the page's list of responsibilities, which dangles elsewhere.
LEAD_IN = re.compile(r"(responsibilities include|主要职责是)\s*[:：]?\s*(</p>)?\s*$")
# Departments the checks read besides the seed's: one published through services.publish(),
# whose moment of publication is the current time, to the microsecond.
PUBLISHED_NOW = "transport"


@pytest.fixture
def published(seed, make_department):
    make_department(PUBLISHED_NOW)


def local_path(url, site_url=HOST):
    """The path (and query) to ask the test client for, of an address of the site."""
    assert url.startswith(site_url + "/"), f"{url} is not an address of {site_url}"
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def assert_answers(client, url, site_url=HOST):
    """The address answers 200, at once or after the language redirect (x-default)."""
    response = client.get(local_path(url, site_url), follow=True)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    for target, status in response.redirect_chain:
        assert status in (301, 302), f"{url} → {target} ({status})"
    return response


# feedparser


@pytest.mark.parametrize("language", FEEDS)
def test_feedparser_reads_each_feed_without_a_problem(client, published, language):
    response = client.get(FEEDS[language])
    assert response.status_code == 200
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.language == language
    assert parsed.feed.title and parsed.feed.updated_parsed
    assert parsed.feed.link == f"{HOST}/{language}/government/structure/"
    assert_answers(client, parsed.feed.link)
    slugs = []
    for entry in parsed.entries:
        assert entry.title and entry.id and entry.summary
        assert entry.updated_parsed and entry.published_parsed
        assert not LEAD_IN.search(entry.summary), entry.summary
        page = assert_answers(client, entry.link)
        assert entry.title in page.content.decode()
        slugs.append(entry.link.rstrip("/").rsplit("/", 1)[1])
    assert sorted(slugs) == ["public-security", PUBLISHED_NOW]
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)


# The sitemap


def sitemap_problems(root):
    """How a parsed sitemap breaks the sitemap protocol's structure, if it does."""
    problems = []
    if root.tag != f"{{{SITEMAP_NS}}}urlset":
        return [f"root element {root.tag}, not urlset"]
    for index, url in enumerate(root):
        where = f"url[{index}]"
        if url.tag != f"{{{SITEMAP_NS}}}url":
            problems.append(f"{where}: {url.tag}, not url")
            continue
        locs = url.findall(f"{{{SITEMAP_NS}}}loc")
        if len(locs) != 1 or not (locs[0].text or "").strip():
            problems.append(f"{where}: {len(locs)} loc elements")
        for child in url:
            if child.tag in URL_CHILDREN:
                if url.findall(child.tag) != [child]:
                    problems.append(f"{where}: more than one {child.tag}")
            elif child.tag == f"{{{XHTML_NS}}}link":
                if child.get("rel") != "alternate" or not child.get("hreflang"):
                    problems.append(f"{where}: xhtml:link {child.attrib}")
                if not child.get("href", "").startswith(("http://", "https://")):
                    problems.append(f"{where}: xhtml:link href {child.get('href')!r}")
            else:
                problems.append(f"{where}: unexpected element {child.tag}")
        lastmod = url.findtext(f"{{{SITEMAP_NS}}}lastmod")
        if lastmod is not None and not W3C_DATETIME.match(lastmod):
            problems.append(f"{where}: lastmod {lastmod!r}")
        changefreq = url.findtext(f"{{{SITEMAP_NS}}}changefreq")
        if changefreq is not None and changefreq not in CHANGEFREQS:
            problems.append(f"{where}: changefreq {changefreq!r}")
        priority = url.findtext(f"{{{SITEMAP_NS}}}priority")
        if priority is not None and not 0 <= float(priority) <= 1:
            problems.append(f"{where}: priority {priority!r}")
    return problems


def read_sitemap(content):
    """``{loc: {hreflang: href}}`` of a sitemap, after checking its structure."""
    root = ET.fromstring(content)
    assert sitemap_problems(root) == []
    entries = {}
    for url in root:
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc").strip()
        assert loc not in entries, f"{loc} listed twice"
        alternates = {}
        for link in url.findall(f"{{{XHTML_NS}}}link"):
            assert link.get("hreflang") not in alternates, f"{loc}: two {link.get('hreflang')}"
            alternates[link.get("hreflang")] = link.get("href")
        entries[loc] = alternates
    return entries


def check_sitemap(client, content, site_url=HOST):
    """Every address of the sitemap answers, and each page's alternates name each other."""
    entries = read_sitemap(content)
    assert entries
    for loc, alternates in entries.items():
        assert_answers(client, loc, site_url)
        assert "x-default" in alternates, f"{loc} has no x-default"
        for code, href in alternates.items():
            assert_answers(client, href, site_url)
            if code == "x-default":
                continue
            # Reciprocal: the page named as this language lists this page back, with the
            # same alternates (the loc itself is among them, as its own language).
            assert href in entries, f"{loc} names {href} ({code}), which the sitemap lacks"
            assert entries[href] == alternates, f"{loc} and {href} disagree on their alternates"
        assert loc in alternates.values(), f"{loc} does not name itself as an alternate"
    return entries


def test_the_sitemap_is_valid_and_every_address_in_it_answers(client, published):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    entries = check_sitemap(client, response.content)
    for code in ("en", "zh-hans"):
        for slug in ("public-security", PUBLISHED_NOW):
            assert f"{HOST}/{code}/government/structure/{slug}/" in entries
    # robots.txt names the sitemap checked here.
    assert f"Sitemap: {HOST}/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_the_statically_published_sitemap_names_the_public_address(
    client, published, tmp_path, settings
):
    site_url = "https://portal.example.gov.cn"
    settings.ALLOWED_HOSTS = ["portal.example.gov.cn", "testserver"]
    call_command("publish_static", "--output", str(tmp_path), "--site-url", site_url, verbosity=0)
    content = (tmp_path / "site" / "sitemap.xml").read_bytes()
    entries = check_sitemap(client, content, site_url)
    assert f"{site_url}/zh-hans/government/structure/{PUBLISHED_NOW}/" in entries
