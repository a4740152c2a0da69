"""Whole public pages come from the shared cache until publishing changes exactly them."""

import html
import logging
import secrets
import time
from datetime import timedelta
from io import StringIO

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import SiteSettings
from delivery import page_cache
from delivery.models import PageVersion
from departments.services import publish, withdraw
from tests.conftest import load_published_seed, page_text, redis_caches
from tests.test_database_outage import database_down

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"
DIRECTORY = "/en/government/structure/"
REDIS_URL = "redis://127.0.0.1:6379/7"


def get_counting_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def is_cached(client, url, **extra):
    """A page from the cache costs one query: the check of its versions."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries) == 1 and "delivery_pageversion" in queries[0]["sql"]


def rename(draft, english, chinese=None):
    draft.name_en = english
    if chinese:
        draft.name_zh_hans = chinese
    draft.save()


def test_a_page_seen_once_is_served_from_the_cache_after_one_query(client, seed):
    first, first_queries = get_counting_queries(client, EN_URL)
    second, second_queries = get_counting_queries(client, EN_URL)
    # The versions of what the page shows, read before every look in the cache.
    assert first_queries > 1 and second_queries == 1
    assert is_cached(client, EN_URL)
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert "public" in second["Cache-Control"]
    # The headers of the middleware a hit skips are on the cached answer too.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    revalidated = client.get(EN_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304


def test_each_language_and_display_mode_has_its_own_copy(client, seed):
    english = client.get(EN_URL)
    chinese = client.get(ZH_URL)
    assert "Department of Public Security" in page_text(english)
    assert "公安厅" in page_text(chinese)
    assert "Department of Public Security" not in page_text(client.get(ZH_URL))
    client.cookies["display_mode"] = "elderly"
    elderly = client.get(EN_URL)
    assert 'class="elderly-mode"' in elderly.content.decode()
    assert is_cached(client, EN_URL)
    assert 'class="elderly-mode"' in client.get(EN_URL).content.decode()
    del client.cookies["display_mode"]
    assert 'class="elderly-mode"' not in client.get(EN_URL).content.decode()


def test_publishing_invalidates_exactly_the_affected_pages(client, seed, make_department):
    other = make_department("transport")
    for url in [EN_URL, ZH_URL, DIRECTORY, other.get_absolute_url(), "/en/display/"]:
        client.get(url)
    rename(seed, "Department of Public Safety", "公共安全厅")
    publish(seed)
    assert "Department of Public Safety" in page_text(client.get(EN_URL))
    assert "公共安全厅" in page_text(client.get(ZH_URL))
    assert "Department of Public Safety" in page_text(client.get(DIRECTORY))
    # Another department's page and a page that lists no department are still cached.
    assert is_cached(client, other.get_absolute_url())
    assert is_cached(client, "/en/display/")


def test_the_api_follows_publishing_too(client, seed):
    url = "/api/v1/departments/public-security/?lang=en"
    client.get(url)
    assert is_cached(client, url)
    rename(seed, "Department of Public Safety")
    publish(seed)
    assert client.get(url).json()["name"] == "Department of Public Safety"
    assert client.get("/api/v1/departments/?lang=en").json()["results"][0]["name"] == (
        "Department of Public Safety"
    )


def test_withdrawal_takes_the_page_off_at_once(client, seed):
    client.get(EN_URL)
    client.get(DIRECTORY)
    withdraw(seed)
    assert client.get(EN_URL).status_code == 404
    assert "Department of Public Security" not in page_text(client.get(DIRECTORY))


def test_a_new_slug_frees_the_old_address(client, seed):
    client.get(EN_URL)
    seed.slug = "public-safety"
    seed.save()
    publish(seed)
    assert client.get(EN_URL).status_code == 404
    assert client.get("/en/government/structure/public-safety/").status_code == 200


def test_saving_a_draft_keeps_the_published_page_cached(client, seed, admin_client):
    client.get(EN_URL)
    rename(seed, "Draft name")
    assert is_cached(client, EN_URL)
    assert "Draft name" not in page_text(client.get(EN_URL))


def test_site_settings_and_government_reach_every_cached_page(client, seed):
    for url in [EN_URL, DIRECTORY, "/en/"]:
        client.get(url)
    settings_row = SiteSettings.load()
    settings_row.footer_text_en = "A new footer for every page"
    settings_row.save()
    for url in [EN_URL, DIRECTORY, "/en/"]:
        assert "A new footer for every page" in client.get(url).content.decode()
    government = seed.government
    government.name_en = "People's Government of Zhejiang (renamed)"
    government.save()
    assert "People's Government of Zhejiang (renamed)" in page_text(client.get("/en/government/"))


def test_deleting_a_department_removes_its_cached_page(client, seed):
    client.get(EN_URL)
    seed.delete()
    assert client.get(EN_URL).status_code == 404


def test_staff_signed_in_never_get_cached_pages(client, seed):
    client.get(EN_URL)
    staff = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    _response, queries = get_counting_queries(client, EN_URL)
    assert queries > 0


@pytest.mark.parametrize(
    "url",
    [
        "/en/government/structure/no-such-department/",
        "/en/display/?mode=elderly&next=/en/",
        "/en/display/?mode=nonsense",
    ],
)
def test_errors_redirects_and_cookies_are_never_stored(client, seed, url):
    client.get(url)
    _response, queries = get_counting_queries(client, url)
    assert queries > 0 or client.get(url).status_code != 200


def test_the_preview_is_never_cached(client, seed, admin_client):
    preview = "/en/government/structure/public-security/preview/"
    rename(seed, "First draft name")
    assert "First draft name" in page_text(admin_client.get(preview))
    rename(seed, "Second draft name")
    assert "Second draft name" in page_text(admin_client.get(preview))
    assert client.get(preview).status_code == 302


def test_search_results_are_cached_per_query(client, seed):
    client.get("/en/search/?q=traffic")
    assert is_cached(client, "/en/search/?q=traffic")
    _response, queries = get_counting_queries(client, "/en/search/?q=border")
    assert queries > 0


def test_no_page_outlives_a_scheduled_publication(client, seed):
    moment = timezone.now() + timedelta(seconds=2)
    rename(seed, "Scheduled Name")
    publish(seed, live_from=moment)
    assert "Scheduled Name" not in page_text(client.get(EN_URL))
    assert "Scheduled Name" not in page_text(client.get(DIRECTORY))
    # Real time: the cache expires pages on the real clock.
    time.sleep(max((moment - timezone.now()).total_seconds(), 0) + 0.2)
    assert "Scheduled Name" in page_text(client.get(EN_URL))
    assert "Scheduled Name" in page_text(client.get(DIRECTORY))


def test_a_publication_on_another_server_shows_here_at_once(client, seed):
    client.get(EN_URL)
    assert is_cached(client, EN_URL)
    rename(seed, "Department of Public Safety")
    # Another server publishes: all this process shares with it is the database.
    publish(seed)
    assert "Department of Public Safety" in page_text(client.get(EN_URL))


def test_the_cache_can_be_turned_off(client, seed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(EN_URL)
    _response, queries = get_counting_queries(client, EN_URL)
    assert queries > 0


# --- Redis, as in production -------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = redis_caches(REDIS_URL)
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()


def test_pages_live_in_redis_and_their_versions_in_the_database(client, seed, redis_cache):
    client.get(EN_URL)
    assert is_cached(client, EN_URL)
    keys = {key.decode() for key in redis_cache.keys("*")}
    assert keys and all(f":{page_cache.KEY_PREFIX}" in key for key in keys)
    before = PageVersion.objects.get(topic="department:public-security").token
    rename(seed, "Department of Public Safety")
    publish(seed)
    # Another application server reads this version from the database: its copy is stale too.
    assert PageVersion.objects.get(topic="department:public-security").token != before
    assert "Department of Public Safety" in page_text(client.get(EN_URL))
    assert is_cached(client, EN_URL)


def test_with_redis_down_pages_are_served_and_the_error_logged(client, seed, redis_down, caplog):
    with caplog.at_level(logging.ERROR, logger="delivery.page_cache"):
        for _ in range(3):
            response = client.get(EN_URL)
            assert response.status_code == 200
            assert "Department of Public Security" in page_text(response)
        rename(seed, "Department of Public Safety")
        publish(seed)
        assert "Department of Public Safety" in page_text(client.get(EN_URL))
    errors = [record for record in caplog.records if record.name == "delivery.page_cache"]
    # Logged once, not on every request.
    assert len(errors) == 1
    assert "unreachable" in errors[0].getMessage()
    assert "Redis" not in response.content.decode()


# --- The site settings, read by every page that is rendered ------------------------------------
# Committed, as requests in production do, with the page cache off: every page is rendered.


@pytest.fixture
def committed_seed(transactional_db, uncached):
    """The seed content, committed, with the page cache off: every page is rendered."""
    return load_published_seed()


def get_counting_settings_reads(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    reads = [query for query in queries if "core_sitesettings" in query["sql"]]
    return response, len(reads)


def whole_text(response):
    """The page with its header and footer, where the site settings show."""
    return html.unescape(response.content.decode())


def test_a_rendered_page_reads_the_site_settings_once(client, committed_seed):
    for url in [EN_URL, ZH_URL, DIRECTORY, "/en/"]:
        response, reads = get_counting_settings_reads(client, url)
        assert reads == 1
        # The settings of the page's language.
        expected = SiteSettings.load().government
        language = "zh_hans" if url.startswith("/zh-hans/") else "en"
        assert getattr(expected, f"name_{language}") in whole_text(response)


def test_an_edit_of_the_site_settings_shows_on_the_next_page(client, committed_seed):
    client.get(EN_URL)
    client.get(ZH_URL)
    settings_row = SiteSettings.load()
    settings_row.footer_text_en = "A new footer for every page"
    settings_row.footer_text_zh_hans = "每一页的新页脚"
    settings_row.save()
    assert "A new footer for every page" in whole_text(client.get(EN_URL))
    assert "每一页的新页脚" in whole_text(client.get(ZH_URL))


def test_an_edit_on_another_server_shows_here_at_once(client, committed_seed):
    client.get(EN_URL)
    # Another server saves: the row changes, and nothing this process holds.
    SiteSettings.objects.update(footer_text_en="Edited on another server")
    assert "Edited on another server" in whole_text(client.get(EN_URL))


def test_what_a_transaction_read_is_not_kept_after_it_rolled_back(client, committed_seed):
    original = SiteSettings.load().footer_text_en

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        settings_row = SiteSettings.load()
        settings_row.footer_text_en = "A footer that was never committed"
        settings_row.save()
        assert "A footer that was never committed" in whole_text(client.get(EN_URL))
        raise RolledBack
    response = client.get(EN_URL)
    assert "A footer that was never committed" not in whole_text(response)
    assert original in whole_text(response)


# --- After changes the admin did not make (a database restored from a backup) ------------------


def test_clear_page_cache_renders_every_page_afresh(client, seed):
    urls = [EN_URL, ZH_URL, DIRECTORY]
    for url in urls:
        client.get(url)
        assert is_cached(client, url)
    # The footer, on every page, as restoring a backup changes it: no signal tells the cache.
    SiteSettings.objects.update(
        footer_text_en="Footer of the restored backup", footer_text_zh_hans="恢复的备份的页脚"
    )
    assert "Footer of the restored backup" not in client.get(EN_URL).content.decode()
    out = StringIO()
    call_command("clear_page_cache", stdout=out)
    assert "out of date on every application server" in out.getvalue()
    assert "Footer of the restored backup" in client.get(EN_URL).content.decode()
    assert "恢复的备份的页脚" in client.get(ZH_URL).content.decode()
    assert "Footer of the restored backup" in client.get(DIRECTORY).content.decode()
    # And the fresh pages are cached again.
    assert all(is_cached(client, url) for url in urls)


def test_clear_page_cache_works_while_redis_does_not_answer(client, seed, redis_down):
    client.get(EN_URL)
    SiteSettings.objects.update(footer_text_en="Footer of the restored backup")
    out = StringIO()
    call_command("clear_page_cache", stdout=out)
    assert "out of date on every application server" in out.getvalue()
    assert "Footer of the restored backup" in client.get(EN_URL).content.decode()


# --- Redis restarted from its snapshot (a restart or a failover) --------------------------------
# A private redis-server (tests/redis_server.py): stopped, restarted from dump.rdb.


def forget_this_process():
    """What another application server knows: nothing of this one's outage."""
    page_cache.last_read.clear()
    page_cache.outage.reset()


def test_a_withdrawal_while_redis_is_down_outlives_its_restart_from_the_snapshot(
    client, seed, redis_server
):
    assert "Department of Public Security" in page_text(client.get(EN_URL))
    client.get(DIRECTORY)
    assert is_cached(client, EN_URL)
    redis_server.save()
    redis_server.stop()
    withdraw(seed)
    redis_server.start()
    forget_this_process()
    assert client.get(EN_URL).status_code == 404
    assert "Department of Public Security" not in page_text(client.get(DIRECTORY))


def test_a_publication_after_the_snapshot_outlives_redis_restarting_from_it(
    client, seed, redis_server
):
    client.get(EN_URL)
    assert is_cached(client, EN_URL)
    redis_server.save()
    rename(seed, "Department of Public Safety")
    publish(seed)
    assert "Department of Public Safety" in page_text(client.get(EN_URL))
    redis_server.restart_from_snapshot()
    forget_this_process()
    assert "Department of Public Safety" in page_text(client.get(EN_URL))


def test_a_site_change_and_clear_page_cache_outlive_redis_restarting(client, seed, redis_server):
    client.get(EN_URL)
    redis_server.save()
    redis_server.stop()
    SiteSettings.objects.update(footer_text_en="Footer of the restored backup")
    call_command("clear_page_cache", stdout=StringIO())
    redis_server.start()
    forget_this_process()
    assert "Footer of the restored backup" in client.get(EN_URL).content.decode()


# --- Query strings -----------------------------------------------------------------------------


def test_unknown_query_parameters_add_no_cache_entries(client, seed, redis_server):
    pages = [EN_URL, DIRECTORY, "/en/search/?q=traffic", "/api/v1/departments/?lang=en"]
    for url in pages:
        client.get(url)
    entries = redis_server.key_count()
    assert entries >= len(pages)
    for number in range(1000):
        url = pages[number % len(pages)]
        separator = "&" if "?" in url else "?"
        noise = f"utm_source=newsletter-{number}" if number % 2 else f"x={secrets.token_hex(8)}"
        response = client.get(f"{url}{separator}{noise}")
        assert response.status_code == 200
    assert redis_server.key_count() == entries


def test_a_page_reads_only_its_own_parameters(client, seed):
    plain = client.get(EN_URL)
    with_noise = client.get(EN_URL + "?utm_source=x&q=traffic&name=x")
    # The same page: the query string it does not read is not even repeated in its links.
    assert with_noise.content == plain.content
    assert "utm_source" not in with_noise.content.decode()
    # Parameters a page reads still make it another page, whatever their order.
    first = client.get("/en/government/structure/?name=Public&utm_source=x")
    assert "Department of Public Security" in page_text(first)
    assert is_cached(client, "/en/government/structure/?utm_medium=y&name=Public")
    _response, queries = get_counting_queries(client, "/en/government/structure/?name=Transport")
    assert queries > 0


def test_while_the_database_is_down_cached_pages_keep_the_versions_last_read(client, seed):
    client.get(EN_URL)
    time.sleep(0.1)
    # The database cannot be asked for the versions: nothing can be published meanwhile,
    # so the ones read just before still hold.
    with database_down():
        response = client.get(EN_URL)
        assert response.status_code == 200
        assert "Department of Public Security" in page_text(response)
        # A page nobody asked for yet is not in the cache.
        assert client.get(ZH_URL).status_code == 503


def test_while_the_database_is_down_versions_read_long_before_are_not_used(client, seed):
    client.get(EN_URL)
    # Read longer before the outage than another server may have published since.
    page_cache.last_read.read = {
        topic: (token, read_at - page_cache.RETRY_SECONDS - 1)
        for topic, (token, read_at) in page_cache.last_read.read.items()
    }
    with database_down():
        assert client.get(EN_URL).status_code == 503
