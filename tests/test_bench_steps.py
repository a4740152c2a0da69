"""bench/floor_site.py: the benchmark's "uncached page, step by step" addresses answer the
measured page's bytes after doing exactly their share of the structure page's work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGE = "/en/government/structure/public-security/"


@pytest.fixture
def steps_site(settings, uncached, tmp_path, seed, client):
    settings.ROOT_URLCONF = "bench.floor_site"
    settings.STATIC_ROOT = tmp_path
    page = client.get(PAGE)
    assert page.status_code == 200
    # What bench/benchmark.py writes before starting the steps' server.
    (tmp_path / "bench-page.html").write_bytes(page.content)
    from bench import floor_site

    floor_site.page_bytes.cache_clear()
    yield page.content
    floor_site.page_bytes.cache_clear()


@pytest.mark.parametrize(
    "step, queries",
    [
        ("bytes", 0),
        # The live publication with its document: everything the page shows.
        ("data", 1),
    ],
)
def test_each_step_answers_the_page_after_its_share_of_the_work(steps_site, client, step, queries):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/bench-steps/{step}/public-security/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == steps_site
    assert len(captured) == queries


def test_an_unknown_department_is_not_found(steps_site, client):
    assert client.get("/bench-steps/data/no-such-department/").status_code == 404
