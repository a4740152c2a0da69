"""On PostgreSQL the page versions are pushed to each process: a cached page needs no query,
and a publication anywhere reaches every process within the second."""

import logging
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery import version_feed
from delivery.version_feed import feed
from departments.services import publish
from tests.conftest import load_published_seed, page_text
from tests.test_database_outage import database_down

EN_URL = "/en/government/structure/public-security/"
DIRECTORY = "/en/government/structure/"
NEW_NAME = "Department of Public Safety"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL pushes the versions"
)


@pytest.fixture
def pushed(settings, transactional_db):
    """The seed content, committed, with the versions pushed (as in production)."""
    settings.PAGE_VERSION_FEED = True
    settings.PAGE_CACHE_SECONDS = 600
    return load_published_seed()


def get_with_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


def rename_and_publish(draft, name=NEW_NAME):
    draft.name_en = name
    draft.save()
    publish(draft)


def published_elsewhere():
    """As if another server published: this process learns it only from PostgreSQL."""
    return mock.patch.object(feed, "apply")


def text_within_a_second(client, url, expected):
    """The page's text once it shows ``expected``, asking again for at most one second."""
    deadline = time.monotonic() + 1
    while True:
        text = page_text(client.get(url))
        if expected in text or time.monotonic() > deadline:
            return text
        time.sleep(0.01)


@on_postgresql
def test_a_cached_page_needs_no_query(client, pushed):
    first, _queries = get_with_queries(client, EN_URL)
    second, queries = get_with_queries(client, EN_URL)
    assert queries == []
    assert second.content == first.content
    assert "Department of Public Security" in page_text(second)


@on_postgresql
def test_a_publication_here_shows_on_the_very_next_page(client, pushed):
    client.get(EN_URL)
    client.get(DIRECTORY)
    rename_and_publish(pushed)
    assert NEW_NAME in page_text(client.get(EN_URL))
    assert NEW_NAME in page_text(client.get(DIRECTORY))
    _response, queries = get_with_queries(client, EN_URL)
    assert queries == []


@on_postgresql
@pytest.mark.parametrize("check_every_page", [False, True])
def test_a_publication_on_another_server_shows_within_a_second(
    client, pushed, monkeypatch, check_every_page
):
    if check_every_page:
        # Every page checks the connection (SELECT 1): a notification read meanwhile is
        # kept for the next look at what arrived, not lost.
        monkeypatch.setattr(version_feed, "HEARTBEAT_SECONDS", 0)
    client.get(EN_URL)
    with published_elsewhere():
        rename_and_publish(pushed)
    assert NEW_NAME in text_within_a_second(client, EN_URL, NEW_NAME)
    # Known by notification: still no query once cached again.
    _response, queries = get_with_queries(client, EN_URL)
    assert queries == []


@on_postgresql
def test_a_change_too_big_for_a_notification_makes_every_process_read_all_versions(
    client, pushed, monkeypatch
):
    topics = [f"department:unit-{number}" for number in range(1000)]
    assert version_feed.payload("token", topics) == version_feed.READ_ALL_AGAIN
    client.get(EN_URL)
    monkeypatch.setattr(version_feed, "MAX_PAYLOAD_BYTES", 10)
    with published_elsewhere():
        rename_and_publish(pushed)
    assert NEW_NAME in text_within_a_second(client, EN_URL, NEW_NAME)


@on_postgresql
def test_without_its_listening_connection_a_process_reads_the_versions_until_it_is_back(
    client, pushed, monkeypatch, caplog
):
    client.get(EN_URL)
    end_listening_connection()
    # What the dead connection would have brought: a publication by another server.
    with published_elsewhere():
        rename_and_publish(pushed)
    with caplog.at_level(logging.WARNING, logger="delivery.version_feed"):
        response, queries = get_with_queries(client, EN_URL)
    assert NEW_NAME in page_text(response)
    assert "Page versions are not pushed to this process" in caplog.text
    _response, queries = get_with_queries(client, EN_URL)
    assert len(queries) == 1 and "delivery_pageversion" in queries[0]
    # Listening again, it reads every version: what it missed meanwhile is there.
    monkeypatch.setattr(version_feed, "RECONNECT_SECONDS", 0)
    feed.retry_at = 0.0
    response, queries = get_with_queries(client, EN_URL)
    assert queries == []
    assert NEW_NAME in page_text(response)


def test_where_nothing_pushes_them_each_cached_page_reads_its_versions(client, seed, settings):
    settings.PAGE_VERSION_FEED = connection.vendor != "postgresql"
    client.get(EN_URL)
    _response, queries = get_with_queries(client, EN_URL)
    assert len(queries) == 1 and "delivery_pageversion" in queries[0]


def end_listening_connection():
    """Ends the feed's session from the server side, as a database restart would."""
    listening = feed.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [listening])
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [listening])
        while cursor.fetchone()[0]:
            time.sleep(0.01)
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [listening])


@on_postgresql
def test_when_the_database_stops_answering_cached_pages_keep_the_versions_pushed_last(
    client, pushed
):
    client.get(EN_URL)
    end_listening_connection()
    with database_down():
        response = client.get(EN_URL)
        assert response.status_code == 200
        assert "Department of Public Security" in page_text(response)


@on_postgresql
def test_a_forked_process_listens_on_its_own_connection(client, pushed, monkeypatch):
    client.get(EN_URL)
    parents = feed.connection
    # As in a gunicorn worker forked after its master opened the connection.
    monkeypatch.setattr(version_feed.os, "getpid", lambda: -1)
    _response, queries = get_with_queries(client, EN_URL)
    assert queries == []
    assert feed.connection is not parents
    # The parent's connection is left as it was: closing it would end the parent's session.
    assert not parents.closed
    childs = feed.connection
    monkeypatch.undo()
    parents.close()
    childs.close()
