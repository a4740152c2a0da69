"""GET /healthz: whether an application server can serve the site, for monitors and releases;
nginx's own /healthz for the load balancer."""

import json
import logging
import socket

from tests.nginx import fetch, free_port, running_nginx
from tests.production import PRODUCTION_HOST, production_env, run_python

HEALTH = "/healthz"
EN_URL = "/en/government/structure/public-security/"
# A monitor asks each application server by its own address, over plain HTTP.
SERVER_ADDRESS = "10.0.1.12:8001"

# Asks /healthz of an application configured by the environment, as a monitor would.
ASK_AS_A_MONITOR = f"""
import json
import time

import portal.wsgi
from django.test import Client

started = time.monotonic()
response = Client().get("{HEALTH}", HTTP_HOST="{SERVER_ADDRESS}")
print(json.dumps({{
    "status_code": response.status_code,
    "answer": response.json(),
    "seconds": time.monotonic() - started,
}}))
"""


def ask_as_a_monitor(env, timeout=60):
    result = run_python(ASK_AS_A_MONITOR, env, timeout)
    assert result.returncode == 0, result.stderr
    *logged, answer = result.stdout.splitlines()
    return json.loads(answer), "\n".join(logged)


def test_a_healthy_server_says_so_and_asks_the_database_each_time(
    client, db, django_assert_num_queries
):
    for _ in range(2):
        with django_assert_num_queries(1):
            response = client.get(HEALTH)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response


def test_a_monitor_asking_by_the_servers_address_over_http_gets_the_answer(client, db, settings):
    settings.ALLOWED_HOSTS = [PRODUCTION_HOST]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(HEALTH, HTTP_HOST=SERVER_ADDRESS)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # Every other address keeps refusing that host and redirecting to HTTPS.
    assert client.get(EN_URL, HTTP_HOST=SERVER_ADDRESS).status_code == 400
    redirect = client.get(EN_URL, HTTP_HOST=PRODUCTION_HOST)
    assert redirect.status_code == 301
    assert redirect["Location"] == f"https://{PRODUCTION_HOST}{EN_URL}"


def test_head_is_answered_and_other_methods_refused(client, db):
    head = client.head(HEALTH)
    assert head.status_code == 200
    assert head.content == b""
    for method in (client.post, client.put, client.delete):
        refused = method(HEALTH)
        assert refused.status_code == 405
        assert refused["Allow"] == "GET, HEAD"


def test_with_redis_down_the_server_is_degraded_and_still_serves_pages(
    client, seed, redis_down, caplog
):
    with caplog.at_level(logging.WARNING, logger="portal.health"):
        response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert "the cache does not answer" in caplog.text
    assert client.get(EN_URL).status_code == 200


def test_in_production_a_healthy_server_answers_200(tmp_path):
    answer, _logged = ask_as_a_monitor(
        production_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            REDIS_URL="redis://127.0.0.1:6379/7",
        )
    )
    assert answer["status_code"] == 200
    assert answer["answer"] == {"status": "ok", "database": "ok", "cache": "ok"}


def test_in_production_a_server_without_its_database_answers_503_at_once():
    closed_port = free_port()
    answer, logged = ask_as_a_monitor(
        production_env(
            DATABASE_URL=f"postgres://portal@127.0.0.1:{closed_port}/portal",
            REDIS_URL=f"redis://127.0.0.1:{closed_port}/0",
        )
    )
    assert answer["status_code"] == 503
    assert answer["answer"] == {
        "status": "unavailable",
        "database": "unavailable",
        "cache": "unavailable",
    }
    assert answer["seconds"] < 5
    assert "the database does not answer" in logged


def test_a_database_server_that_never_answers_costs_seconds_not_minutes():
    # A listening socket that nobody accepts on: the connection is made, and the database's
    # answer never comes (a hung or overloaded server). libpq alone would wait forever.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        answer, _logged = ask_as_a_monitor(
            production_env(
                DATABASE_URL=f"postgres://portal@127.0.0.1:{port}/portal",
                DATABASE_CONNECT_TIMEOUT="2",
                REDIS_URL=None,
            ),
            timeout=30,
        )
    assert answer["status_code"] == 503
    assert answer["answer"]["database"] == "unavailable"
    assert 1.5 < answer["seconds"] < 10


def test_nginx_answers_the_load_balancers_check_itself_with_the_application_down(tmp_path):
    dead = f"127.0.0.1:{free_port()}"
    with running_nginx(tmp_path / "nginx", upstream=dead) as site:
        status, headers, body = fetch(site + HEALTH)
        assert status == 200
        assert body == "ok\n"
        assert headers["Cache-Control"] == "no-store"
        # While the pages only Django serves are not.
        assert fetch(site + "/en/search/?q=traffic")[0] == 502
