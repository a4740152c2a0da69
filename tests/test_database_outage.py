"""While the database does not answer: cached pages are served, others answer 503 and say so."""

import json
import logging
from unittest import mock

from django.db import OperationalError, connection

from tests.conftest import page_text
from tests.nginx import free_port
from tests.production import PRODUCTION_HOST, production_env, run_python

EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"


def database_down():
    """Within it, every use of the database fails as when its server is down or unreachable."""
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    return mock.patch.object(connection, "ensure_connection", side_effect=refused)


def test_a_page_that_cannot_reach_the_database_answers_503_in_its_language(client, seed, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.middleware"), database_down():
        for url, lang, title in [
            (EN_URL, "en", "Service temporarily unavailable"),
            (ZH_URL, "zh-hans", "服务暂时不可用"),
        ]:
            response = client.get(url)
            assert response.status_code == 503
            assert response["Retry-After"] == "120"
            assert "no-store" in response["Cache-Control"]
            content = response.content.decode()
            assert f'<html lang="{lang}">' in content
            assert f"<h1>{title}</h1>" in content
    assert "The database did not answer GET " + EN_URL in caplog.text
    # Nothing about the database reaches the visitor.
    assert "5432" not in content and "OperationalError" not in content


def test_the_503_is_not_cached_and_the_page_returns_with_the_database(client, seed):
    with database_down():
        assert client.get(EN_URL).status_code == 503
    response = client.get(EN_URL)
    assert response.status_code == 200
    assert "Department of Public Security" in page_text(response)


def test_a_cached_page_is_served_while_the_database_is_down(client, seed):
    assert client.get(EN_URL).status_code == 200
    with database_down():
        response = client.get(EN_URL)
        assert response.status_code == 200
        assert "Department of Public Security" in page_text(response)
        # A page nobody asked for yet is not in the cache.
        assert client.get(ZH_URL).status_code == 503


def test_other_errors_stay_server_errors(client, seed):
    client.raise_request_exception = False
    with mock.patch("departments.lookup.published", side_effect=ValueError("a bug")):
        response = client.get(EN_URL)
    assert response.status_code == 500
    assert "Retry-After" not in response


# A visitor's request to a production process whose PostgreSQL does not answer.
ASK_WITHOUT_A_DATABASE = f"""
import json

import portal.wsgi
from django.test import Client

answers = {{}}
for url in ["{EN_URL}", "{ZH_URL}"]:
    response = Client(raise_request_exception=False).get(
        url, HTTP_HOST="{PRODUCTION_HOST}", secure=True
    )
    answers[url] = [response.status_code, response.get("Retry-After"), response.content.decode()]
print(json.dumps(answers))
"""


def test_in_production_pages_answer_503_while_postgresql_is_down():
    closed_port = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://portal@127.0.0.1:{closed_port}/portal",
        REDIS_URL="redis://127.0.0.1:6379/7",
        PAGE_CACHE_SECONDS="0",
    )
    result = run_python(ASK_WITHOUT_A_DATABASE, env)
    assert result.returncode == 0, result.stderr
    *logged, printed = result.stdout.splitlines()
    answers = json.loads(printed)
    assert answers[EN_URL][:2] == [503, "120"]
    assert "<h1>Service temporarily unavailable</h1>" in answers[EN_URL][2]
    assert answers[ZH_URL][:2] == [503, "120"]
    assert "<h1>服务暂时不可用</h1>" in answers[ZH_URL][2]
    assert any("The database did not answer GET" in line for line in logged)


API_URLS = ["/api/v1/departments/", "/api/v1/departments/public-security/?lang=zh-hans"]


def test_the_api_answers_its_json_error_while_the_database_is_down(client, seed):
    with database_down():
        for url, message in zip(API_URLS, ["The service", "服务暂时不可用"], strict=True):
            response = client.get(url)
            assert response.status_code == 503
            assert response["Retry-After"] == "120"
            assert response["Content-Type"] == "application/json; charset=utf-8"
            assert response["Access-Control-Allow-Origin"] == "*"
            assert "no-store" in response["Cache-Control"]
            error = response.json()["error"]
            assert error["code"] == "service_unavailable"
            assert error["message"].startswith(message)
            assert "5432" not in response.content.decode()
    # Not cached: the API answers again with the database.
    assert client.get(API_URLS[0]).status_code == 200
