"""The page cache is first in the middleware stack: a hit answers as the whole stack would.

A hit runs no other middleware, so what they decide per request (HTTPS redirect, host
check, conditional GET) is checked here on cached pages, by what a client receives.
"""

import pytest
from csp.constants import NONCE, SELF
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

EN_URL = "/en/government/structure/public-security/"
STATIC_URL = "/static/css/portal.css"
NAME = "Department of Public Security"


def get(client, url, **extra):
    """The answer, and whether it came from the page cache (one query: its versions)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    hit = len(queries) == 1 and "delivery_pageversion" in queries[0]["sql"]
    return response, hit


def test_a_hit_carries_every_header_the_whole_stack_gave_the_page(client, seed):
    first, first_hit = get(client, EN_URL)
    second, second_hit = get(client, EN_URL)
    assert (first_hit, second_hit) == (False, True)
    assert dict(second.items()) == dict(first.items())
    assert second.content == first.content
    # Those of the middleware the hit skipped among them.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["Permissions-Policy"].startswith("camera=()")
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert second["Cross-Origin-Opener-Policy"] == "same-origin"
    assert second.has_header("ETag")


CONDITIONS = {
    "matching If-None-Match": lambda page: {"HTTP_IF_NONE_MATCH": page["ETag"]},
    "other If-None-Match": lambda page: {"HTTP_IF_NONE_MATCH": '"another"'},
    "If-Modified-Since": lambda page: {"HTTP_IF_MODIFIED_SINCE": page["Last-Modified"]},
    "older If-Modified-Since": lambda page: {
        "HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"
    },
    "failed If-Match": lambda page: {"HTTP_IF_MATCH": '"another"'},
}


@pytest.mark.parametrize("condition", CONDITIONS)
def test_conditional_gets_of_a_hit_answer_as_conditional_get_middleware(
    client, seed, settings, condition
):
    page = client.get(EN_URL)
    headers = CONDITIONS[condition](page)
    cached, hit = get(client, EN_URL, **headers)
    assert hit
    # The same request, answered by the stack itself (ConditionalGetMiddleware).
    settings.PAGE_CACHE_SECONDS = 0
    uncached, hit = get(client, EN_URL, **headers)
    assert not hit
    assert cached.status_code == uncached.status_code
    assert cached.content == uncached.content
    assert cached.get("ETag") == uncached.get("ETag")
    expected = {
        "matching If-None-Match": 304,
        "other If-None-Match": 200,
        "If-Modified-Since": 304,
        "older If-Modified-Since": 200,
        "failed If-Match": 412,
    }
    assert cached.status_code == expected[condition]


def test_a_revalidation_that_misses_answers_304_and_stores_the_page_not_the_304(client, seed):
    etag = client.get(EN_URL)["ETag"]
    cache.clear()
    revalidated, hit = get(client, EN_URL, HTTP_IF_NONE_MATCH=etag)
    assert not hit
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated["ETag"] == etag
    page, hit = get(client, EN_URL)
    assert hit
    assert page.status_code == 200
    assert NAME in page.content.decode()
    assert page["ETag"] == etag


def test_head_of_a_cached_page_has_its_headers_and_no_body(client, seed):
    page = client.get(EN_URL)
    with CaptureQueriesContext(connection) as queries:
        head = client.head(EN_URL)
    assert len(queries) == 1
    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.items()) == dict(page.items())
    assert int(head["Content-Length"]) == len(page.content)


def test_a_head_request_stores_nothing(client, seed):
    client.head(EN_URL)
    _page, hit = get(client, EN_URL)
    assert not hit


def test_a_host_not_allowed_gets_400_never_a_cached_page(client, seed):
    client.get(EN_URL)
    refused = client.get(EN_URL, HTTP_HOST="portal.example.com")
    assert refused.status_code == 400
    assert NAME not in refused.content.decode()
    # Answered by the stack, with its headers.
    assert refused["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in refused["Content-Security-Policy"]
    _page, hit = get(client, EN_URL)
    assert hit


def test_with_the_https_redirect_http_is_redirected_never_served_a_cached_page(seed, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    client = Client()
    client.get(EN_URL, secure=True)
    page, hit = get(client, EN_URL, secure=True)
    assert hit
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=3600"
    redirected = client.get(EN_URL + "?utm_source=newsletter")
    assert redirected.status_code == 301
    # SecurityMiddleware's redirect, of the address as it was asked.
    assert redirected["Location"] == f"https://testserver{EN_URL}?utm_source=newsletter"
    assert NAME not in redirected.content.decode()


def test_a_page_cached_over_http_is_not_served_once_the_https_redirect_is_on(seed, settings):
    client = Client()
    client.get(EN_URL)
    assert get(client, EN_URL)[1]
    settings.SECURE_SSL_REDIRECT = True
    # A new stack, as after a restart with the new setting.
    redirected = Client().get(EN_URL)
    assert redirected.status_code == 301
    assert redirected["Location"] == f"https://testserver{EN_URL}"


def test_the_key_holds_the_scheme_so_hsts_is_never_replayed_over_http(client, seed, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    client.get(EN_URL, secure=True)
    secure, secure_hit = get(client, EN_URL, secure=True)
    plain, plain_hit = get(client, EN_URL)
    assert secure_hit and not plain_hit
    assert secure["Strict-Transport-Security"] == "max-age=3600"
    assert not plain.has_header("Strict-Transport-Security")
    plain, plain_hit = get(client, EN_URL)
    assert plain_hit
    assert not plain.has_header("Strict-Transport-Security")


class ReadsTheNonce:
    """Stands for a template with an inline script, which reads django-csp's nonce."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Nonce"] = str(request.csp_nonce)
        return response


def test_a_page_rendered_with_a_csp_nonce_is_never_stored(seed, settings):
    policy = django_settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "script-src": [SELF, NONCE]}
    }
    middleware = list(django_settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("csp.middleware.CSPMiddleware") + 1, __name__ + ".ReadsTheNonce"
    )
    settings.MIDDLEWARE = middleware
    client = Client()
    first = client.get(EN_URL)
    second, hit = get(client, EN_URL)
    assert not hit
    assert first["X-Nonce"] != second["X-Nonce"]
    assert f"'nonce-{second['X-Nonce']}'" in second["Content-Security-Policy"]
    assert first["X-Nonce"] not in second["Content-Security-Policy"]


def test_static_files_are_whitenoises_as_before(client, seed):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STATIC_URL)
    assert len(queries) == 0
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (django_settings.BASE_DIR / "static" / "css" / "portal.css").read_bytes()
    )
    assert response["Content-Type"].startswith("text/css")
    # The middleware outside whitenoise still adds its headers.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    again = client.get(STATIC_URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
