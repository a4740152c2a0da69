"""The deployment files in deploy/: nginx accepts its configuration, gunicorn its settings."""

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
from django.conf import settings

from portal.preload import YOUNG_GENERATION_THRESHOLD
from tests.nginx import fetch, free_port, local_config, nginx_binary, running_nginx
from tests.production import production_env, run_python

DEPLOY = settings.BASE_DIR / "deploy"


def test_nginx_accepts_the_configuration(tmp_path):
    config = local_config(tmp_path)
    result = subprocess.run(
        [nginx_binary(), "-t", "-c", str(config), "-p", str(tmp_path)]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def test_nginx_configuration_essentials():
    text = (DEPLOY / "nginx.conf").read_text()
    for line in [
        "client_max_body_size 12m;",
        "gzip on;",
        "server 127.0.0.1:8001",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $forwarded_proto;",
        'add_header Cache-Control "public, max-age=31536000, immutable" always;',
    ]:
        assert line in text


def test_gunicorn_accepts_its_settings():
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
    assert gunicorn, "gunicorn is in requirements.txt"
    env = {**os.environ, "GUNICORN_WORKERS": "3", "GUNICORN_BIND": "127.0.0.1:8123"}
    result = subprocess.run(
        [gunicorn, "-c", str(DEPLOY / "gunicorn.conf.py"), "--print-config", "portal.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = {
        key.strip(): value.strip()
        for key, _sep, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert config["workers"] == "3"
    assert config["preload_app"] == "True"
    assert config["bind"] == "['127.0.0.1:8123']"
    assert config["accesslog"] == "-"
    assert "127.0.0.1" in config["forwarded_allow_ips"]


# Imports the application and warms it up as gunicorn's master does (preload_app, then the
# when_ready hook of deploy/gunicorn.conf.py), then proves that the database and the cache
# it was given are unreachable, and that the warm-up did the first request's work.
IMPORT_AS_GUNICORN_MASTER = """
import gc
import runpy
import sys
import types

import portal.wsgi
from django.core.cache import cache
from django.db import connection
from django.template import engines

hooks = runpy.run_path("deploy/gunicorn.conf.py")
hooks["when_ready"](types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=True)))

# Before any cache call: imported by the warm-up, not by the first page.
print("Redis cache backend imported:", "django_redis.client.default" in sys.modules)
uses = {"PostgreSQL": connection.ensure_connection, "Redis": lambda: cache.get("any key")}
for name, use in uses.items():
    try:
        use()
    except Exception:
        print(name, "unreachable")
print("URLconf imported:", "portal.urls" in sys.modules and "departments.views" in sys.modules)
compiled = engines["jinja2"].env.cache
print("structure page compiled:", any("department_detail.html" in str(key) for key in compiled))
print("objects frozen:", gc.get_freeze_count())
print("young collection threshold:", gc.get_threshold()[0])
"""


def test_the_application_loads_and_warms_up_without_connecting_to_postgresql_or_redis():
    # gunicorn's workers are forked from a master that has imported the application and
    # done the first request's work: a connection opened meanwhile would be shared by all.
    closed_port = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://portal@127.0.0.1:{closed_port}/portal",
        REDIS_URL=f"redis://127.0.0.1:{closed_port}/0",
    )
    result = run_python(IMPORT_AS_GUNICORN_MASTER, env)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert "PostgreSQL unreachable" in printed
    assert "Redis unreachable" in printed
    assert "URLconf imported: True" in printed
    assert "Redis cache backend imported: True" in printed
    assert "structure page compiled: True" in printed
    # What the master made is out of the garbage collector's sight in the workers.
    frozen = next(line for line in printed if line.startswith("objects frozen:"))
    assert int(frozen.rpartition(":")[2]) > 10_000, frozen
    assert f"young collection threshold: {YOUNG_GENERATION_THRESHOLD}" in printed


# --- What nginx tells the application ---------------------------------------------------------


class EchoHeaders(http.server.BaseHTTPRequestHandler):
    """An application server that answers with the forwarding headers it was sent."""

    def do_GET(self):
        body = json.dumps(
            {name: self.headers.get(name) for name in ["X-Forwarded-Proto", "X-Forwarded-For"]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def forwarded_headers(site, headers):
    # A query string: never a published page, always the application.
    status, _headers, body = fetch(site + "/en/search/?q=x", headers)
    assert status == 200
    return json.loads(body)


def test_a_client_cannot_make_the_application_believe_it_used_https(tmp_path, echo_upstream):
    with running_nginx(tmp_path, upstream=echo_upstream) as site:
        for claimed in ["https", "HTTPS", "https, http"]:
            sent = forwarded_headers(site, {"X-Forwarded-Proto": claimed})
            assert sent["X-Forwarded-Proto"] == "http", claimed
        assert forwarded_headers(site, {})["X-Forwarded-Proto"] == "http"


def test_only_the_trusted_load_balancer_says_which_scheme_the_visitor_used(tmp_path, echo_upstream):
    # The test's requests come from 127.0.0.1: here, the load balancer's address.
    with running_nginx(tmp_path, upstream=echo_upstream, load_balancers="127.0.0.1") as site:
        assert forwarded_headers(site, {"X-Forwarded-Proto": "https"})["X-Forwarded-Proto"] == (
            "https"
        )
        assert forwarded_headers(site, {"X-Forwarded-Proto": "http"})["X-Forwarded-Proto"] == (
            "http"
        )
        assert forwarded_headers(site, {})["X-Forwarded-Proto"] == "http"
