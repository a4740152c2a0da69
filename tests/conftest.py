import html
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from delivery.page_cache import database_outage, last_read, outage
from delivery.version_feed import feed
from departments.models import Department, Government
from departments.seed import SEED_FIXTURES, SITE_SETTINGS_FIXTURE, publish_seed
from departments.services import publish
from tests.redis_server import RedisServer


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty page cache, and no cache outage remembered, as a fresh
    server would."""

    def reset():
        cache.clear()
        last_read.clear()
        outage.reset()
        database_outage.reset()
        feed.reset()

    reset()
    yield
    reset()


def redis_caches(location):
    """The CACHES setting of production (portal/settings.py with REDIS_URL) for this Redis."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": False,
            },
        }
    }


@pytest.fixture
def redis_server(tmp_path, settings):
    """A private Redis as the page cache (the production backend), started and stopped here."""
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    settings.CACHES = redis_caches(server.url)
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()


@pytest.fixture
def uncached(settings):
    """Turns the whole-page cache off: for tests of what rendering a page costs, and for
    tests that move Django's clock (cached pages expire on the real one)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def redis_down(settings):
    """The production cache backend, pointed at a Redis that is not there."""
    # Nothing listens on port 1.
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0")


def load_published_seed():
    """Loads the seed content of a fresh install and publishes it; returns the draft."""
    call_command("loaddata", SITE_SETTINGS_FIXTURE, *SEED_FIXTURES, verbosity=0)
    publish_seed()
    return Department.objects.drafts().get(slug="public-security")


@pytest.fixture
def seed(db):
    """The seed content of a fresh install, published; returns the draft."""
    return load_published_seed()


@pytest.fixture
def government(db):
    return Government.objects.create(
        slug="testland", name_en="People's Government of Testland", name_zh_hans="测试省人民政府"
    )


@pytest.fixture
def lanshan(db):
    """The fictional province whose departments the legacy exports in tests/legacy_pages are."""
    return Government.objects.create(
        slug="lanshan",
        name_en="People's Government of Lanshan Province",
        name_zh_hans="岚山省人民政府",
    )


@pytest.fixture
def make_department(government):
    def make(slug="transport", publish_now=True, **fields):
        values = {
            "government": government,
            "slug": slug,
            "name_en": f"Department of {slug.title()}",
            "name_zh_hans": f"{slug}厅",
            "introduction_en": "An introduction.",
            "introduction_zh_hans": "简介。",
            "published_at": timezone.now(),
        }
        values.update(fields)
        department = Department.objects.create(**values)
        if publish_now:
            publish(department)
        return department

    return make


@pytest.fixture
def republish():
    """Publishes a draft after a test changed it directly, as a publisher would."""

    def run(draft):
        publish(draft, update_date=False)
        return draft

    return run


def page_text(response):
    """The text a reader sees in the page's <main>, tags removed and spaces collapsed."""
    content = response.content.decode()
    main = re.search(r"<main\b.*?</main>", content, re.S)
    text = main.group(0) if main else content
    # Inline elements join their neighbours; every other tag separates words.
    text = re.sub(r"</?(?:a|abbr|b|em|span|strong|time)\b[^>]*>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def assert_in_order(text, facts):
    """Every fact occurs in text, each after the one before it."""
    position = 0
    for fact in facts:
        found = text.find(fact, position)
        assert found >= 0, f"{fact!r} missing (or out of order) after position {position}"
        position = found + len(fact)


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code outside a request speaks the default language, whatever the last request used."""
    with translation.override("en"):
        yield
