"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against the live server.

Every test gets a fresh browser context (cookies, viewport, locale) in one shared browser, and a
live server on 127.0.0.1 holding the seed content of a fresh install.
"""

import os
from dataclasses import dataclass
from pathlib import Path

# Playwright's sync API runs an event loop in the main thread; Django would otherwise refuse
# database access from the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Everything targets 127.0.0.1: the machine has no other network.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402

from tests.conftest import load_published_seed  # noqa: E402

# Screenshots and PDFs for people to look at; /test-artifacts/ is ignored by git.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

LANGUAGES = ("en", "zh-hans")
BROWSER_LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}
OTHER_LANGUAGE = {"en": "zh-hans", "zh-hans": "en"}

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

ELDERLY_COOKIE = "display_mode"
ELDERLY_CLASS = "elderly-mode"

STRUCTURE_PATH = "/government/structure/public-security/"


@dataclass(frozen=True)
class PublicPage:
    """A page every visitor can reach; ``path`` follows the language prefix."""

    name: str
    path: str
    status: int = 200

    def url(self, lang):
        return f"/{lang}{self.path}"


# The ONE list of public pages: every page-wide test (axe, keyboard, phone, elderly mode) runs on
# each of them in each language. Add new public pages (search, API docs, ...) here.
PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("government", "/government/"),
    PublicPage("directory", "/government/structure/"),
    PublicPage("structure", STRUCTURE_PATH),
    PublicPage("display", "/display/"),
    PublicPage("api-docs", "/api/"),
    PublicPage("search-results", "/search/?q=ID+card"),
    PublicPage("search-chinese", "/search/?q=%E6%88%B7%E7%B1%8D"),
    PublicPage("search-no-results", "/search/?q=zzzqqq"),
    PublicPage("search-suggestions", "/search/?q=%E8%BA%AB%E5%88%86%E8%AF%81"),
    PublicPage("search-blank", "/search/"),
    PublicPage("directory-filtered", "/government/structure/?name=security"),
    PublicPage("not-found", "/government/structure/no-such-department/", status=404),
]

STRUCTURE_PAGE = next(page for page in PUBLIC_PAGES if page.name == "structure")


def public_page_params():
    """pytest.param(lang, page) for every public page in every language, with readable ids."""
    return [
        pytest.param(lang, page, id=f"{lang}-{page.name}")
        for lang in LANGUAGES
        for page in PUBLIC_PAGES
    ]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests, not skip them.")
        pytest.skip("Debian's chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts():
    """ARTIFACTS, created."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site_url(live_server, transactional_db):
    """The live server's address, serving the seed content of a fresh install."""
    load_published_seed()
    return live_server.url


@pytest.fixture
def new_page(browser, site_url):
    """new_page(lang=None, phone=False, elderly=False, javascript=True) -> Page in a new context.

    ``elderly`` sets the display-mode cookie before the first request; ``phone`` emulates a
    375 px touch phone. Contexts are closed after the test.
    """
    contexts = []

    def make(lang=None, phone=False, elderly=False, javascript=True, viewport=None):
        options = {
            "base_url": site_url,
            "viewport": viewport or (PHONE if phone else DESKTOP),
            "java_script_enabled": javascript,
        }
        if lang:
            options["locale"] = BROWSER_LOCALES[lang]
        if phone:
            options.update(is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if elderly:
            set_elderly_cookie(context, site_url)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop (1280x900) page in a fresh context."""
    return new_page()


def set_elderly_cookie(context, site_url):
    context.add_cookies([{"name": ELDERLY_COOKIE, "value": "elderly", "url": site_url}])


def open_page(page, url, status=200):
    """Load url and check the server answered as a visitor expects."""
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url} answered {response.status}, expected {status}"
    return response


def is_elderly(page):
    return page.evaluate("cls => document.documentElement.classList.contains(cls)", ELDERLY_CLASS)
