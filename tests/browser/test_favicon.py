"""The browser finds the site's icon: no failed request and no console error for it.

Headless Chromium does not ask for icons itself; the test loads, as the browser's tab would,
the icon the page links and ``/favicon.ico`` (which browsers ask for when a page links none).
"""

from .conftest import LANGUAGES, open_page

LOAD_IMAGE = """async (src) => await new Promise((resolve) => {
  const image = new Image();
  image.onload = () => resolve(image.naturalWidth);
  image.onerror = () => resolve(0);
  image.src = src;
})"""


class Problems:
    """Failed requests, error responses and console errors, for the whole test."""

    def __init__(self, page):
        self.found = []
        page.on("console", self.console)
        page.on("requestfailed", self.request_failed)
        page.on("response", self.response)

    def console(self, message):
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def request_failed(self, request):
        self.found.append(f"{request.url}: {request.failure}")

    def response(self, response):
        if response.status >= 400:
            self.found.append(f"{response.url}: {response.status}")


def test_pages_load_their_icon_without_an_error(page):
    problems = Problems(page)
    for lang in LANGUAGES:
        open_page(page, f"/{lang}/")
        linked = page.locator("link[rel=icon]")
        assert linked.count() == 1, "the page links no icon"
        for icon in [linked.get_attribute("href"), "/favicon.ico"]:
            width = page.evaluate(LOAD_IMAGE, icon)
            assert width >= 16, f"{icon} did not load as an image"
    assert problems.found == []
