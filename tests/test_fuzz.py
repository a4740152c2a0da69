"""Ten thousand generated requests to the public URLs and the API: never a server error.

Deterministic (seeded), in-process (Django's test client, no network) and
bounded in count, so it stops by itself and fails the same way twice. CI runs
it on SQLite and on PostgreSQL (DATABASE_URL), which refuses some characters
that SQLite stores: every query parameter of every address is also sent those.
"""

import random
import string

import pytest
from django.test import Client
from django.urls import resolve
from django.utils import translation

REQUESTS = 10_000
LANGUAGES = ["en", "zh-hans", "fr", "", "EN", "zh"]
PUBLIC_PATHS = [
    "",
    "government/",
    "government/structure/",
    "government/structure/public-security/",
    "government/structure/public-security/preview/",
    "government/structure/feed/",
    "search/",
    "display/",
    "api/",
]
API_PATHS = ["api/v1/departments/", "api/v1/departments/public-security/", "api/v1/openapi.json"]
PARAMETERS = ["q", "name", "lang", "kind", "page", "page_size", "mode", "next", "format", "slug"]
NASTY = [
    "",
    " ",
    "'",
    '"',
    "%",
    "%00",
    "\x00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "户籍",
    "身份证",
    "ID cards",
    "🚓",
    "\u202e",
    "-1",
    "0",
    "999999999999999999999",
    "1e9",
    "NaN",
    "null",
    "[]",
    "{}",
    "\\",
    "//evil.example/",
    "javascript:alert(1)",
    "a" * 5000,
]


def random_text(rng):
    if rng.random() < 0.5:
        return rng.choice(NASTY)
    alphabet = string.printable + "政治部公安厅户籍（）、。—…" + "\u00e9\u0301\ufeff"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def random_path(rng):
    if rng.random() < 0.3:
        base = rng.choice(API_PATHS)
    else:
        base = f"{rng.choice(LANGUAGES)}/{rng.choice(PUBLIC_PATHS)}"
    if rng.random() < 0.3:
        segments = base.split("/")
        segments[rng.randrange(len(segments))] = random_text(rng).replace("?", "").replace("#", "")
        base = "/".join(segments)
    return "/" + base


def random_query(rng):
    return {rng.choice(PARAMETERS): random_text(rng) for _ in range(rng.randint(0, 3))}


@pytest.mark.django_db
def test_ten_thousand_generated_requests_never_get_a_server_error(seed):
    rng = random.Random(20261127)
    client = Client(raise_request_exception=False)
    server_errors, sent = [], 0
    for number in range(2 * REQUESTS):
        if sent == REQUESTS:
            break
        path = random_path(rng)
        query = random_query(rng)
        method = rng.choices(["get", "head", "post"], weights=[7, 1, 2])[0]
        try:
            response = getattr(client, method)(path, query)
        except (UnicodeEncodeError, ValueError):
            # The test client cannot even build some generated URLs (say,
            # "//[" reads as a broken IPv6 host); no client could send them.
            continue
        sent += 1
        if response.status_code >= 500:
            server_errors.append((number, method, path[:80], query, response.status_code))
    assert sent == REQUESTS
    assert server_errors == []


# What PostgreSQL refuses in a text value (NUL), and what decodes to no character on its
# own (a UTF-16 surrogate, %ED%A0%80 in UTF-8): as the value, and in the parameter's name.
REFUSED_QUERIES = ["{name}=a%00b", "{name}=%00", "{name}%00=x", "{name}=%ED%A0%80x"]
EVERY_PAGE = [f"/{lang}/{path}" for lang in ("en", "zh-hans") for path in PUBLIC_PATHS]


def parameters_read_at(path):
    """The query parameters the view at ``path`` is given, or None if it is given them all.

    Cached pages are handed only the parameters they declare (delivery.page_cache): any
    other is dropped before the view runs, whatever it holds."""
    with translation.override(translation.get_language_from_path(path) or "en"):
        view = resolve(path).func
    return getattr(view, "page_cache_query_parameters", None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", EVERY_PAGE + [f"/{path}" for path in API_PATHS])
def test_characters_the_database_refuses_never_cause_a_server_error(seed, path):
    client = Client(raise_request_exception=False)
    read = parameters_read_at(path)
    for name in PARAMETERS:
        for query in REFUSED_QUERIES:
            url = f"{path}?{query.format(name=name)}"
            response = client.get(url)
            assert response.status_code < 500, url
            reaches_the_view = read is None or (name in read and "%00=" not in query)
            if "%00" in query and reaches_the_view:
                assert response.status_code == 400, url
            elif "%00" in query:
                # Dropped: the page is the one without the parameter.
                assert response.status_code == client.get(path).status_code, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "language", "heading"),
    [
        ("/en/search/?q=a%00b", "en", "Bad request"),
        ("/zh-hans/government/structure/?name=%00x", "zh-hans", "请求有误"),
    ],
)
def test_a_nul_in_a_page_address_answers_the_400_page_in_its_language(
    client, seed, url, language, heading
):
    response = client.get(url)
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert f"<h1>{heading}</h1>" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [("kind=%00", "kind"), ("lang=zh-hans%00", "lang")],
)
def test_a_nul_in_an_api_parameter_answers_the_api_error(client, seed, query, parameter):
    response = client.get(f"/api/v1/departments/?{query}")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error.get("parameter") == parameter
    assert "NUL" in error["message"]


@pytest.mark.django_db
def test_a_nul_in_a_parameter_no_page_reads_is_dropped(client, seed):
    plain = client.get("/api/v1/departments/?page=1")
    response = client.get("/api/v1/departments/?page=1&x=%00")
    assert response.status_code == 200
    assert response.json() == plain.json()
