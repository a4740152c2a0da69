"""The Atom feed of publications, sitemap.xml and robots.txt: only what the public may see, in
both languages."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sitemaps.views import sitemap as django_sitemap_view
from django.http import Http404
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from departments import feeds, sitemaps
from departments.models import Department
from departments.services import publish, withdraw

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOST = "http://testserver"
EN_FEED = "/en/government/structure/feed/"
ZH_FEED = "/zh-hans/government/structure/feed/"


def parse(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type), response["Content-Type"]
    return ET.fromstring(response.content)


def entries(client, url=EN_FEED):
    feed = parse(client.get(url), "application/atom+xml")
    return feed, feed.findall(f"{ATOM}entry")


def text(element, tag):
    return element.find(f"{ATOM}{tag}").text


def link(element, rel="alternate"):
    return next(
        node.get("href") for node in element.findall(f"{ATOM}link") if node.get("rel") == rel
    )


def atom_time(value):
    return datetime.datetime.fromisoformat(value)


# Feed


def test_feed_urls_are_per_language():
    with translation.override("en"):
        assert reverse("departments:feed") == EN_FEED
    with translation.override("zh-hans"):
        assert reverse("departments:feed") == ZH_FEED


def test_english_feed_has_one_entry_per_published_department(client, seed):
    feed, items = entries(client)
    publication = Department.objects.published().get(slug="public-security")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert text(feed, "title") == "Government Structure: latest publications"
    assert text(feed, "subtitle").startswith("The structure pages of the government")
    assert link(feed) == HOST + "/en/government/structure/"
    assert link(feed, "self") == HOST + EN_FEED
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert len(items) == 1
    (entry,) = items
    assert text(entry, "title") == "Department of Public Security of Zhejiang Province"
    assert link(entry) == HOST + "/en/government/structure/public-security/"
    # To the second, as every page and the API print it.
    live_from = publication.live_from.replace(microsecond=0)
    assert atom_time(text(entry, "updated")) == live_from
    assert atom_time(text(entry, "published")) == live_from
    assert atom_time(text(feed, "updated")) == live_from
    assert text(entry, "summary").startswith(
        "<p>Department of Public Security of Zhejiang Province is a component"
    )
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert text(entry, "id").startswith("tag:testserver,")


def test_chinese_feed_speaks_chinese(client, seed):
    feed, (entry,) = entries(client, ZH_FEED)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    assert text(feed, "title") == "政府机构：最新发布"
    assert link(feed, "self") == HOST + ZH_FEED
    assert text(entry, "title") == "浙江省公安厅"
    assert link(entry) == HOST + "/zh-hans/government/structure/public-security/"
    assert text(entry, "summary").startswith("<p>浙江省公安厅是浙江省人民政府组成部门")


def test_feed_shows_only_what_is_published_newest_first(client, make_department):
    make_department("transport")
    make_department("water")
    make_department("draft-only", publish_now=False)
    withdrawn = make_department("fisheries")
    withdraw(withdrawn)
    scheduled = make_department("forestry", publish_now=False)
    publish(scheduled, live_from=timezone.now() + datetime.timedelta(days=1))
    make_department("health")
    # Republished last, transport comes first.
    publish(Department.objects.drafts().get(slug="transport"))

    _feed, items = entries(client)
    links = [link(entry).removeprefix(HOST) for entry in items]
    assert links == [
        "/en/government/structure/transport/",
        "/en/government/structure/health/",
        "/en/government/structure/water/",
    ]
    times = [atom_time(text(entry, "updated")) for entry in items]
    assert times == sorted(times, reverse=True)


def test_entry_id_is_stable_per_publication_and_changes_when_republished(client, make_department):
    draft = make_department("transport")
    first = text(entries(client)[1][0], "id")
    assert text(entries(client)[1][0], "id") == first
    publication = Department.objects.published().get(slug="transport")
    moment = publication.live_from.astimezone(datetime.timezone.utc)
    assert first == (
        f"tag:testserver,{moment:%Y-%m-%d}:/en/government/structure/transport/"
        f"#{moment:%Y%m%dT%H%M%S.%fZ}"
    )
    assert re.fullmatch(r"tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:\S+", first)
    assert text(entries(client, ZH_FEED)[1][0], "id") != first

    publish(draft)
    assert text(entries(client)[1][0], "id") != first


def test_feed_is_limited(client, make_department, monkeypatch):
    assert feeds.FEED_SIZE == 50
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    for slug in ("transport", "water", "health"):
        make_department(slug)
    _feed, items = entries(client)
    assert [link(entry).rsplit("/", 2)[-2] for entry in items] == ["health", "water"]


def test_feed_summary_is_escaped_html(client, make_department):
    make_department("transport", introduction_en="Roads <b>& rails</b>\n\nSecond paragraph.")
    _feed, (entry,) = entries(client)
    assert text(entry, "summary") == (
        "<p>Roads &lt;b&gt;&amp; rails&lt;/b&gt;</p>\n\n<p>Second paragraph.</p>"
    )


def test_empty_feed_is_still_a_feed(client, db):
    feed, items = entries(client)
    assert items == []
    assert text(feed, "title")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_structure_page_links_to_the_feed_of_its_language(client, seed, lang):
    content = client.get(f"/{lang}/government/structure/public-security/").content.decode()
    head = content.split("</head>")[0]
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
    assert len(links) == 1, links
    assert f'href="/{lang}/government/structure/feed/"' in links[0]
    assert re.search(r'title="[^"]+"', links[0])


# Sitemap


def sitemap(client):
    urlset = parse(client.get("/sitemap.xml"), "application/xml")
    result = {}
    for url in urlset.findall(f"{SITEMAP}url"):
        location = url.find(f"{SITEMAP}loc").text
        lastmod = url.find(f"{SITEMAP}lastmod")
        result[location] = {
            "lastmod": lastmod.text if lastmod is not None else None,
            "alternates": {
                node.get("hreflang"): node.get("href")
                for node in url.findall(f"{XHTML}link")
                if node.get("rel") == "alternate"
            },
        }
    return result


def static_paths():
    paths = ["/", "/government/", "/government/structure/"]
    try:
        with translation.override("en"):
            paths.append(reverse("api_docs").removeprefix("/en"))
    except NoReverseMatch:
        pass
    return paths


def test_sitemap_lists_public_pages_and_published_departments_in_both_languages(
    client, seed, make_department
):
    make_department("transport")
    make_department("draft-only", publish_now=False)
    withdraw(make_department("fisheries"))
    scheduled = make_department("forestry", publish_now=False)
    publish(scheduled, live_from=timezone.now() + datetime.timedelta(days=1))

    urls = sitemap(client)
    paths = static_paths() + [
        "/government/structure/public-security/",
        "/government/structure/transport/",
    ]
    expected = {f"{HOST}/{lang}{path}" for path in paths for lang in ("en", "zh-hans")}
    assert set(urls) == expected
    for location, info in urls.items():
        path = location.removeprefix(HOST).split("/", 2)[2]
        assert info["alternates"] == {
            "en": f"{HOST}/en/{path}",
            "zh-hans": f"{HOST}/zh-hans/{path}",
            "x-default": f"{HOST}/{path}",
        }, location


def test_sitemap_gives_departments_their_publication_moment(client, seed):
    publication = Department.objects.published().get(slug="public-security")
    urls = sitemap(client)
    for lang in ("en", "zh-hans"):
        lastmod = urls[f"{HOST}/{lang}/government/structure/public-security/"]["lastmod"]
        # The sitemap gives the site's local date (TIME_ZONE), which differs from the UTC
        # date for part of every day.
        assert datetime.date.fromisoformat(lastmod) == timezone.localdate(publication.live_from)
    assert urls[f"{HOST}/en/"]["lastmod"] is None


def test_every_sitemap_address_answers(client, seed):
    for location, info in sitemap(client).items():
        assert client.get(location.removeprefix(HOST)).status_code == 200, location
        # x-default goes to a language version after the browser's language.
        response = client.get(
            info["alternates"]["x-default"].removeprefix(HOST), HTTP_ACCEPT_LANGUAGE="zh-CN"
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/zh-hans/")


def test_sitemap_is_what_djangos_sitemap_view_writes(rf, seed, make_department):
    """The sitemap is written without django.contrib.sitemaps' template, to the same bytes."""
    make_department("transport", sort_order=5)
    make_department("agriculture", sort_order=5)
    withdraw(make_department("fisheries"))
    for query in ["", "?p=1"]:
        request = rf.get("/sitemap.xml" + query)
        ours = sitemaps.sitemap(request, sitemaps=sitemaps.SITEMAPS)
        django = django_sitemap_view(request, sitemaps=sitemaps.SITEMAPS).render()
        assert ours.content == django.content
        assert dict(ours.headers) == dict(django.headers)
    with pytest.raises(Http404):
        sitemaps.sitemap(rf.get("/sitemap.xml?p=2"), sitemaps=sitemaps.SITEMAPS)


def test_sitemap_is_not_language_prefixed(client, seed):
    assert reverse("sitemap") == "/sitemap.xml"
    assert client.get("/en/sitemap.xml").status_code == 404


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_admin_and_display_settings(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/display/",
        "Disallow: /en/search/",
        "Disallow: /zh-hans/display/",
        "Disallow: /zh-hans/search/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


@override_settings(ADMIN_URL="office-7f3a/")
def test_robots_txt_never_reveals_a_custom_admin_path(client, db):
    content = client.get("/robots.txt").content.decode()
    assert "office-7f3a" not in content
    assert "/admin/" not in content


def test_robots_txt_answers_only_reads(client, db):
    assert client.post("/robots.txt").status_code == 405
    assert client.head("/robots.txt").status_code == 200
