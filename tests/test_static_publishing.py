"""Static publishing: every public page as a file, kept current by publishing, served by nginx."""

import os
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from core.models import SiteSettings
from delivery import static_publishing
from departments.models import Department
from departments.services import publish, withdraw
from tests.conftest import load_published_seed
from tests.nginx import fetch, free_port, running_nginx

EN_PAGE = "en/government/structure/public-security/index.html"
ZH_PAGE = "zh-hans/government/structure/public-security/index.html"
EN_URL = "/en/government/structure/public-security/"
EVERY_PAGE = [
    "en/index.html",
    "en/government/index.html",
    "en/government/structure/index.html",
    "en/government/structure/feed/index.atom",
    "en/search/index.html",
    "en/display/index.html",
    "en/api/index.html",
    EN_PAGE,
    "sitemap.xml",
    "robots.txt",
]


@pytest.fixture
def publishing_root(tmp_path, settings):
    """STATIC_PUBLISHING_ROOT: the publisher's folder."""
    settings.STATIC_PUBLISHING_ROOT = str(tmp_path / "published")
    settings.SITE_URL = "http://testserver"
    return tmp_path / "published"


@pytest.fixture
def published_root(publishing_root):
    """The folder nginx serves: the published pages, and nothing else."""
    return publishing_root / "site"


def files_under(root):
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


STAMP = 1_000_000_000


def backdate_files(root):
    """Give every file an old modification time, so that a rewrite shows in it."""
    for name in files_under(root):
        os.utime(root / name, (STAMP, STAMP))


def rewritten_files(root):
    return {name for name in files_under(root) if (root / name).stat().st_mtime != STAMP}


def assert_files_are_what_django_serves(client, root):
    for name in files_under(root):
        url = "/" + name.removesuffix("index.html").removesuffix("index.atom")
        assert (root / name).read_bytes() == client.get(url).content, name


def test_publish_static_writes_every_public_page_in_both_languages(client, seed, published_root):
    call_command("publish_static", verbosity=0)
    files = files_under(published_root)
    for page in EVERY_PAGE:
        assert page in files
        if page.startswith("en/"):
            assert "zh-hans/" + page[3:] in files
    # The file is the page an anonymous visitor gets from Django, byte for byte.
    assert (published_root / EN_PAGE).read_bytes() == client.get(EN_URL).content
    assert "公安厅" in (published_root / ZH_PAGE).read_text()
    assert (published_root / "sitemap.xml").read_text().count("<url>") >= 10
    # Nothing half-written is left behind.
    assert not list(published_root.rglob(".*.tmp"))


def test_published_pages_name_the_public_address(seed, published_root, settings):
    settings.ALLOWED_HOSTS = ["portal.example.gov.cn"]
    call_command("publish_static", "--site-url", "https://portal.example.gov.cn", verbosity=0)
    page = (published_root / EN_PAGE).read_text()
    assert 'href="https://portal.example.gov.cn/en/government/structure/public-security/"' in page
    assert "https://portal.example.gov.cn/" in (published_root / "sitemap.xml").read_text()


def test_publish_static_explains_what_is_missing(seed, settings, tmp_path):
    settings.STATIC_PUBLISHING_ROOT = None
    with pytest.raises(CommandError, match="STATIC_PUBLISHING_ROOT"):
        call_command("publish_static", verbosity=0)
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command(
            "publish_static", "--output", str(tmp_path), "--site-url", "portal", verbosity=0
        )


def test_a_failed_write_leaves_the_previous_page_whole(seed, published_root):
    call_command("publish_static", verbosity=0)
    before = (published_root / EN_PAGE).read_bytes()
    failing_rename = mock.patch("os.replace", side_effect=OSError("disk full"))
    with failing_rename, pytest.raises(CommandError, match="disk full"):
        call_command("publish_static", "--all", verbosity=0)
    assert (published_root / EN_PAGE).read_bytes() == before
    assert not list(published_root.rglob(".*.tmp"))


def test_publishing_rerenders_exactly_the_affected_pages(
    seed, make_department, published_root, django_capture_on_commit_callbacks
):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    other_page = published_root / "en/government/structure/transport/index.html"
    stamp = 1_000_000_000
    os.utime(other_page, (stamp, stamp))
    seed.name_en = "Department of Public Safety"
    seed.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish(seed)
    assert "Department of Public Safety" in (published_root / EN_PAGE).read_text()
    directory = published_root / "en/government/structure/index.html"
    assert "Department of Public Safety" in directory.read_text()
    assert other_page.stat().st_mtime == stamp


def test_publishing_rewrites_only_the_files_whose_page_changed(
    client, seed, make_department, published_root, django_capture_on_commit_callbacks
):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    backdate_files(published_root)
    seed.name_en = "Department of Public Safety"
    seed.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish(seed)
    rewritten = rewritten_files(published_root)
    # Its pages, and the lists whose content changed with its name and date.
    assert {
        EN_PAGE,
        ZH_PAGE,
        "en/government/structure/index.html",
        "en/government/structure/feed/index.atom",
    } <= rewritten
    # Pages that do not show it, or show nothing that changed (how many are published).
    assert not rewritten & {
        "en/government/structure/transport/index.html",
        "en/government/index.html",
        "en/display/index.html",
        "robots.txt",
    }
    assert_files_are_what_django_serves(client, published_root)


def test_publish_static_renders_only_departments_published_since_their_files_were(
    client, seed, make_department, published_root
):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    backdate_files(published_root)
    # Published without re-rendering (the request's re-rendering failed, or the
    # server had no STATIC_PUBLISHING_ROOT): here, the commit callback never runs.
    seed.name_en = "Department of Public Safety"
    seed.save()
    publish(seed)
    assert "Department of Public Safety" not in (published_root / EN_PAGE).read_text()
    call_command("publish_static", verbosity=0)
    rewritten = rewritten_files(published_root)
    assert {EN_PAGE, ZH_PAGE, "en/government/structure/index.html"} <= rewritten
    assert "en/government/structure/transport/index.html" not in rewritten
    assert_files_are_what_django_serves(client, published_root)
    # Nothing changed since: nothing is written.
    backdate_files(published_root)
    call_command("publish_static", verbosity=0)
    assert rewritten_files(published_root) == set()


def test_publish_static_removes_the_pages_of_departments_withdrawn_since(
    client, seed, make_department, published_root
):
    transport = make_department("transport")
    call_command("publish_static", verbosity=0)
    withdraw(transport)
    call_command("publish_static", verbosity=0)
    assert not (published_root / "en/government/structure/transport/index.html").exists()
    assert not (published_root / "zh-hans/government/structure/transport/index.html").exists()
    assert "Transport" not in (published_root / "en/government/structure/index.html").read_text()
    assert_files_are_what_django_serves(client, published_root)


def test_publish_static_all_rewrites_every_page(seed, make_department, published_root):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    backdate_files(published_root)
    call_command("publish_static", "--all", verbosity=0)
    assert rewritten_files(published_root) == set(files_under(published_root))


def test_publish_static_rerenders_every_department_after_a_site_change(
    client, seed, make_department, published_root
):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    row = SiteSettings.load()
    row.footer_text_en = "A footer on every published page"
    # Saved without re-rendering: the commit callback never runs here.
    row.save()
    call_command("publish_static", verbosity=0)
    for page in [EN_PAGE, "en/government/structure/transport/index.html", "en/index.html"]:
        assert "A footer on every published page" in (published_root / page).read_text()
    assert_files_are_what_django_serves(client, published_root)


def test_publish_static_survives_an_unreadable_manifest(
    client, seed, publishing_root, published_root
):
    call_command("publish_static", verbosity=0)
    (publishing_root / static_publishing.MANIFEST_FILE).write_text("{not json")
    call_command("publish_static", verbosity=0)
    assert_files_are_what_django_serves(client, published_root)


def test_a_scheduled_publication_becomes_files_once_live(
    client, seed, published_root, django_capture_on_commit_callbacks, uncached
):
    call_command("publish_static", verbosity=0)
    seed.name_en = "Department of Public Safety"
    seed.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish(seed, live_from=timezone.now() + timedelta(hours=1))
    assert not (published_root / EN_PAGE).exists()
    # The moment comes (no event marks it; uncached: the page cache would know the
    # moment, not that the test moved it).
    Department.objects.scheduled().update(live_from=timezone.now())
    call_command("publish_static", verbosity=0)
    assert "Department of Public Safety" in (published_root / EN_PAGE).read_text()
    assert (published_root / "en/government/structure/index.html").exists()
    assert_files_are_what_django_serves(client, published_root)


def test_a_failed_rerendering_leaves_the_affected_pages_to_django(
    client, seed, make_department, published_root, django_capture_on_commit_callbacks
):
    make_department("transport")
    call_command("publish_static", verbosity=0)
    seed.name_en = "Department of Public Safety"
    seed.save()
    failing_rename = mock.patch("os.replace", side_effect=OSError("disk full"))
    with failing_rename, django_capture_on_commit_callbacks(execute=True):
        publish(seed)
    # Rather than the previous publication: Django serves these until the next run.
    assert not (published_root / EN_PAGE).exists()
    assert not (published_root / "en/government/structure/index.html").exists()
    assert (published_root / "en/government/structure/transport/index.html").exists()
    call_command("publish_static", verbosity=0)
    assert "Department of Public Safety" in (published_root / EN_PAGE).read_text()
    assert_files_are_what_django_serves(client, published_root)


def test_withdrawal_and_deletion_remove_the_department_pages(
    seed, make_department, published_root, django_capture_on_commit_callbacks
):
    other = make_department("transport")
    call_command("publish_static", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(seed)
    assert not (published_root / EN_PAGE).exists()
    assert not (published_root / ZH_PAGE).exists()
    assert (
        "Public Security" not in (published_root / "en/government/structure/index.html").read_text()
    )
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert not (published_root / "en/government/structure/transport/index.html").exists()


def test_a_scheduled_publication_leaves_its_pages_to_django(
    seed, published_root, django_capture_on_commit_callbacks
):
    call_command("publish_static", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        publish(seed, live_from=timezone.now() + timedelta(hours=1))
    # Django switches them at the scheduled moment; a file could not.
    assert not (published_root / EN_PAGE).exists()
    assert not (published_root / "en/government/structure/index.html").exists()
    # Pages that name no department do not change at that moment.
    assert (published_root / "en/display/index.html").exists()
    assert (published_root / "robots.txt").exists()


def test_site_settings_rerender_every_page(
    seed, published_root, django_capture_on_commit_callbacks
):
    call_command("publish_static", verbosity=0)
    row = SiteSettings.load()
    row.footer_text_en = "A footer on every published page"
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    for page in EVERY_PAGE:
        if page.endswith(".html"):
            assert "A footer on every published page" in (published_root / page).read_text()


class WorkerStopped(BaseException):
    """The worker's process ends (a release restarts it), whatever the task was doing."""


def test_a_site_change_takes_the_old_pages_off_before_rendering_them_again(
    client, seed, published_root, django_capture_on_commit_callbacks
):
    call_command("publish_static", verbosity=0)
    publish_page = static_publishing.StaticPublisher.publish

    def publish_until_a_department(publisher, path, rewrite=True):
        if path == EN_URL:
            raise WorkerStopped
        return publish_page(publisher, path, rewrite=rewrite)

    row = SiteSettings.load()
    row.footer_text_en = "A footer on every published page"
    stopping = mock.patch.object(
        static_publishing.StaticPublisher, "publish", publish_until_a_department
    )
    with stopping, django_capture_on_commit_callbacks(execute=True):
        row.save()
    # Never the old footer: the site's pages are rendered, the department's were removed
    # before the worker stopped on its way to rendering them again.
    assert "A footer on every published page" in (published_root / "en/index.html").read_text()
    assert not (published_root / EN_PAGE).exists()
    assert not (published_root / ZH_PAGE).exists()
    call_command("publish_static", verbosity=0)
    assert "A footer on every published page" in (published_root / EN_PAGE).read_text()
    assert_files_are_what_django_serves(client, published_root)


def test_nothing_is_written_without_a_folder(seed, settings, tmp_path, monkeypatch):
    settings.STATIC_PUBLISHING_ROOT = None
    monkeypatch.chdir(tmp_path)
    publish(seed)
    assert list(tmp_path.iterdir()) == []


def test_the_publishers_own_files_are_kept_out_of_the_published_folder(
    seed, publishing_root, published_root
):
    call_command("publish_static", verbosity=0)
    assert (publishing_root / static_publishing.MANIFEST_FILE).exists()
    assert (publishing_root / static_publishing.LOCK_FILE).exists()
    assert sorted(path.name for path in publishing_root.iterdir()) == [
        static_publishing.MANIFEST_FILE,
        static_publishing.LOCK_FILE,
        "site",
    ]
    # Only pages where nginx looks: no manifest, lock, or file with a hidden name.
    assert not list(published_root.rglob(".*"))
    assert EN_PAGE in files_under(published_root)


def test_publish_static_moves_the_previous_layout_into_the_published_folder(
    client, seed, publishing_root, published_root
):
    # The previous release wrote the pages beside its manifest.
    call_command("publish_static", verbosity=0)
    (publishing_root / static_publishing.MANIFEST_FILE).rename(publishing_root / "manifest")
    for name in files_under(published_root):
        target = publishing_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (published_root / name).rename(target)
    (publishing_root / "manifest").rename(publishing_root / static_publishing.MANIFEST_FILE)
    old_pages = files_under(publishing_root)
    assert EN_PAGE in old_pages and "sitemap.xml" in old_pages
    call_command("publish_static", "--all", verbosity=0)
    # The pages are where nginx now looks, and the old ones are gone: an nginx still
    # configured for the previous layout passes every page to Django meanwhile.
    assert set(files_under(publishing_root)) == {f"site/{name}" for name in old_pages}
    assert not (publishing_root / "en").exists()
    assert not (publishing_root / "robots.txt").exists()
    assert_files_are_what_django_serves(client, published_root)


# --- Served by nginx, with deploy/nginx.conf -------------------------------------------------


@pytest.fixture
def live_seed(live_server, transactional_db):
    load_published_seed()
    return live_server


def test_nginx_serves_published_pages_and_passes_the_rest_to_django(
    live_seed, publishing_root, published_root, tmp_path
):
    call_command("publish_static", verbosity=0)
    # A mark only the file has, to tell nginx's answer from Django's.
    page = published_root / EN_PAGE
    page.write_text(page.read_text().replace("</body>", "<!-- from the file --></body>"))
    upstream = live_seed.url.removeprefix("http://")
    with running_nginx(tmp_path / "nginx", upstream=upstream, published=publishing_root) as site:
        status, headers, body = fetch(site + EN_URL)
        assert status == 200 and "<!-- from the file -->" in body
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Content-Language"] == "en"
        status, headers, body = fetch(site + "/en/government/structure/feed/")
        assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
        assert fetch(site + "/sitemap.xml")[0] == 200
        # Conditional GET on the file.
        status, _headers, _body = fetch(site + EN_URL, {"If-None-Match": headers["ETag"]})
        # (the feed's ETag does not match the page)
        assert status == 200
        etag = fetch(site + EN_URL)[1]["ETag"]
        assert fetch(site + EN_URL, {"If-None-Match": etag})[0] == 304
        # Django answers what was not published, and the visitors files do not suit.
        for url, headers in [
            (EN_URL, {"Cookie": "display_mode=elderly"}),
            (EN_URL, {"Cookie": "sessionid=abc"}),
            ("/en/search/?q=traffic", {}),
        ]:
            status, _headers, body = fetch(site + url, headers)
            assert status == 200 and "<!-- from the file -->" not in body
        assert 'class="elderly-mode"' in fetch(site + EN_URL, {"Cookie": "display_mode=elderly"})[2]
        assert fetch(site + "/en/government/structure/no-such-department/")[0] == 404


def test_published_pages_carry_the_headers_django_sends(
    live_seed, publishing_root, published_root, tmp_path
):
    call_command("publish_static", verbosity=0)
    upstream = live_seed.url.removeprefix("http://")
    with running_nginx(tmp_path / "nginx", upstream=upstream, published=publishing_root) as site:
        _status, from_file, _body = fetch(site + EN_URL)
        # (a display mode chosen, even the standard one, goes to Django)
        _status, from_django, _body = fetch(site + EN_URL, {"Cookie": "display_mode=standard"})
    for header in [
        "Cache-Control",
        "Vary",
        "Content-Language",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Permissions-Policy",
    ]:
        assert from_file[header] == from_django[header], header

    def directives(policy):
        return {directive.strip() for directive in policy.split(";")}

    assert directives(from_file["Content-Security-Policy"]) == directives(
        from_django["Content-Security-Policy"]
    )


def test_nginx_serves_nothing_but_the_published_pages(
    seed, publishing_root, published_root, tmp_path
):
    call_command("publish_static", verbosity=0)
    # Whatever hides behind a dot, in the published folder or anywhere else.
    (published_root / ".half-written.tmp").write_text("secret")
    (published_root / "en" / ".env").write_text("secret")
    # Nothing listens upstream: an address passed to Django would answer 502.
    dead = f"127.0.0.1:{free_port()}"
    with running_nginx(tmp_path / "nginx", upstream=dead, published=publishing_root) as site:
        for url in [
            "/.manifest.json",
            "/.publishing.lock",
            "/.half-written.tmp",
            "/en/.env",
            "/static/.env",
            "/media/.env",
            "/en/.hidden/",
        ]:
            status, _headers, body = fetch(site + url)
            assert status == 404, url
            assert "secret" not in body and "departments" not in body, url
        status, _headers, body = fetch(site + EN_URL)
        assert status == 200 and "Department of Public Security" in body
        # A client's own claim of HTTPS over plain HTTP earns no HSTS header.
        _status, headers, _body = fetch(site + EN_URL, {"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in headers


def test_published_pages_are_served_while_the_application_is_down(
    seed, publishing_root, published_root, tmp_path
):
    call_command("publish_static", verbosity=0)
    # Nothing listens upstream: the application servers (or their database) are down.
    dead = f"127.0.0.1:{free_port()}"
    with running_nginx(tmp_path / "nginx", upstream=dead, published=publishing_root) as site:
        for page, text in [
            (EN_URL, "Department of Public Security"),
            ("/zh-hans/government/structure/public-security/", "浙江省公安厅"),
            ("/en/government/structure/", "Department of Public Security"),
        ]:
            status, _headers, body = fetch(site + page)
            assert status == 200 and text in body
        assert fetch(site + "/en/search/?q=traffic")[0] == 502


def test_nginx_serves_the_published_page_whatever_parameters_it_does_not_read(
    live_seed, publishing_root, published_root, tmp_path
):
    call_command("publish_static", verbosity=0)
    directory = "/en/government/structure/"
    for name in [EN_PAGE, "en/government/structure/index.html", "en/search/index.html"]:
        page = published_root / name
        page.write_text(page.read_text().replace("</body>", "<!-- from the file --></body>"))
    upstream = live_seed.url.removeprefix("http://")
    with running_nginx(tmp_path / "nginx", upstream=upstream, published=publishing_root) as site:
        for url in [
            EN_URL + "?utm_source=newsletter&utm_medium=email",
            EN_URL + "?x=3f2a1b",
            EN_URL + "?queue=1&pages=2&names",
            directory + "?fbclid=abc",
            "/en/search/?utm_campaign=spring",
        ]:
            status, _headers, body = fetch(site + url)
            assert status == 200 and "<!-- from the file -->" in body, url
        # A parameter the page reads is Django's, wherever it is in the query string.
        for url in [
            directory + "?name=Public",
            directory + "?utm_source=x&page=1",
            "/en/search/?utm_source=x&q=traffic",
            "/en/search/?q",
            "/en/search/?%71=traffic",
            "/en/display/?mode=standard&next=/en/",
        ]:
            _status, _headers, body = fetch(site + url)
            assert "<!-- from the file -->" not in body, url
        assert "Department of Public Security" in fetch(site + directory + "?name=Public")[2]


def test_nginx_knows_every_query_parameter_a_page_reads():
    """deploy/nginx.conf names the parameters every cached_page() declares, and no other."""

    def declared(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from declared(pattern.url_patterns)
            elif getattr(pattern.callback, "page_cached", False):
                yield from pattern.callback.page_cache_query_parameters

    config = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    block = re.search(r"map \$args \$query_read_by_page \{(.*?)\}", config, re.S)
    listed = block and re.search(r"\(\?:([a-z_|]+)\|", block.group(1))
    assert listed, "the map of query parameters is missing from deploy/nginx.conf"
    assert listed.group(1).split("|") == sorted(set(declared(get_resolver().url_patterns)))
